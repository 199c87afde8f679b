"""After Redis restarts under a running Daphne, the next socket opens and saves as before:
no stale pooled connection turns the first reconnect into an error."""
import asyncio
import json
import shutil
import subprocess

import pytest
import websockets
from django.conf import settings

from drawapp.models import Drawing
from drawapp.processes import (
    child_environment,
    daphne_server,
    database_url_of_this_connection,
    free_port,
    wait_for_port,
)

from .conftest import new_session_key, stroke_message

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server to restart one"),
]


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=15)


async def draw_a_stroke(base_url, drawing_id, session_key) -> dict:
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    async with websockets.connect(ws_url, additional_headers=headers) as ws:
        async with asyncio.timeout(30):
            assert json.loads(await ws.recv())["type"] == "state"
            await ws.send(json.dumps(stroke_message()))
            while (answer := json.loads(await ws.recv()))["type"] not in ("ack", "error"):
                pass
            return answer


def test_the_first_socket_after_a_redis_restart_opens_and_saves(tmp_path, models_dir):
    session_key = new_session_key()
    drawing = Drawing.objects.create(owner_session=session_key)
    port = free_port()
    env = child_environment(database_url_of_this_connection(), tmp_path / "media", models_dir,
                            REDIS_URL=f"redis://127.0.0.1:{port}/0", REDIS_KEY_PREFIX="restart:")
    redis = start_redis(port)
    try:
        with daphne_server(env, tmp_path / "daphne.log") as base_url:
            first = asyncio.run(draw_a_stroke(base_url, drawing.pk, session_key))
            stop(redis)
            redis = start_redis(port)
            second = asyncio.run(draw_a_stroke(base_url, drawing.pk, session_key))
    finally:
        stop(redis)
    assert first == {"type": "ack", "revision": 1}
    assert second == {"type": "ack", "revision": 2}, (tmp_path / "daphne.log").read_text()[-3000:]
