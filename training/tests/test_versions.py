"""Model versions: registering the registry's files, promote, roll back, exactly one active."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from inference.registry import Registry
from inference.testing import make_trained_model
from training import actions
from training.actions import RetrainError, do_promote, do_roll_back, sync_model_versions
from training.models import ModelVersion
from training.upkeep import keep_books

pytest_plugins = ["training.tests.retrain_fixtures"]

VERSIONS_URL = reverse("admin:training_modelversion_changelist")


def saved_model(models_dir, version, steps=2, category="panda", activate=False):
    """A tiny trained model in the registry; ACTIVE is left as it was unless activate."""
    active = models_dir / category / "ACTIVE"
    before = active.read_text() if active.exists() else None
    path = make_trained_model(models_dir, category, version, steps=steps)
    if not activate:
        active.unlink() if before is None else active.write_text(before)
    return path


def active_file(models_dir, category="panda") -> str:
    return (models_dir / category / "ACTIVE").read_text().strip()


def version_url(name: str, version: ModelVersion) -> str:
    return reverse(f"admin:training_modelversion_{name}", args=(version.pk,))


def promote(client, version, live="old", **options):
    """Promote through the admin's comparison page, confirming whatever it shows."""
    return client.post(version_url("promote", version), {"live": live, "confirm": "yes"},
                       **options)


def statuses(category="panda") -> dict[str, str]:
    return dict(ModelVersion.objects.filter(category=category).values_list("version", "status"))


@pytest.fixture
def two_pandas(retrain_dirs):
    """panda/old (active, as the workers serve it) and panda/new (a candidate), registered."""
    saved_model(retrain_dirs.MODELS_DIR, "old", activate=True)
    saved_model(retrain_dirs.MODELS_DIR, "new")
    sync_model_versions()
    return ModelVersion.objects.get(version="old"), ModelVersion.objects.get(version="new")


@pytest.mark.django_db
def test_sync_models_registers_every_saved_model_and_the_served_one_is_active(retrain_dirs):
    models_dir = retrain_dirs.MODELS_DIR
    saved_model(models_dir, "old", activate=True)
    saved_model(models_dir, "new")
    saved_model(models_dir, "blank", steps=0)
    saved_model(models_dir, "wheels", category="car", activate=True)
    (models_dir / "panda" / "stray.safetensors").write_bytes(b"no card beside me")
    out, err = io.StringIO(), io.StringIO()

    call_command("sync_models", stdout=out, stderr=err)

    assert statuses() == {"old": "active", "new": "candidate", "blank": "candidate"}
    assert statuses("car") == {"wheels": "active"}
    assert ModelVersion.objects.get(version="blank").trained_steps == 0
    assert "registered panda/old (active)" in out.getvalue()
    assert "panda=old" in out.getvalue() and "car=wheels" in out.getvalue()
    assert "stray.safetensors" in err.getvalue()
    call_command("sync_models", stdout=io.StringIO(), stderr=io.StringIO())
    assert ModelVersion.objects.count() == 4


@pytest.mark.django_db
def test_the_active_version_follows_the_active_file_when_it_changed_elsewhere(two_pandas,
                                                                             retrain_dirs):
    (retrain_dirs.MODELS_DIR / "panda" / "ACTIVE").write_text("new\n")  # `train --activate`

    sync_model_versions()

    assert statuses() == {"old": "retired", "new": "active"}


@pytest.mark.django_db
def test_the_versions_page_writes_nothing_the_upkeep_registers_new_files(trainer_client,
                                                                        retrain_dirs):
    saved_model(retrain_dirs.MODELS_DIR, "old", activate=True)

    trainer_client.get(VERSIONS_URL)
    assert statuses() == {}

    keep_books()
    page = trainer_client.get(VERSIONS_URL).content.decode()
    assert statuses() == {"old": "active"}
    assert "old" in page


@pytest.mark.django_db
def test_promote_and_rollback_commands_change_active_and_the_rows_together(retrain_dirs):
    models_dir = retrain_dirs.MODELS_DIR
    saved_model(models_dir, "old", activate=True)  # served, never registered (a shipped model)
    saved_model(models_dir, "new")
    out = io.StringIO()

    call_command("promote", "panda", "new", stdout=out)

    assert active_file(models_dir) == "new"
    assert statuses() == {"old": "retired", "new": "active"}
    assert "promoted panda/new (was old)" in out.getvalue()
    call_command("rollback", "panda", stdout=out)
    assert active_file(models_dir) == "old"
    assert statuses() == {"old": "active", "new": "retired"}
    assert "rolled panda back to panda/old" in out.getvalue()


