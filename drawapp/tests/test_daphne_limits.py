"""The frame cap of a real Daphne and the protocol's message limit agree: an oversized message
is answered `too_big` on an open socket; only a frame over Daphne's cap drops the line."""
import asyncio
import json

import pytest
import websockets
from django.conf import settings

from drawapp.models import Drawing
from drawapp.processes import child_environment, daphne_server, database_url_of_this_connection
from drawapp.protocol import MAX_MESSAGE_BYTES, SERVER_FRAME_BYTES

from .conftest import new_session_key, stroke_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded_daphne(tmp_path, models_dir):
    env = child_environment(database_url_of_this_connection(), tmp_path / "media", models_dir)
    for name in ("REDIS_URL", "REDIS_KEY_PREFIX"):
        env.pop(name, None)
    with daphne_server(env, tmp_path / "daphne.log") as base_url:
        yield base_url


def padded_undo(size: int) -> str:
    head = '{"type": "undo", "pad": "'
    return head + "x" * (size - len(head) - 2) + '"}'


async def answers(base_url, drawing_id, session_key, messages) -> tuple[list, int | str]:
    """The answers to `messages` sent one by one, and how the socket ended: "open", the close
    code the server sent, or "dropped" (the connection cut with no close frame)."""
    ws_url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Origin": base_url}
    received = []
    async with websockets.connect(ws_url, additional_headers=headers, max_size=None) as ws:
        async with asyncio.timeout(60):
            assert json.loads(await ws.recv())["type"] == "state"
            try:
                for message in messages:
                    await ws.send(message)
                    received.append(json.loads(await ws.recv()))
            except websockets.ConnectionClosed as closed:
                return received, closed.rcvd.code if closed.rcvd else "dropped"
    return received, "open"


def test_messages_up_to_daphnes_cap_get_too_big_and_the_socket_stays_open(embedded_daphne):
    session_key = new_session_key()
    drawing = Drawing.objects.create(owner_session=session_key)
    messages = [padded_undo(MAX_MESSAGE_BYTES + 1), padded_undo(SERVER_FRAME_BYTES),
                json.dumps(stroke_message())]
    received, closed = asyncio.run(answers(embedded_daphne, drawing.pk, session_key, messages))
    assert [m.get("code") for m in received[:2]] == ["too_big", "too_big"]
    assert received[2] == {"type": "ack", "revision": 1} and closed == "open"


def test_a_frame_over_daphnes_cap_is_dropped_by_daphne_unanswered(embedded_daphne):
    session_key = new_session_key()
    drawing = Drawing.objects.create(owner_session=session_key)
    received, closed = asyncio.run(answers(
        embedded_daphne, drawing.pk, session_key, [padded_undo(SERVER_FRAME_BYTES + 1)]
    ))
    assert (received, closed) == ([], "dropped")  # autobahn fails the connection by dropping it
