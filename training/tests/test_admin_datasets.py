"""Datasets in the admin: zip uploads checked before anything is kept, server folders, builds."""
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drawapp.runner import wait_until_idle
from training.models import TrainingDataset

from .retrain_cast import photo_bytes, photos_zip, write_photo_folder, zip_of

pytest_plugins = ["training.tests.retrain_fixtures"]  # fixtures: retrain_dirs, trainer_client, ...

ADD_URL = reverse("admin:training_trainingdataset_add")
CHANGELIST_URL = reverse("admin:training_trainingdataset_changelist")


def upload(client, data: bytes, name="pandas.zip", build_now=False, **fields):
    form = {"name": "pandas", "category": "panda", "edges": "canny",
            "upload": SimpleUploadedFile(name, data, content_type="application/zip"), **fields}
    if build_now:
        form["build_now"] = "on"
    return client.post(ADD_URL, form)


def files_under(folder) -> list:
    return [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names]


def error_text(response) -> str:
    return " ".join(str(error) for errors in response.context["adminform"].form.errors.values()
                    for error in errors)


@pytest.mark.django_db(transaction=True)
def test_good_zip_is_kept_privately_and_built_into_a_dataset(trainer_client, retrain_dirs):
    response = upload(trainer_client, photos_zip(4), build_now=True)

    dataset = TrainingDataset.objects.get(name="pandas")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:training_trainingdataset_change",
                                           args=(dataset.pk,))
    assert dataset.source_kind == "upload" and dataset.source_name == "pandas.zip"
    kept = files_under(retrain_dirs.TRAINING_UPLOADS_DIR)
    assert kept == [dataset.source_path]
    assert not files_under(retrain_dirs.MEDIA_ROOT)  # never public media
    wait_until_idle()
    dataset.refresh_from_db()
    assert dataset.status == "ready", dataset.error
    assert (dataset.train_pairs + dataset.val_pairs, dataset.edge_method) == (4, "canny")
    assert (retrain_dirs.TRAINING_DATA_DIR / "pandas" / "manifest.json").is_file()
    page = trainer_client.get(response["Location"]).content.decode()
    assert "Retrain on this dataset" in page


@pytest.mark.django_db
def test_zip_with_a_member_climbing_out_is_refused_and_nothing_is_written(
        trainer_client, retrain_dirs):
    data = zip_of({"photo0.png": photo_bytes(0), "../../escape.png": photo_bytes(1)})

    response = upload(trainer_client, data, build_now=True)

    assert response.status_code == 200
    assert "member '../../escape.png' climbs out with '..'" in error_text(response)
    assert "nothing was read from this zip" in error_text(response)
    assert not TrainingDataset.objects.exists()
    assert not files_under(retrain_dirs.TRAINING_UPLOADS_DIR)
    assert not files_under(retrain_dirs.TRAINING_DATA_DIR)
    assert not (retrain_dirs.TRAINING_UPLOADS_DIR.parent / "escape.png").exists()


@pytest.mark.django_db
def test_zip_over_the_upload_limit_is_refused_before_it_is_kept(trainer_client, retrain_dirs):
    data = photos_zip(4)
    retrain_dirs.TRAINING_MAX_UPLOAD_BYTES = len(data) - 1

    response = upload(trainer_client, data)

    assert response.status_code == 200
    assert "the limit is" in error_text(response)
    assert not TrainingDataset.objects.exists()
    assert not files_under(retrain_dirs.TRAINING_UPLOADS_DIR)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.zip", zip_of({"readme.txt": b"no photos here"}), "holds no photos"),
    ("photos.zip", b"PK\x03\x04 not really a zip", "is not a readable zip file"),
    ("photos.tar", b"anything", "is not a .zip file"),
])
def test_upload_that_is_no_zip_of_photos_is_refused(trainer_client, retrain_dirs, name, data,
                                                     message):
    response = upload(trainer_client, data, name=name)

    assert message in error_text(response)
    assert not TrainingDataset.objects.exists()
    assert not files_under(retrain_dirs.TRAINING_UPLOADS_DIR)


@pytest.mark.django_db
def test_upload_and_folder_together_are_refused(trainer_client, retrain_dirs):
    write_photo_folder(retrain_dirs.TRAINING_SOURCES_DIR / "pandas")

    response = upload(trainer_client, photos_zip(2), folder="pandas")

    assert "not both" in response.content.decode()
    assert not TrainingDataset.objects.exists()


@pytest.mark.django_db
def test_server_folders_outside_the_sources_folder_are_refused(trainer_client, retrain_dirs,
                                                               tmp_path):
    outside = write_photo_folder(tmp_path / "elsewhere")
    (retrain_dirs.TRAINING_SOURCES_DIR / "sneaky").symlink_to(outside)

    for folder in (str(outside), "../elsewhere", "sneaky", "/etc"):
        response = trainer_client.post(ADD_URL, {"name": "pandas", "category": "panda",
                                                 "edges": "canny", "folder": folder})
        assert response.status_code == 200, folder
        assert "is outside the sources folder" in error_text(response), folder
    assert not TrainingDataset.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_server_folder_dataset_is_built_by_the_build_action(trainer_client, retrain_dirs):
    write_photo_folder(retrain_dirs.TRAINING_SOURCES_DIR / "pandas", count=3)
    response = trainer_client.post(ADD_URL, {"name": "pandas", "category": "panda",
                                             "edges": "canny", "folder": "pandas"})
    dataset = TrainingDataset.objects.get()
    assert response.status_code == 302
    assert dataset.status == "new"
    assert dataset.source_path == str((retrain_dirs.TRAINING_SOURCES_DIR / "pandas").resolve())

    response = trainer_client.post(CHANGELIST_URL, {"action": "build_selected",
                                                    "_selected_action": [dataset.pk]})
    assert response.status_code == 302
    wait_until_idle()

    dataset.refresh_from_db()
    assert dataset.status == "ready", dataset.error
    assert dataset.train_pairs + dataset.val_pairs == 3


@pytest.mark.django_db(transaction=True)
def test_failed_build_shows_why_on_the_dataset_page(trainer_client, retrain_dirs):
    folder = retrain_dirs.TRAINING_SOURCES_DIR / "broken"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    (folder / "b.txt").write_text("notes")
    trainer_client.post(ADD_URL, {"name": "broken", "category": "panda", "edges": "canny",
                                  "folder": "broken", "build_now": "on"})
    wait_until_idle()

    dataset = TrainingDataset.objects.get()
    assert dataset.status == "failed"
    assert "no usable photo" in dataset.error
    page = trainer_client.get(reverse("admin:training_trainingdataset_change",
                                      args=(dataset.pk,))).content.decode()
    assert "no usable photo" in page
    assert "a.jpg: not an image" in page
    assert "Build dataset" in page  # it can be built again once the photos are fixed


@pytest.mark.django_db
def test_dataset_name_already_on_disk_is_refused(trainer_client, retrain_dirs):
    (retrain_dirs.TRAINING_DATA_DIR / "pandas").mkdir(parents=True)

    response = upload(trainer_client, photos_zip(2))

    assert "already exists" in error_text(response)


@pytest.mark.django_db
def test_the_add_page_offers_an_upload_and_a_server_folder(trainer_client, retrain_dirs):
    page = trainer_client.get(ADD_URL).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'name="upload"' in page and 'name="folder"' in page
    assert 'name="build_now"' in page and "checked" in page