@pytest.mark.django_db
def test_promote_command_refuses_a_version_with_no_file_and_changes_nothing(retrain_dirs):
    saved_model(retrain_dirs.MODELS_DIR, "old", activate=True)

    with pytest.raises(CommandError, match="no saved model panda/missing"):
        call_command("promote", "panda", "missing")
    with pytest.raises(CommandError, match="bad model version"):
        call_command("promote", "panda", "../car/v1")
    with pytest.raises(CommandError, match="no active version to roll back from"):
        call_command("rollback", "panda")

    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    assert statuses() == {}


@pytest.mark.django_db
def test_promote_writes_active_and_retires_the_version_it_replaces(trainer_client, two_pandas,
                                                                   retrain_dirs, retrainer):
    old, new = two_pandas

    response = promote(trainer_client, new, follow=True)

    assert "Panda/new is now active" in response.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "new"
    assert statuses() == {"old": "retired", "new": "active"}
    new.refresh_from_db()
    assert (new.replaced, new.promoted_by) == (old, retrainer)
    assert new.promoted_at is not None


@pytest.mark.django_db
def test_roll_back_returns_to_the_previous_version_and_active_follows(trainer_client,
                                                                      two_pandas, retrain_dirs):
    old, new = two_pandas
    promote(trainer_client, new)

    page = trainer_client.get(version_url("change", new)).content.decode()
    assert "Roll back to old" in page
    response = trainer_client.post(version_url("roll_back", new), follow=True)

    assert "Panda rolled back to panda/old" in response.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    assert statuses() == {"old": "active", "new": "retired"}

    again = trainer_client.post(version_url("roll_back", old), follow=True).content.decode()
    assert "has no earlier active version to roll back to" in again
    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    assert statuses() == {"old": "active", "new": "retired"}


@pytest.mark.django_db
def test_a_worker_registry_serves_the_promoted_version_from_its_next_picture(two_pandas,
                                                                            retrain_dirs):
    old, new = two_pandas
    registry = Registry(retrain_dirs.MODELS_DIR, device="cpu")  # one long-lived worker
    sketch = Image.new("L", (256, 256), 255)

    assert registry.generate("panda", sketch).version == "old"
    do_promote(new)
    assert registry.generate("panda", sketch).version == "new"
    do_roll_back("panda")
    assert registry.generate("panda", sketch).version == "old"


@pytest.mark.django_db
def test_the_database_holds_at_most_one_active_version_per_category(two_pandas):
    old, new = two_pandas

    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=new.pk).update(status="active")

    ModelVersion.objects.create(category="car", version="old", weights_path="x", status="active")
    assert ModelVersion.objects.filter(status="active").count() == 2  # one per category


@pytest.mark.django_db
def test_an_untrained_version_cannot_be_promoted(trainer_client, two_pandas, retrain_dirs):
    saved_model(retrain_dirs.MODELS_DIR, "blank", steps=0)
    sync_model_versions()
    blank = ModelVersion.objects.get(version="blank")

    response = promote(trainer_client, blank, follow=True)

    assert "was never trained" in response.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    assert statuses()["blank"] == "candidate"


@pytest.mark.django_db
def test_when_active_cannot_be_written_nothing_changes(two_pandas, retrain_dirs, monkeypatch):
    old, new = two_pandas

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(actions, "set_active_version", disk_full)
    with pytest.raises(RetrainError, match="No space left on device"):
        do_promote(new)

    assert statuses() == {"old": "active", "new": "candidate"}
    assert active_file(retrain_dirs.MODELS_DIR) == "old"


@pytest.mark.django_db
def test_the_promote_action_needs_exactly_one_version(trainer_client, two_pandas, retrain_dirs):
    old, new = two_pandas

    both = trainer_client.post(VERSIONS_URL, {"action": "promote_selected",
                                              "_selected_action": [old.pk, new.pk]}, follow=True)
    assert "Select exactly one version to promote." in both.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "old"

    to_compare = trainer_client.post(VERSIONS_URL, {"action": "promote_selected",
                                                    "_selected_action": [new.pk]})
    assert to_compare["Location"] == version_url("promote", new)  # it is compared first
    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    promote(trainer_client, new)
    assert active_file(retrain_dirs.MODELS_DIR) == "new"

    trainer_client.post(VERSIONS_URL, {"action": "roll_back_selected",
                                       "_selected_action": [new.pk]})
    assert active_file(retrain_dirs.MODELS_DIR) == "old"
    assert statuses() == {"old": "active", "new": "retired"}
