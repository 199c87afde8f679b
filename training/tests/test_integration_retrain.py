"""Retraining for real: the admin on Daphne, a Celery worker over Redis + PostgreSQL on the
`training` and `gen.panda` queues. Build, train, promote, and the same worker draws with the new
version from its next picture."""
import asyncio
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import websockets
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from drawapp.models import Drawing
from drawapp.processes import (
    celery_worker,
    daphne_server,
)
from inference.categories import queue_for
from training.models import ModelVersion, TrainingDataset, TrainingRun
from training.tasks import TRAINING_QUEUE

from .retrain_cast import TINY_RUN, write_photo_folder

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["training.tests.retrain_fixtures"]


@pytest.fixture
def services(retrain_dirs, trained_panda, service_environment):
    return service_environment(
        TRAINING_DATA_DIR=retrain_dirs.TRAINING_DATA_DIR,
        TRAINING_RUNS_DIR=retrain_dirs.TRAINING_RUNS_DIR,
        TRAINING_SOURCES_DIR=retrain_dirs.TRAINING_SOURCES_DIR,
        TRAINING_UPLOADS_DIR=retrain_dirs.TRAINING_UPLOADS_DIR,
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class AdminSession:
    """An admin's browser, minus the browser: a logged-in session cookie and a CSRF token."""

    def __init__(self, base_url: str, user):
        client = Client()
        client.force_login(user)  # a session row in the shared database
        self.base_url = base_url
        self.csrf = secrets.token_hex(16)  # any 32-character secret the cookie and form share
        self.cookie = (f"{settings.SESSION_COOKIE_NAME}="
                       f"{client.cookies[settings.SESSION_COOKIE_NAME].value}; "
                       f"{settings.CSRF_COOKIE_NAME}={self.csrf}")
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf},
                                          doseq=True).encode()
        request = urllib.request.Request(self.base_url + path, data=body,
                                         headers={"Cookie": self.cookie})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def wait_for(query, predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = query()
        if row is not None and predicate(row):
            return row
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}: {query()!r}")


async def draw_one_stroke(base_url: str, drawing_id, session_key: str) -> dict:
    """Draw a stroke over the WebSocket; the consumer queues the picture on gen.panda."""
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    stroke = {"type": "stroke", "points": [[0.2, 0.2], [0.8, 0.8]], "size": 3, "tool": "pen"}
    async with websockets.connect(ws_url, additional_headers=headers) as ws:
        await ws.send(json.dumps(stroke))
        async with asyncio.timeout(120):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] in ("result", "unavailable"):
                    return message


def picture_version(base_url: str) -> str:
    """Ask for one picture as a child would; the version of the model that drew it."""
    session = SessionStore()
    session.create()
    session_key = session.session_key
    drawing = Drawing.objects.create(owner_session=session_key)
    message = asyncio.run(draw_one_stroke(base_url, drawing.pk, session_key))
    assert message["type"] == "result", message
    return drawing.generations.get().model_version


def test_admin_retrains_on_a_real_worker_and_the_promoted_version_draws_the_next_picture(
        services, retrain_dirs, django_user_model, tmp_path):
    write_photo_folder(retrain_dirs.TRAINING_SOURCES_DIR / "pandas", count=4)
    admin_user = django_user_model.objects.create_superuser("boss", password="pw")
    queues = [TRAINING_QUEUE, queue_for("panda")]
    with (
        celery_worker(services, queues, tmp_path / "worker.log") as worker,
        daphne_server(services, tmp_path / "daphne.log") as base_url,
    ):
        browser = AdminSession(base_url, admin_user)
        assert picture_version(base_url) == "test-1"

        status, headers, _ = browser.request("/admin/training/trainingdataset/add/", {
            "name": "pandas", "category": "panda", "edges": "canny", "folder": "pandas",
            "build_now": "on"})
        assert status == 302, headers
        dataset = wait_for(lambda: TrainingDataset.objects.first(),
                           lambda row: row.status in ("ready", "failed"), 180, "the build")
        assert dataset.status == "ready", dataset.error

        status, headers, _ = browser.request("/admin/training/trainingrun/retrain/",
                                             {"dataset": dataset.pk, **TINY_RUN})
        assert status == 302, headers
        run = wait_for(lambda: TrainingRun.objects.first(),
                       lambda row: row.status in ("succeeded", "failed", "interrupted"), 300,
                       "the training run")
        assert run.status == "succeeded", run.error
        status, _, body = browser.request(f"/admin/training/trainingrun/{run.pk}/progress.json")
        assert status == 200 and json.loads(body)["status"] == "succeeded"
        status, _, _ = browser.request("/admin/training/modelversion/")  # registers test-1
        assert status == 200
        candidate = run.model_version
        assert candidate.status == "candidate" and candidate.version == run.run_id

        promote_page = f"/admin/training/modelversion/{candidate.pk}/promote/"
        status, _, body = browser.request(promote_page)  # the candidate beside the live one
        assert status == 200 and b"test-1" in body
        # A four-photo candidate may well do worse than the live model: the admin confirms.
        status, _, _ = browser.request(promote_page, {"live": "test-1", "confirm": "yes"})
        assert status == 302
        assert (settings.MODELS_DIR / "panda" / "ACTIVE").read_text().strip() == run.run_id

        assert picture_version(base_url) == run.run_id
        assert worker.poll() is None  # the same worker process drew both pictures
    candidate.refresh_from_db()
    assert candidate.status == "active"
    assert ModelVersion.objects.get(version="test-1").status == "retired"
