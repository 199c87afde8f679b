"""Datasets in the admin beyond uploads: the ones commands made, and a build's live progress."""
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from drawapp.runner import wait_until_idle
from training.actions import RetrainError, do_build_dataset, register_dataset_folder
from training.build import build_dataset
from training.models import TrainingDataset
from training.tasks import BuildProgress
from training.upkeep import keep_books

from .retrain_cast import write_photo_folder
from .tiny_runs import write_tiny_dataset

pytest_plugins = ["training.tests.retrain_fixtures"]  # fixtures: retrain_dirs, trainer_client, ...

CHANGELIST_URL = reverse("admin:training_trainingdataset_changelist")


def change_url(dataset) -> str:
    return reverse("admin:training_trainingdataset_change", args=(dataset.pk,))


@pytest.mark.django_db
def test_a_world_dataset_made_by_the_command_is_in_the_admin_ready_to_train(trainer_client,
                                                                              retrain_dirs):
    call_command("make_world_dataset", "car", "--count", "4", "--name", "cars-world",
                 "--val-fraction", "0.5", stdout=io.StringIO(), verbosity=0)

    dataset = TrainingDataset.objects.get(name="cars-world")
    assert (dataset.category, dataset.status, dataset.source_kind) == ("car", "ready", "world")
    assert (dataset.train_pairs, dataset.val_pairs) == (2, 2)
    assert dataset.edge_method == "world-strokes" and dataset.source_path == "world:car"
    assert dataset.dataset_dir == str(retrain_dirs.TRAINING_DATA_DIR / "cars-world")
    listing = trainer_client.get(CHANGELIST_URL).content.decode()
    assert "cars-world" in listing and "procedural world" in listing
    page = trainer_client.get(change_url(dataset)).content.decode()
    assert "Retrain on this dataset" in page
    assert "Build dataset" not in page  # a world is made again by its command
    assert "Made by a command (procedural world (make_world_dataset))" in page

    # Made again with --overwrite: the same row, up to date.
    call_command("make_world_dataset", "car", "--count", "6", "--name", "cars-world",
                 "--val-fraction", "0.5", "--overwrite", stdout=io.StringIO(), verbosity=0)
    dataset.refresh_from_db()
    assert (dataset.train_pairs, dataset.val_pairs) == (3, 3)
    assert TrainingDataset.objects.count() == 1


@pytest.mark.django_db
def test_command_datasets_are_not_rebuilt_from_the_admin_and_it_says_why(trainer_client,
                                                                         retrain_dirs):
    dataset = register_dataset_folder(
        write_tiny_dataset(retrain_dirs.TRAINING_DATA_DIR, "shapes", pairs=2, val=1))
    assert dataset.source_kind == "command" and dataset.pairs == 3

    with pytest.raises(RetrainError, match="shapes was made by a command"):
        do_build_dataset(dataset)
    response = trainer_client.post(reverse("admin:training_trainingdataset_build",
                                           args=(dataset.pk,)), follow=True)
    # (the admin writes messages with a capital first letter)
    assert "Shapes was made by a command (built by build_dataset)" in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.status == "ready"


@pytest.mark.django_db
def test_dataset_folders_already_on_disk_are_registered_by_the_upkeep(retrain_dirs):
    data_dir = retrain_dirs.TRAINING_DATA_DIR
    write_tiny_dataset(data_dir, "old-shapes", pairs=2, val=1)
    (data_dir / "not-a-dataset").mkdir()
    (data_dir / ".half.building-x").mkdir()  # a build in progress (or one that crashed)
    broken = data_dir / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    elsewhere = data_dir / "dragons"
    elsewhere.mkdir()
    (elsewhere / "manifest.json").write_text(json.dumps({"category": "dragon", "pairs": []}))

    done = keep_books()

    assert done["datasets"] == ["old-shapes"]
    assert list(TrainingDataset.objects.values_list("name", "status")) == [("old-shapes",
                                                                           "ready")]
    out = io.StringIO()
    call_command("sync_models", stdout=out, stderr=io.StringIO())
    assert "registered dataset" not in out.getvalue()  # nothing new the second time


