"""Runs in the admin: the Retrain form, live progress, pictures, cancel and resume."""
import json
import threading
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from drawapp.runner import wait_until_idle
from training import actions, tasks
from training.models import ModelVersion, TrainingRun
from training.tasks import run_training

from .retrain_cast import ready_dataset, retrain_form

pytest_plugins = ["training.tests.retrain_fixtures"]

RETRAIN_URL = reverse("admin:training_trainingrun_retrain")


def run_url(name: str, run: TrainingRun) -> str:
    return reverse(f"admin:training_trainingrun_{name}", args=(run.pk,))


def logged_steps(run: TrainingRun) -> list[int]:
    lines = (Path(run.run_dir) / "losses.jsonl").read_text().splitlines()
    return [json.loads(line)["step"] for line in lines]


@pytest.fixture
def step_gate(monkeypatch):
    """Hold the training thread after it reports a chosen step until the test lets it go;
    progress is written and the cancel flag read after every step (no throttling)."""
    monkeypatch.setattr(tasks, "PROGRESS_WRITE_INTERVAL_S", 0.0)
    monkeypatch.setattr(tasks, "CANCEL_CHECK_INTERVAL_S", 0.0)
    gate = {"step": None, "reached": threading.Event(), "go": threading.Event()}
    report = tasks.RunSession.progress

    def gated(session, step, total, losses, eta_s):
        report(session, step, total, losses, eta_s)
        if step == gate["step"] and not gate["go"].is_set():
            gate["reached"].set()
            gate["go"].wait(60)

    monkeypatch.setattr(tasks.RunSession, "progress", gated)
    yield gate
    gate["go"].set()


def png_size(response) -> tuple[int, int]:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(BytesIO(b"".join(response.streaming_content)))
    return image.size


@pytest.mark.django_db(transaction=True)
def test_retrain_form_starts_a_run_that_ends_as_a_candidate_version(trainer_client, retrain_dirs):
    dataset = ready_dataset(retrain_dirs)
    form_page = trainer_client.get(RETRAIN_URL + f"?dataset={dataset.pk}").content.decode()
    assert "Start training" in form_page and "Lambda L1" in form_page
    assert 'name="generator_args" value="{}"' in form_page

    response = trainer_client.post(RETRAIN_URL, retrain_form(dataset))

    run = TrainingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url("change", run)
    assert run.config["generator_args"] == {"ngf": 4, "n_blocks": 1}
    assert (run.config["steps"], run.config["image_size"], run.config["jitter"]) == (6, 64, False)
    wait_until_idle()
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert (run.step, run.total_steps) == (6, 6)
    assert run.metrics["split"] == "val" and run.metrics["val"]["pairs"] == 1
    assert {"l1", "psnr", "ssim"} <= set(run.metrics["val"])
    version = run.model_version
    assert (version.category, version.version, version.status) == ("panda", run.run_id,
                                                                    "candidate")
    assert Path(version.weights_path).is_file() and version.trained_steps == 6
    assert version.metrics["l1"] == pytest.approx(run.metrics["val"]["l1"])
    assert not (retrain_dirs.MODELS_DIR / "panda" / "ACTIVE").exists()  # candidates are not served
    assert Path(run.checkpoint_path).is_file()


@pytest.mark.django_db(transaction=True)
def test_run_page_shows_progress_losses_pictures_and_log(trainer_client, retrain_dirs):
    dataset = ready_dataset(retrain_dirs)
    trainer_client.post(RETRAIN_URL, retrain_form(dataset))
    wait_until_idle()
    run = TrainingRun.objects.get()

    page = trainer_client.get(run_url("change", run)).content.decode()
    progress = trainer_client.get(run_url("progress", run)).json()

    assert "Succeeded" in page and "Held-out: L1" in page
    assert run_url("loss_curve", run) in page and run_url("sample", run) in page
    assert "Cancel run" not in page and "Resume from checkpoint" not in page
    assert (progress["status"], progress["step"], progress["percent"]) == ("succeeded", 6, 100)
    assert {"d", "g_gan", "l1"} <= set(progress["losses"])
    assert "step 6/6" in progress["log_tail"] and "exported" in progress["log_tail"]
    assert progress["model_version"] == f"panda/{run.run_id}"
    assert progress["sample_name"] == "step_00006"
    assert png_size(trainer_client.get(run_url("loss_curve", run))) == (800, 450)
    width, height = png_size(trainer_client.get(run_url("sample", run)))
    assert width > height > 0  # one row per held-out pair: sketch | generated | real


