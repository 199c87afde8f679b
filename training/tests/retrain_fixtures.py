"""The cast of the retraining admin tests (loaded with pytest_plugins): folders and users."""
import pytest
from django.contrib.auth.models import Permission

from drawapp.runner import wait_until_idle
from training.tests.tiny_runs import one_torch_thread


@pytest.fixture
def retrain_dirs(settings, tmp_path, models_dir):
    """Every training folder in tmp_path, tasks on this process's training thread, one torch
    thread (tiny nets lose to thread contention on a shared 2-core machine)."""
    settings.TRAINING_DATA_DIR = tmp_path / "datasets"
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    settings.TRAINING_SOURCES_DIR = tmp_path / "sources"
    settings.TRAINING_SOURCES_DIR.mkdir()
    settings.TRAINING_UPLOADS_DIR = tmp_path / "uploads"
    settings.RUN_TASKS_IN_PROCESS = True
    with one_torch_thread():
        yield settings
        wait_until_idle()  # nothing may run on once the folders are gone


def _user(django_user_model, username, *, staff=True, retrain=False, superuser=False):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=staff,
                                                 is_superuser=superuser)
    if retrain:
        user.user_permissions.add(Permission.objects.get(
            codename="can_retrain", content_type__app_label="training"))
    return user


@pytest.fixture
def retrainer(django_user_model):
    """Staff with the can_retrain permission."""
    return _user(django_user_model, "trainer", retrain=True)


@pytest.fixture
def staff_without_permission(django_user_model):
    """Staff (other admin pages) without can_retrain."""
    return _user(django_user_model, "teacher")


@pytest.fixture
def outsider(django_user_model):
    """Logged in, but not staff."""
    return _user(django_user_model, "parent", staff=False, retrain=True)


@pytest.fixture
def trainer_client(client, retrainer):
    client.force_login(retrainer)
    return client
