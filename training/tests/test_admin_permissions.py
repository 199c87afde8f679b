"""Only staff with the can_retrain permission see or change anything of retraining."""
import pytest
from django.urls import reverse

from inference.testing import make_trained_model
from training.actions import sync_model_versions
from training.models import ModelVersion, TrainingDataset, TrainingRun

from .retrain_cast import photos_zip, ready_dataset, retrain_form

pytest_plugins = ["training.tests.retrain_fixtures"]


@pytest.fixture
def world(retrain_dirs):
    """A ready dataset, a running and a cancelled run, an active and a candidate panda model."""
    dataset = ready_dataset(retrain_dirs)
    running = TrainingRun.objects.create(run_id="panda-running", category="panda",
                                         dataset=dataset, config={}, status="running", attempt=1)
    cancelled = TrainingRun.objects.create(run_id="panda-cancelled", category="panda",
                                           dataset=dataset, config={}, status="cancelled",
                                           attempt=1)
    make_trained_model(retrain_dirs.MODELS_DIR, "panda", "new", steps=2)
    make_trained_model(retrain_dirs.MODELS_DIR, "panda", "old", steps=2)  # active
    sync_model_versions()
    old, new = ModelVersion.objects.get(version="old"), ModelVersion.objects.get(version="new")
    new.replaced = old  # so that rolling back from it would have somewhere to go
    new.save()
    return {"dataset": dataset, "running": running, "cancelled": cancelled, "old": old,
            "new": new, "settings": retrain_dirs}


def admin(name, *args):
    return reverse(f"admin:training_{name}", args=args)


def every_request(world) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every page, extra view and action of retraining."""
    dataset, running, cancelled = world["dataset"], world["running"], world["cancelled"]
    old, new = world["old"], world["new"]
    gets = [
        admin("trainingdataset_changelist"), admin("trainingdataset_add"),
        admin("trainingdataset_change", dataset.pk), admin("trainingdataset_history", dataset.pk),
        admin("trainingrun_changelist"), admin("trainingrun_change", running.pk),
        admin("trainingrun_retrain"), admin("trainingrun_progress", running.pk),
        admin("trainingrun_loss_curve", running.pk), admin("trainingrun_sample", running.pk),
        admin("modelversion_changelist"), admin("modelversion_change", new.pk),
        admin("modelversion_promote", new.pk), admin("modelversion_comparison", new.pk),
        admin("trainingdataset_progress", dataset.pk),
    ]
    posts = [
        (admin("trainingdataset_add"), {"name": "sneaky", "category": "panda", "edges": "canny",
                                        "folder": "."}),
        (admin("trainingdataset_build", dataset.pk), {}),
        (admin("trainingdataset_changelist"), {"action": "build_selected",
                                               "_selected_action": [dataset.pk]}),
        (admin("trainingrun_retrain"), retrain_form(dataset)),
        (admin("trainingrun_cancel", running.pk), {}),
        (admin("trainingrun_resume", cancelled.pk), {}),
        (admin("modelversion_promote", new.pk), {"live": "old", "confirm": "yes"}),
        (admin("modelversion_roll_back", old.pk), {}),
        (admin("modelversion_changelist"), {"action": "promote_selected",
                                            "_selected_action": [new.pk]}),
        (admin("modelversion_changelist"), {"action": "roll_back_selected",
                                            "_selected_action": [old.pk]}),
    ]
    return [("get", url, {}) for url in gets] + [("post", url, data) for url, data in posts]


def assert_nothing_changed(world):
    settings = world["settings"]
    assert (settings.MODELS_DIR / "panda" / "ACTIVE").read_text().strip() == "old"
    assert dict(ModelVersion.objects.values_list("version", "status")) == {
        "old": "active", "new": "candidate"}
    assert dict(TrainingRun.objects.values_list("run_id", "status")) == {
        "panda-running": "running", "panda-cancelled": "cancelled"}
    assert not TrainingRun.objects.filter(cancel_requested=True).exists()
    assert list(TrainingDataset.objects.values_list("name", "status")) == [("shapes", "ready")]


@pytest.mark.django_db
def test_staff_without_the_permission_get_403_on_every_page_and_action(
        client, staff_without_permission, world):
    client.force_login(staff_without_permission)

    for method, url, data in every_request(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    upload = client.post(admin("trainingdataset_add"), {
        "name": "sneaky", "category": "panda", "edges": "canny", "upload": _zip_file()})
    assert upload.status_code == 403
    assert_nothing_changed(world)
    assert not world["settings"].TRAINING_UPLOADS_DIR.exists()


@pytest.mark.django_db
def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, outsider, world):
    client.force_login(outsider)  # holds can_retrain, but is not staff

    for method, url, data in every_request(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith(reverse("admin:login")), url
    assert_nothing_changed(world)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login(client, world):
    for method, url, data in every_request(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("admin:login")), url
    assert_nothing_changed(world)


@pytest.mark.django_db
def test_the_admin_index_shows_training_only_to_those_who_may_retrain(
        client, staff_without_permission, retrainer, world):
    client.force_login(staff_without_permission)
    assert "Training runs" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(retrainer)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Training runs" in index and "Model versions" in index


@pytest.mark.django_db
def test_superusers_and_permitted_staff_can_open_every_page(client, django_user_model,
                                                            retrainer, world):
    superuser = django_user_model.objects.create_superuser("root", password="pw")
    pages = [url for method, url, _ in every_request(world) if method == "get"
             and "loss-curve" not in url and "sample" not in url]  # no pictures yet: 404
    for user in (superuser, retrainer):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)


@pytest.mark.django_db
def test_nobody_adds_runs_or_edits_versions_as_plain_forms(trainer_client, world):
    assert trainer_client.get(admin("trainingrun_add")).status_code == 403
    assert trainer_client.get(admin("modelversion_add")).status_code == 403
    response = trainer_client.post(admin("modelversion_change", world["new"].pk),
                                   {"status": "active"})
    assert response.status_code == 403
    assert trainer_client.post(admin("modelversion_delete", world["old"].pk),
                               {"post": "yes"}).status_code == 403
    assert_nothing_changed(world)


def _zip_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("pandas.zip", photos_zip(2), content_type="application/zip")
