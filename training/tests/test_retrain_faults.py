"""Retraining when things go wrong: dead workers, failing runs, and a cancel flag read cheaply."""
import json
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from drawapp.runner import wait_until_idle
from training import tasks
from training.actions import HEARTBEAT_TIMEOUT_S, mark_interrupted_runs
from training.models import TrainingRun
from training.tasks import RunSession, run_training

from .retrain_cast import ready_dataset, retrain_form

pytest_plugins = ["training.tests.retrain_fixtures"]

RETRAIN_URL = reverse("admin:training_trainingrun_retrain")
RUNS_URL = reverse("admin:training_trainingrun_changelist")


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing in the task gets to catch it or tidy up the run's row."""


def run_url(name: str, run: TrainingRun) -> str:
    return reverse(f"admin:training_trainingrun_{name}", args=(run.pk,))


def running_run(dataset, run_id: str, heartbeat_age_s: float) -> TrainingRun:
    beat = timezone.now() - timedelta(seconds=heartbeat_age_s)
    return TrainingRun.objects.create(run_id=run_id, category="panda", dataset=dataset, config={},
                                      status="running", attempt=1, heartbeat_at=beat)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_leaves_an_interrupted_run_that_resumes_from_its_checkpoint(
        trainer_client, retrain_dirs, monkeypatch):
    report = RunSession.progress

    def dies_at_step_5(session, step, total, losses, eta_s):
        report(session, step, total, losses, eta_s)
        if step == 5 and session.attempt == 1:
            raise WorkerDied

    monkeypatch.setattr(RunSession, "progress", dies_at_step_5)
    dataset = ready_dataset(retrain_dirs)
    trainer_client.post(RETRAIN_URL, retrain_form(dataset, steps=8, checkpoint_every=2))
    wait_until_idle()
    run = TrainingRun.objects.get()
    assert run.status == "running"  # nobody was left to say otherwise

    TrainingRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=HEARTBEAT_TIMEOUT_S + 1))
    # An admin looks at the run two minutes later: shown as interrupted, though no page writes.
    assert "interrupted (worker stopped)" in trainer_client.get(RUNS_URL).content.decode()
    page = trainer_client.get(run_url("change", run)).content.decode()
    assert "Interrupted (worker stopped)" in page and "Resume from checkpoint" in page
    assert "no heartbeat" in page
    run.refresh_from_db()
    assert run.status == "running"

    trainer_client.post(run_url("resume", run))
    wait_until_idle()

    run.refresh_from_db()
    assert (run.status, run.step) == ("succeeded", 8), run.error
    assert "resuming from the checkpoint at step 4" in run.log_tail
    lines = (Path(run.run_dir) / "losses.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in lines] == list(range(1, 9))


@pytest.mark.django_db
def test_only_runs_silent_longer_than_the_heartbeat_timeout_are_marked_interrupted(retrain_dirs):
    dataset = ready_dataset(retrain_dirs)
    silent = running_run(dataset, "panda-silent", HEARTBEAT_TIMEOUT_S + 5)
    beating = running_run(dataset, "panda-beating", HEARTBEAT_TIMEOUT_S - 30)

    assert mark_interrupted_runs() == 1

    silent.refresh_from_db()
    beating.refresh_from_db()
    assert (silent.status, beating.status) == ("interrupted", "running")
    assert silent.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_every_training_task_first_marks_silent_runs_interrupted(retrain_dirs):
    silent = running_run(ready_dataset(retrain_dirs), "panda-silent", HEARTBEAT_TIMEOUT_S + 5)

    assert run_training.run(silent.pk + 1000) == "not queued"

    silent.refresh_from_db()
    assert silent.status == "interrupted"


@pytest.mark.django_db
def test_the_progress_endpoint_never_reports_a_silent_run_as_running_and_writes_nothing(
        trainer_client, retrain_dirs):
    silent = running_run(ready_dataset(retrain_dirs), "panda-silent", HEARTBEAT_TIMEOUT_S + 5)

    progress = trainer_client.get(run_url("progress", silent)).json()

    assert progress["status"] == "interrupted" and progress["active"] is False
    assert "no heartbeat" in progress["error"] and progress["eta"] == ""
    silent.refresh_from_db()
    assert (silent.status, silent.error) == ("running", "")


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_keeps_and_shows_its_error(trainer_client, retrain_dirs):
    dataset = ready_dataset(retrain_dirs)
    shutil.rmtree(dataset.dataset_dir)  # someone deleted the dataset's folder on the server

    trainer_client.post(RETRAIN_URL, retrain_form(dataset))
    wait_until_idle()

    run = TrainingRun.objects.get()
    assert run.status == "failed"
    assert run.error.startswith("ValueError: no dataset 'shapes'")
    assert "Traceback (most recent call last)" in run.error
    assert "failed: ValueError: no dataset" in run.log_tail
    page = trainer_client.get(run_url("change", run)).content.decode()
    assert "ValueError: no dataset" in page and "Resume from checkpoint" in page


@pytest.mark.django_db
def test_should_stop_reads_the_cancel_flag_at_most_once_a_second(retrain_dirs,
                                                                 django_assert_num_queries):
    run = running_run(ready_dataset(retrain_dirs), "panda-running", 0)
    now = [1000.0]
    session = RunSession(run, clock=lambda: now[0])

    with django_assert_num_queries(1):
        assert not any(session.should_stop() for _ in range(100))
    TrainingRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    now[0] += tasks.CANCEL_CHECK_INTERVAL_S / 2
    with django_assert_num_queries(0):
        assert not session.should_stop()
    now[0] += tasks.CANCEL_CHECK_INTERVAL_S / 2
    with django_assert_num_queries(1):
        assert session.should_stop()


@pytest.mark.django_db
def test_a_worker_whose_run_was_given_up_on_is_told_to_stop_and_writes_nothing(retrain_dirs):
    run = running_run(ready_dataset(retrain_dirs), "panda-slow", 0)
    session = RunSession(run, clock=lambda: 1000.0)
    TrainingRun.objects.filter(pk=run.pk).update(status="queued", attempt=2)  # resumed elsewhere

    session.progress(5, 10, {"d": 0.5}, 3.0)

    assert session.should_stop()
    run.refresh_from_db()
    assert (run.step, run.status) == (0, "queued")


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_while_no_step_reports(trainer_client, retrain_dirs, monkeypatch):
    monkeypatch.setattr(tasks, "HEARTBEAT_INTERVAL_S", 0.05)
    beats = []
    report = RunSession.progress

    def slow_step_2(session, step, total, losses, eta_s):
        report(session, step, total, losses, eta_s)
        if step == 2:  # a long stretch with no progress report (a slow validation, say)
            for _ in range(2):
                beats.append(TrainingRun.objects.get(pk=session.pk).heartbeat_at)
                time.sleep(0.4)

    monkeypatch.setattr(RunSession, "progress", slow_step_2)
    trainer_client.post(RETRAIN_URL, retrain_form(ready_dataset(retrain_dirs), steps=3))
    wait_until_idle()

    assert TrainingRun.objects.get().status == "succeeded"
    assert beats[1] > beats[0]
