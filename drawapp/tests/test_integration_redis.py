"""Production path for real: Daphne + a Celery worker over Redis + PostgreSQL, a real WebSocket."""
import asyncio
import json
import os
from io import BytesIO
from urllib.request import urlopen

import pytest
import websockets
from django.conf import settings
from PIL import Image

from drawapp.models import Drawing
from drawapp.processes import (
    celery_worker,
    daphne_server,
)
from drawapp.protocol import MAX_STATE_PAGE_BYTES, MAX_STROKES_PER_DRAWING
from inference.categories import queue_for

from .conftest import new_session_key, stroke_message
from .test_state_pages import assembled, full_drawing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services(trained_panda, service_environment):
    return service_environment()


async def next_of(ws, kind, timeout=90):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


def test_stroke_through_daphne_redis_and_a_celery_worker_comes_back_as_a_picture(
    services, tmp_path
):
    session_key = new_session_key()
    drawing = Drawing.objects.create(owner_session=session_key)
    with (
        celery_worker(services, [queue_for("panda")], tmp_path / "worker.log"),
        daphne_server(services, tmp_path / "daphne.log") as base_url,
    ):
        result = asyncio.run(draw_one_stroke(base_url, drawing.pk, session_key))
        with urlopen(base_url + result["url"], timeout=10) as response:
            picture = Image.open(BytesIO(response.read()))
            picture.load()
    assert picture.size == (256, 256) and picture.mode == "RGB"
    drawing.refresh_from_db()
    assert drawing.revision == 1 and len(drawing.strokes) == 1
    generation = drawing.generations.get()
    assert (generation.revision, generation.model_version) == (1, "test-1")
    assert generation.model_ms > 0


async def draw_one_stroke(base_url, drawing_id, session_key):
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    async with websockets.connect(ws_url, additional_headers=headers) as ws:
        assert (await next_of(ws, "state"))["revision"] == 0
        await ws.send(json.dumps(stroke_message()))
        assert await next_of(ws, "ack") == {"type": "ack", "revision": 1}
        return await next_of(ws, "result")


def test_a_full_drawing_reopens_through_daphne_with_the_production_frame_cap(
    service_environment, tmp_path
):
    session_key = new_session_key()
    drawing = full_drawing(session_key)
    with daphne_server(service_environment(), tmp_path / "daphne.log") as base_url:
        frames = asyncio.run(state_frames(base_url, drawing.pk, session_key))
    assert max(len(frame.encode()) for frame in frames) <= MAX_STATE_PAGE_BYTES
    assert assembled([json.loads(frame) for frame in frames]) == drawing.strokes


async def state_frames(base_url, drawing_id, session_key) -> list[str]:
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    frames, received = [], 0
    async with websockets.connect(ws_url, additional_headers=headers) as ws:
        async with asyncio.timeout(120):
            while received < MAX_STROKES_PER_DRAWING:
                frames.append(await ws.recv())
                received += len(json.loads(frames[-1])["strokes"])
    return frames


STROKES_EACH = 6


def test_two_workers_share_the_drawings_and_each_page_sees_its_pictures_in_order(
        services, tmp_path):
    sessions = [new_session_key() for _ in range(3)]
    drawings = [Drawing.objects.create(owner_session=key) for key in sessions]
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    with (
        celery_worker(services, [queue_for("panda")], logs[0], name=f"one-{os.getpid()}"),
        celery_worker(services, [queue_for("panda")], logs[1], name=f"two-{os.getpid()}"),
        daphne_server(services, tmp_path / "daphne.log") as base_url,
    ):
        seen = asyncio.run(draw_side_by_side(base_url, drawings, sessions))
        assert picture_line_of(services).is_awake("panda")
    for revisions in seen:
        assert revisions == sorted(revisions) and revisions[-1] == STROKES_EACH
    served = [log.read_text().count("succeeded") for log in logs]
    assert all(count > 0 for count in served), served


