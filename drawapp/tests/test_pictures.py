"""The picture pipeline: newest revision only, round robin, batches, order, both runners."""
import asyncio
import json
import os
import threading
import uuid

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from drawapp import runner
from drawapp.actions import apply_message
from drawapp.models import Drawing, Generation
from drawapp.pictures import line as line_module
from drawapp.pictures import tasks
from drawapp.pictures.events import drawing_group
from drawapp.pictures.scheduler import request_picture
from drawapp.protocol import parse_client_message
from inference.palette import PALETTE
from inference.registry import ModelUnavailable, Registry

from .conftest import Socket, stroke_message

pytestmark = pytest.mark.django_db(transaction=True)


def draw(drawing, strokes: int) -> int:
    """Save `strokes` strokes on the drawing; returns its revision."""
    for n in range(strokes):
        change = apply_message(drawing.pk, parse_client_message(json.dumps(
            stroke_message(points=((0.1, 0.1 + 0.05 * n), (0.9, 0.5))))))
    return change.revision


@pytest.fixture
def batches_on_the_cpu(monkeypatch):
    """Batches of up to 8 drawings on the CPU too, as on a GPU."""
    monkeypatch.setattr(tasks, "MAX_BATCH", {"cpu": 8})


@pytest.fixture
def forwards(monkeypatch):
    """The batch size of every forward the registry runs."""
    sizes = []
    batch = Registry.generate_batch

    def recording(registry, category, sketches, hints=None):
        sizes.append(len(sketches))
        return batch(registry, category, sketches, hints)

    monkeypatch.setattr(Registry, "generate_batch", recording)
    return sizes


class PictureThreadHeld:
    """Holds the in-process picture thread busy until released, as a long forward would."""

    name = "tests.hold"

    def __init__(self):
        self.release = threading.Event()

    def run(self):
        self.release.wait(30)


def pictured(*drawings) -> set[tuple[str, int]]:
    return {(str(g.drawing_id), g.revision)
            for g in Generation.objects.filter(drawing__in=drawings)}


async def test_waiting_drawings_get_their_newest_revision_in_one_batch(
        embedded, trained_panda, forwards, batches_on_the_cpu):
    busy, quiet = [await sync_to_async(Drawing.objects.create)() for _ in range(2)]
    held = PictureThreadHeld()
    runner.run_task(held, (), "gen.panda")
    for revision in range(1, 6):  # five strokes while the picture thread is busy
        await sync_to_async(draw)(busy, 1)
        await request_picture(str(busy.pk), revision, "panda")
    await sync_to_async(draw)(quiet, 1)
    await request_picture(str(quiet.pk), 1, "panda")
    held.release.set()
    await asyncio.to_thread(runner.wait_until_idle)
    assert await sync_to_async(pictured)(busy, quiet) == {(str(busy.pk), 5), (str(quiet.pk), 1)}
    assert forwards == [2]  # revisions 1-4 cost no model time; both drawings in one forward


async def test_a_picture_is_sent_to_the_page_only_if_no_newer_one_was(embedded, drawing,
                                                                       session_key):
    socket = Socket(drawing.pk, session_key)
    await socket.connect()
    await socket.receive_until("state")
    layer = get_channel_layer()
    for revision in (3, 2, 4):  # two workers finished revision 3 before revision 2
        await layer.group_send(drawing_group(drawing.pk), {
            "type": "gen.done", "revision": revision, "url": f"/media/r{revision}.png",
            "model_ms": 1.0})
    assert (await socket.receive())["revision"] == 3
    assert (await socket.receive())["revision"] == 4
    assert await socket.communicator.receive_nothing(timeout=0.2)
    await socket.close()