@pytest.mark.django_db(transaction=True)
def test_cancel_stops_after_the_step_keeping_the_checkpoint_and_resume_finishes(
        trainer_client, retrain_dirs, step_gate):
    step_gate["step"] = 3
    dataset = ready_dataset(retrain_dirs)
    trainer_client.post(RETRAIN_URL, retrain_form(dataset, steps=8, checkpoint_every=100))
    run = TrainingRun.objects.get()
    assert step_gate["reached"].wait(60)
    run.refresh_from_db()
    assert (run.status, run.step, run.total_steps) == ("running", 3, 8)
    assert "Cancel run" in trainer_client.get(run_url("change", run)).content.decode()

    response = trainer_client.post(run_url("cancel", run))
    step_gate["go"].set()
    wait_until_idle()

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.step) == ("cancelled", 3)
    state = json.loads((Path(run.run_dir) / "checkpoint" / "state.json").read_text())
    assert state["step"] == 3 and run.checkpoint_path.endswith("state.json")
    assert run.model_version is None and not ModelVersion.objects.exists()
    assert "Resume from checkpoint" in trainer_client.get(run_url("change", run)).content.decode()

    trainer_client.post(run_url("resume", run))
    wait_until_idle()

    run.refresh_from_db()
    assert (run.status, run.step, run.attempt) == ("succeeded", 8, 2), run.error
    assert "resuming from the checkpoint at step 3" in run.log_tail
    assert logged_steps(run) == list(range(1, 9))
    assert run.model_version.status == "candidate"


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_queued_run_ends_it_before_any_training(trainer_client, retrain_dirs,
                                                            monkeypatch):
    held = []  # the queue, with no worker taking from it yet
    monkeypatch.setattr(actions, "run_task", lambda task, args, queue: held.append((task, args)))
    dataset = ready_dataset(retrain_dirs)
    trainer_client.post(RETRAIN_URL, retrain_form(dataset))
    run = TrainingRun.objects.get()
    assert run.status == "queued" and held == [(run_training, (run.pk,))]

    trainer_client.post(run_url("cancel", run))

    run.refresh_from_db()
    assert run.status == "cancelled"
    task, args = held[0]
    assert task.run(*args) == "not queued"  # the message, delivered later, finds nothing to do
    assert not Path(run.run_dir).exists()


@pytest.mark.django_db
def test_a_finished_run_cannot_be_cancelled_or_resumed(trainer_client, retrain_dirs):
    run = TrainingRun.objects.create(run_id="panda-done", category="panda",
                                     dataset=ready_dataset(retrain_dirs), config={},
                                     status="succeeded", attempt=1)

    cancel = trainer_client.post(run_url("cancel", run), follow=True).content.decode()
    resume = trainer_client.post(run_url("resume", run), follow=True).content.decode()

    assert "only queued or running runs can be cancelled" in cancel
    assert "only cancelled, interrupted or failed runs can be resumed" in resume
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("succeeded", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), [
    ({"epochs": 2}, "Give steps or epochs, not both."),
    ({"generator_args": "[4, 1]"}, "must be a JSON object"),
    ({"image_size": 30}, "image size must be a multiple of 4"),
    ({"image_size": 36, "generator_args": '{"n_downsampling": 3}'}, "multiple of 8, not 36"),
    ({"batch_size": 0}, "greater than or equal to 1"),
])
def test_retrain_form_explains_options_that_cannot_train(trainer_client, retrain_dirs,
                                                         overrides, message):
    dataset = ready_dataset(retrain_dirs)

    response = trainer_client.post(RETRAIN_URL, retrain_form(dataset, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingRun.objects.exists()


@pytest.mark.django_db
def test_a_dataset_that_is_not_built_cannot_be_trained(trainer_client, retrain_dirs):
    dataset = ready_dataset(retrain_dirs)
    dataset.status = "building"
    dataset.save()

    response = trainer_client.post(RETRAIN_URL, retrain_form(dataset))

    assert "Select a valid choice" in response.content.decode()
    assert not TrainingRun.objects.exists()


@pytest.mark.django_db
def test_with_a_broker_the_run_is_sent_to_the_training_queue(trainer_client, retrain_dirs,
                                                             monkeypatch,
                                                             django_capture_on_commit_callbacks):
    retrain_dirs.RUN_TASKS_IN_PROCESS = False
    sent = []
    monkeypatch.setattr(run_training, "apply_async",
                        lambda args, queue: sent.append((args, queue)))
    dataset = ready_dataset(retrain_dirs)

    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(RETRAIN_URL, retrain_form(dataset))

    assert sent == [((TrainingRun.objects.get().pk,), "training")]
    assert run_training.acks_late is True