def test_a_cpu_worker_pictures_on_a_pool_of_threads_and_each_page_sees_them_in_order(
        services, tmp_path):
    """A CPU worker makes a picture per core (a pool of threads, one torch thread each): jobs
    side by side in one process still give each drawing to one job at a time."""
    sessions = [new_session_key() for _ in range(3)]
    drawings = [Drawing.objects.create(owner_session=key) for key in sessions]
    log = tmp_path / "worker.log"
    with (
        celery_worker({**services, "OMP_NUM_THREADS": "1"}, [queue_for("panda")], log,
                      pool_threads=2),
        daphne_server(services, tmp_path / "daphne.log") as base_url,
    ):
        seen = asyncio.run(draw_side_by_side(base_url, drawings, sessions))
    for revisions in seen:
        assert revisions == sorted(revisions) and revisions[-1] == STROKES_EACH
    assert "concurrency: 2 (thread)" in log.read_text()
    assert log.read_text().count("succeeded") > 0


def picture_line_of(environment):
    from drawapp.pictures.line import RedisLine

    return RedisLine(environment["REDIS_URL"], environment["REDIS_KEY_PREFIX"])


async def draw_side_by_side(base_url, drawings, sessions) -> list[list[int]]:
    """Each page draws STROKES_EACH strokes quickly; returns the revisions of the pictures
    each page received, in the order received, once the newest one came."""
    return await asyncio.gather(*(draw_quickly(base_url, drawing.pk, key)
                                  for drawing, key in zip(drawings, sessions, strict=True)))


async def draw_quickly(base_url, drawing_id, session_key) -> list[int]:
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    revisions = []
    async with websockets.connect(ws_url, additional_headers=headers) as ws:
        await next_of(ws, "state")
        for n in range(STROKES_EACH):
            await ws.send(json.dumps(stroke_message(points=((0.1, 0.1 * n), (0.9, 0.5)))))
            await asyncio.sleep(0.05)
        while not revisions or revisions[-1] != STROKES_EACH:
            revisions.append((await next_of(ws, "result"))["revision"])
    return revisions


def job_received(worker_log: str) -> bool:
    started, ready, after = worker_log.partition(" ready.")
    return bool(ready) and "pictures.serve" in after and "received" in after


@pytest.fixture
def slow_panda(models_dir):
    """A seed-sized panda generator (untrained weights, served all the same): its first
    picture takes long enough on a CPU to kill the worker in the middle of it."""
    from inference.networks import build_generator
    from inference.registry import save_model, set_active_version

    arguments = {"in_channels": 1, "out_channels": 3}
    card = {"architecture": "resnet", "arguments": arguments, "training": {"steps": 1}}
    save_model(models_dir, "panda", "slow-1", build_generator("resnet", **arguments), card)
    set_active_version(models_dir, "panda", "slow-1")  # a test fixture, not the studio's way


def test_a_job_killed_with_its_worker_reaches_the_page_through_another_worker(
        slow_panda, service_environment, tmp_path):
    from drawapp.pictures.line import LEASE_S

    services = service_environment(BROKER_VISIBILITY_TIMEOUT_S=int(LEASE_S) + 1)
    session_key = new_session_key()
    drawing = Drawing.objects.create(owner_session=session_key)
    doomed_log = tmp_path / "doomed.log"
    with daphne_server(services, tmp_path / "daphne.log") as base_url:
        async def draw_then_kill():
            ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing.pk}/"
            headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}",
                       "Origin": base_url}
            async with websockets.connect(ws_url, additional_headers=headers) as ws:
                await next_of(ws, "state")
                with celery_worker(services, [queue_for("panda")], doomed_log,
                                   name=f"doomed-{os.getpid()}") as doomed:
                    await ws.send(json.dumps(stroke_message()))
                    await next_of(ws, "ack")
                    async with asyncio.timeout(60):
                        while not job_received(doomed_log.read_text()):
                            await asyncio.sleep(0.05)
                    doomed.kill()  # in the middle of loading or running the generator
                    doomed.wait()
                with celery_worker(services, [queue_for("panda")], tmp_path / "rescuer.log",
                                   name=f"rescuer-{os.getpid()}"):
                    return await next_of(ws, "result", timeout=120)

        result = asyncio.run(draw_then_kill())
    assert result["revision"] == 1
    assert job_received(doomed_log.read_text())
    assert "1 of 1 pictured" not in doomed_log.read_text()
    assert "1 of 1 pictured" in (tmp_path / "rescuer.log").read_text()
