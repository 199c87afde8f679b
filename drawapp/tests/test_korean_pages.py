"""Every page of the drawing room and the retraining admin, asked for in Korean, speaks only
Korean: no English word is shown or read aloud (drawapp.untranslated), names aside."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from drawapp.models import Drawing
from drawapp.untranslated import english_words
from inference.categories import CATEGORIES
from inference.networks import ARCHITECTURES, GENERATOR_PRESETS
from training.edges import EDGE_METHODS
from training.losses import GAN_MODES
from training.models import ModelVersion, TrainingDataset, TrainingRun

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}
# Names every page may show as they are: the studio's brand words and the categories' model ids
# the admin lists (panda, shoe...) are names, not sentences.
# "Search" is the alt text of Django's own search icon, which Django does not translate.
ADMIN_NAMES = {"Django", *CATEGORIES, *EDGE_METHODS, *ARCHITECTURES, *GENERATOR_PRESETS,
               *GAN_MODES, "zip", "jpg", "png", "webp", "CPU", "GAN", "JSON", "Search"}
# Names of commands, settings and the paper an admin types or looks up as they are.
IDENTIFIERS = ("make_world_dataset", "build_dataset", "TRAINING_SOURCES_DIR", "pix2pix")
# A generator's build arguments, as a preset's label and the form's example show them.
BUILD_ARGUMENTS = re.compile(r"\{[^{}]*\}")
# The admin's sidebar: every app's name (checked once, on the admin's index, below).
SIDEBAR = re.compile(r'<nav [^>]*id="nav-sidebar".*?</nav>', re.DOTALL)


def assert_korean(page: str, where: str, allowed=frozenset()):
    left = english_words(page, allowed=allowed)
    assert left == [], f"{where} still says {left}"


def korean_page(client, url, status=200):
    response = client.get(url, **KOREAN)
    assert response.status_code == status, url
    return response.content.decode()


def test_home_and_offline_pages_speak_korean(client):
    for url in ("/", "/offline/"):
        page = korean_page(client, url)
        assert '<html lang="ko">' in page
        assert_korean(page, url)


def test_the_drawing_page_speaks_korean_in_labels_and_in_its_scripts_words(client):
    drawing_url = client.get("/draw/", **KOREAN).url
    page = korean_page(client, drawing_url)
    assert_korean(page, drawing_url)
    assert 'data-word="learning-shoe"' in page  # the picture panel's sentences are in the page


def test_my_drawings_speaks_korean(client):
    drawing_url = client.get("/draw/", **KOREAN).url
    drawing = Drawing.objects.get(pk=drawing_url.strip("/").split("/")[-1])
    drawing.strokes = [{"points": [[0.1, 0.1], [0.5, 0.5]], "size": 3, "tool": "pen"}]
    drawing.save()
    assert_korean(korean_page(client, reverse("drawapp:mine")), "my drawings")


def test_a_missing_page_speaks_korean(client):
    assert_korean(korean_page(client, "/no-such-page/", status=404), "404")


@pytest.mark.parametrize("handler", [
    lambda request: permission_denied(request, PermissionDenied()), server_error,
], ids=["403", "500"])
def test_forbidden_and_broken_pages_speak_korean(rf, handler):
    request = rf.get("/somewhere/", **KOREAN)
    request.user = AnonymousUser()
    with translation.override("ko"):  # as LocaleMiddleware leaves it for a Korean browser
        page = handler(request).content.decode()
    assert_korean(page, "error page")


@pytest.fixture
def korean_admin(django_user_model, settings, tmp_path):
    """A superuser with a Korean name (the admin greets them by it), signed in."""
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    settings.TRAINING_DATA_DIR = tmp_path / "datasets"
    user = django_user_model.objects.create_superuser("관리자", password="pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def retraining_rows(korean_admin):
    dataset = TrainingDataset.objects.create(
        name="pandas1", category="panda", source_kind=TrainingDataset.SourceKind.FOLDER,
        source_path="/srv/photos", status=TrainingDataset.Status.READY, train_pairs=8,
        val_pairs=2, edge_method="canny", files_done=10, files_total=10)
    active = ModelVersion.objects.create(category="panda", version="v1", weights_path="/srv/v1",
                                         status=ModelVersion.Status.ACTIVE)
    candidate = ModelVersion.objects.create(category="panda", version="v2",
                                            weights_path="/srv/v2", replaced=active)
    run = TrainingRun.objects.create(run_id="r2", category="panda", dataset=dataset,
                                     config={}, status=TrainingRun.Status.FAILED, step=3,
                                     total_steps=10, error="", model_version=candidate)
    return {"dataset": dataset, "active": active, "candidate": candidate, "run": run}


def test_the_retraining_admin_speaks_korean(korean_admin, retraining_rows):
    rows = retraining_rows
    urls = [
        reverse("admin:training_trainingdataset_changelist"),
        reverse("admin:training_trainingdataset_add"),
        reverse("admin:training_trainingdataset_change", args=(rows["dataset"].pk,)),
        reverse("admin:training_trainingrun_changelist"),
        reverse("admin:training_trainingrun_retrain"),
        reverse("admin:training_trainingrun_change", args=(rows["run"].pk,)),
        reverse("admin:training_modelversion_changelist"),
        reverse("admin:training_modelversion_change", args=(rows["active"].pk,)),
        reverse("admin:training_modelversion_change", args=(rows["candidate"].pk,)),
    ]
    # Data shown as it is: the dataset's, run's and versions' names and paths.
    data = {"pandas", "srv", "photos", "r", "v"}
    for url in urls:
        page = korean_page(korean_admin, url)
        for identifier in IDENTIFIERS:
            page = page.replace(identifier, "")
        page = SIDEBAR.sub("", BUILD_ARGUMENTS.sub("", page))
        assert_korean(page, url, allowed=ADMIN_NAMES | data)


def test_the_admin_names_every_app_and_model_in_korean(korean_admin):
    """The admin's index (and the sidebar on every admin page) lists all apps and models."""
    assert_korean(korean_page(korean_admin, reverse("admin:index")), "admin index",
                  allowed={"Django", "Search"})