@pytest.mark.django_db
def test_a_dataset_being_built_in_the_admin_is_left_alone_by_the_registering(retrain_dirs):
    folder = write_tiny_dataset(retrain_dirs.TRAINING_DATA_DIR, "pandas", pairs=2, val=1)
    TrainingDataset.objects.create(name="pandas", category="panda", source_kind="folder",
                                   source_path="/photos", status="building")
    register_dataset_folder(folder)
    row = TrainingDataset.objects.get(name="pandas")
    assert (row.status, row.source_kind, row.pairs) == ("building", "folder", 0)


def test_a_build_reports_its_progress_as_it_goes(retrain_dirs, tmp_path):
    source = write_photo_folder(tmp_path / "photos", count=6)
    (source / "notes.txt").write_text("not a photo")
    reports = []

    result = build_dataset("panda", source, "reported", edges="canny", progress=False,
                           on_progress=lambda done, total: reports.append((done, total)))

    assert result.pairs == 6
    assert reports[0] == (0, 7)  # the files to look at are known before any edge is drawn
    assert reports[-1] == (7, 7)
    done = [count for count, _ in reports]
    assert done == sorted(done) and len(set(done)) > 2  # it moved on in steps, never back


@pytest.mark.django_db
def test_build_progress_is_written_at_most_once_a_second_and_at_the_end(retrain_dirs):
    dataset = TrainingDataset.objects.create(name="p", category="panda", source_kind="folder",
                                             source_path="/photos", status="building")
    rows = TrainingDataset.objects.filter(pk=dataset.pk)
    now = [100.0]
    progress = BuildProgress(rows, clock=lambda: now[0])

    def seen():
        return rows.values_list("files_done", "files_total", "eta_s").get()

    progress(0, 10)
    assert seen() == (0, 10, None)
    now[0] += 2.0
    progress(2, 10)
    assert seen() == (2, 10, pytest.approx(8.0))  # 2 files in 2 s: 8 more take 8 s
    now[0] += 0.5
    progress(3, 10)
    assert seen()[0] == 2  # half a second after the last write: not written
    now[0] += 0.1
    progress(10, 10)
    assert seen() == (10, 10, pytest.approx(0.0))  # the end is always written


@pytest.mark.django_db(transaction=True)
def test_a_build_from_the_admin_leaves_its_progress_for_the_page(trainer_client, retrain_dirs):
    write_photo_folder(retrain_dirs.TRAINING_SOURCES_DIR / "pandas", count=5)
    trainer_client.post(reverse("admin:training_trainingdataset_add"), {
        "name": "pandas", "category": "panda", "edges": "canny", "folder": "pandas",
        "build_now": "on"})
    wait_until_idle()

    dataset = TrainingDataset.objects.get()
    state = trainer_client.get(reverse("admin:training_trainingdataset_progress",
                                       args=(dataset.pk,))).json()
    assert state == {"status": "ready", "status_label": "ready", "busy": False,
                     "files_done": 5, "files_total": 5, "percent": 100.0, "eta": "",
                     "pairs": 5, "error": ""}
    assert dataset.started_at is not None and dataset.started_at <= dataset.built_at
    page = trainer_client.get(change_url(dataset)).content.decode()
    assert 'id="build-progress"' in page and ">5</strong> of <strong id=\"build-total\">5<" in page


@pytest.mark.django_db
def test_only_retrainers_see_a_builds_progress(client, staff_without_permission, retrain_dirs):
    dataset = TrainingDataset.objects.create(name="p", category="panda", source_kind="folder",
                                             source_path="/photos", status="building")
    client.force_login(staff_without_permission)
    response = client.get(reverse("admin:training_trainingdataset_progress", args=(dataset.pk,)))
    assert response.status_code == 403
