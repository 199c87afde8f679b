"""Promoting from the admin: the version beside the live one on held-out drawings first, and a
confirmation when it does worse."""
import pytest
from django.urls import reverse

from inference.registry import PICTURE_SIZE
from inference.testing import synthetic_pair
from training.actions import sync_model_versions
from training.compare import compare_models
from training.datasets import DatasetWriter
from training.models import ModelVersion

from .test_versions import active_file, saved_model

pytest_plugins = ["training.tests.retrain_fixtures"]


def ring_dataset(data_dir, pairs=3):
    """The held-out drawings the tiny test models' cards name (dataset "synthetic-ring"): the
    ring they learned, at the size models are compared at."""
    from PIL import Image

    sketch, picture = synthetic_pair(PICTURE_SIZE)
    sketch_image = Image.fromarray((sketch[0, 0].numpy() * 255).round().astype("uint8"))
    picture_image = Image.fromarray(
        ((picture[0].permute(1, 2, 0).numpy() + 1) * 127.5).round().clip(0, 255).astype("uint8"))
    writer = DatasetWriter(data_dir, "synthetic-ring", "panda", "synthetic", "test", {})
    for index in range(pairs):
        writer.add(f"ring-{index}", sketch_image, picture_image, source="ring", sha256=str(index),
                   split="val")
    return writer.close()


@pytest.fixture
def live_and_candidates(retrain_dirs):
    """panda/live (well trained, active), panda/weak (one step) and panda/strong (more steps
    than live), all registered, with the ring as their held-out drawings."""
    ring_dataset(retrain_dirs.TRAINING_DATA_DIR)
    saved_model(retrain_dirs.MODELS_DIR, "live", steps=30, activate=True)
    saved_model(retrain_dirs.MODELS_DIR, "weak", steps=1)
    saved_model(retrain_dirs.MODELS_DIR, "strong", steps=80)
    sync_model_versions()
    return {row.version: row for row in ModelVersion.objects.all()}


def promote_url(version) -> str:
    return reverse("admin:training_modelversion_promote", args=(version.pk,))


@pytest.mark.django_db
def test_a_worse_version_is_shown_beside_the_live_one_and_needs_a_confirmation(
        trainer_client, retrain_dirs, live_and_candidates):
    weak = live_and_candidates["weak"]
    page = trainer_client.get(promote_url(weak))
    html = page.content.decode()
    report = page.context["report"]
    assert report["source"] == "3 held-out drawings of dataset synthetic-ring"
    assert report["worse"] is True
    assert report["scores"]["candidate"]["l1"] > report["scores"]["live"]["l1"]
    assert 'data-testid="promote-worse"' in html and 'data-testid="promote-confirm"' in html
    assert "<th>live live</th><th>weak</th>" in html
    sheet = trainer_client.get(reverse("admin:training_modelversion_comparison",
                                       args=(weak.pk,)))
    assert sheet.status_code == 200 and sheet["Content-Type"] == "image/png"

    refused = trainer_client.post(promote_url(weak), {"live": "live"})
    assert refused.status_code == 400
    assert "Tick “Promote anyway”" in refused.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "live"

    done = trainer_client.post(promote_url(weak), {"live": "live", "confirm": "yes"})
    assert done.status_code == 302
    assert active_file(retrain_dirs.MODELS_DIR) == "weak"
    assert ModelVersion.objects.get(version="weak").status == "active"


@pytest.mark.django_db
def test_a_better_version_is_promoted_without_a_confirmation(trainer_client, retrain_dirs,
                                                             live_and_candidates):
    strong = live_and_candidates["strong"]
    page = trainer_client.get(promote_url(strong))
    assert page.context["report"]["worse"] is False
    assert 'data-testid="promote-better"' in page.content.decode()
    assert 'data-testid="promote-confirm"' not in page.content.decode()

    assert trainer_client.post(promote_url(strong), {"live": "live"}).status_code == 302
    assert active_file(retrain_dirs.MODELS_DIR) == "strong"


@pytest.mark.django_db
def test_a_promote_after_the_live_version_changed_shows_the_new_comparison(
        trainer_client, retrain_dirs, live_and_candidates):
    response = trainer_client.post(promote_url(live_and_candidates["strong"]),
                                   {"live": "someone-elses", "confirm": "yes"})
    assert response.status_code == 409
    assert "The live version changed while you looked" in response.content.decode()
    assert active_file(retrain_dirs.MODELS_DIR) == "live"


@pytest.mark.django_db
def test_without_its_dataset_the_versions_meet_on_unseen_world_drawings(retrain_dirs,
                                                                         tmp_path):
    live = saved_model(retrain_dirs.MODELS_DIR, "live", steps=30, activate=True)
    candidate = saved_model(retrain_dirs.MODELS_DIR, "weak", steps=1)
    report = compare_models("panda", ("weak", candidate), ("live", live),
                            data_dir=tmp_path / "no-datasets", out_dir=tmp_path / "out")
    assert report["source"] == "12 unseen panda world drawings (seeds 930000-930011)"
    assert report["drawings"] == 12 and report["scores"]["live"]["pairs"] == 12
    # The same files again: the kept report, with no second run (the sheet is not rewritten).
    sheet = tmp_path / "out" / "panda-weak-vs-live.png"
    drawn_at = sheet.stat().st_mtime_ns
    assert compare_models("panda", ("weak", candidate), ("live", live),
                          data_dir=tmp_path / "no-datasets", out_dir=tmp_path / "out") == report
    assert sheet.stat().st_mtime_ns == drawn_at


@pytest.mark.django_db
def test_the_version_page_leads_to_the_comparison_not_straight_to_a_promote(
        trainer_client, retrain_dirs, live_and_candidates):
    weak = live_and_candidates["weak"]
    page = trainer_client.get(reverse("admin:training_modelversion_change",
                                      args=(weak.pk,))).content.decode()
    assert f'<a class="button" href="{promote_url(weak)}">Compare with the live version' in page
    response = trainer_client.post(reverse("admin:training_modelversion_changelist"),
                                   {"action": "promote_selected", "_selected_action": [weak.pk]})
    assert response.status_code == 302 and response["Location"] == promote_url(weak)
    assert active_file(retrain_dirs.MODELS_DIR) == "live"