@pytest.fixture
def redis_line(settings, monkeypatch):
    """The Celery path's line in Redis (under a key prefix of its own), no worker started: the
    test runs the task bodies itself, as workers would, and records the wake-ups sent."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    settings.RUN_TASKS_IN_PROCESS = False
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:8]}:"
    wakeups = []
    monkeypatch.setattr(tasks.serve_pictures, "apply_async",
                        lambda args, queue: wakeups.append((args, queue)))
    line = line_module.picture_line()
    yield wakeups
    for key in line.redis.scan_iter(f"{settings.REDIS_KEY_PREFIX}*"):
        line.redis.delete(key)


async def test_on_celery_workers_stale_revisions_cost_nothing_and_wakeups_are_coalesced(
        redis_line, trained_panda, forwards, batches_on_the_cpu):
    busy, quiet = [await sync_to_async(Drawing.objects.create)() for _ in range(2)]
    for revision in range(1, 4):
        await sync_to_async(draw)(busy, 1)
        await request_picture(str(busy.pk), revision, "panda")
    await sync_to_async(draw)(quiet, 1)
    await request_picture(str(quiet.pk), 1, "panda")
    assert redis_line == [(("panda",), "gen.panda")] * 2  # one per drawing, not per stroke
    first, second = await asyncio.gather(*(asyncio.to_thread(tasks.serve_pictures.run, "panda")
                                           for _ in redis_line))
    assert sorted([first, second]) == ["2 of 2 pictured", "nothing waiting"]
    assert await sync_to_async(pictured)(busy, quiet) == {(str(busy.pk), 3), (str(quiet.pk), 1)}
    assert forwards == [2]


def test_two_celery_workers_share_the_line_and_picture_each_revision_once(
        redis_line, trained_panda, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_BATCH", {"cpu": 2})
    drawings = [Drawing.objects.create() for _ in range(6)]
    for drawing in drawings:
        revision = draw(drawing, 1)
        assert line_module.picture_line().offer(str(drawing.pk), revision, "panda")
    served = {}

    def worker(name):
        close = []
        while (result := tasks.serve_pictures.run("panda")) != "nothing waiting":
            close.append(result)
        served[name] = close

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert pictured(*drawings) == {(str(drawing.pk), 1) for drawing in drawings}
    assert Generation.objects.count() == 6
    assert sum(len(results) for results in served.values()) == 3  # batches of two


@pytest.fixture
def quick_to_tell(monkeypatch, settings):
    monkeypatch.setattr("drawapp.consumers.NO_ANSWER_S", 0.3)
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def test_the_page_hears_kindly_when_no_picture_worker_is_awake(
        redis_line, quick_to_tell, drawing, session_key):
    socket = Socket(drawing.pk, session_key)
    await socket.connect()
    await socket.receive_until("state")
    await socket.send(stroke_message())
    assert (await socket.receive())["type"] == "ack"
    # 0.3 s of silence is the trigger. The generous wait is for a loaded machine: in two full
    # runs the status took over 5 s to come (the two Redis round trips around the silence are
    # the only waits; it never failed alone, nor in a run of all of drawapp under load).
    status = await socket.receive(timeout=30)
    assert status["type"] == "status" and status["state"] == "asleep"
    assert "asleep" in status["message"]
    await socket.close()


async def test_the_page_hears_nothing_of_sleep_while_a_worker_is_awake(
        redis_line, quick_to_tell, drawing, session_key):
    await sync_to_async(line_module.picture_line().mark_awake)(["panda"])
    socket = Socket(drawing.pk, session_key)
    await socket.connect()
    await socket.receive_until("state")
    await socket.send(stroke_message())
    assert (await socket.receive())["type"] == "ack"
    assert await socket.communicator.receive_nothing(timeout=1)
    await socket.close()


@pytest.mark.django_db
def test_a_coloured_stroke_reaches_the_model_as_a_colour_hint(embedded, monkeypatch):
    seen = []

    def no_model(registry, category, sketches, hints=None):
        seen.extend(hints)
        raise ModelUnavailable()

    monkeypatch.setattr(Registry, "generate_batch", no_model)
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)  # the test's transaction
    drawing = Drawing.objects.create()
    change = apply_message(drawing.pk, parse_client_message(json.dumps(
        {**stroke_message(size=12), "color": "red"})))
    tasks.make_pictures([(str(drawing.pk), change.revision)])
    (hints,) = seen
    coloured = hints[3] > 0
    assert coloured.sum() > 100
    assert np.allclose(hints[:3][:, coloured].T, np.array(PALETTE["red"]) / 255)


async def test_a_line_that_cannot_be_reached_loses_no_stroke_and_closes_no_socket(
        redis_line, quick_to_tell, drawing, session_key, monkeypatch):
    import redis

    def unreachable(*args):
        raise redis.ConnectionError("Redis is restarting")

    monkeypatch.setattr(line_module.picture_line(), "offer", unreachable)
    socket = Socket(drawing.pk, session_key)
    await socket.connect()
    await socket.receive_until("state")
    for revision in (1, 2):
        await socket.send(stroke_message())
        assert await socket.receive_until("ack") == {"type": "ack", "revision": revision}
    assert (await Drawing.objects.aget(pk=drawing.pk)).revision == 2
    await socket.close()


async def test_a_reconnect_wakes_a_worker_even_if_the_lost_wakeup_left_the_drawing_in_line(
        redis_line, quick_to_tell, drawing, session_key):
    revision = await sync_to_async(draw)(drawing, 1)
    await request_picture(str(drawing.pk), revision, "panda")
    redis_line.clear()  # the wake-up never reached a worker
    await request_picture(str(drawing.pk), revision, "panda")
    assert redis_line == []  # a stroke's own ask does not wake twice...
    socket = Socket(drawing.pk, session_key)
    await socket.connect()
    assert (await socket.receive_until("state"))["needs_picture"] is True
    await socket.close()
    assert redis_line == [(("panda",), "gen.panda")]  # ...the page's reconnect does


async def test_on_the_cpu_each_waiting_drawing_gets_a_forward_of_its_own(
        embedded, trained_panda, forwards):
    drawings = [await sync_to_async(Drawing.objects.create)() for _ in range(3)]
    held = PictureThreadHeld()
    runner.run_task(held, (), "gen.panda")
    for drawing in drawings:
        await request_picture(str(drawing.pk), await sync_to_async(draw)(drawing, 1), "panda")
    held.release.set()
    await asyncio.to_thread(runner.wait_until_idle)
    assert forwards == [1, 1, 1]
