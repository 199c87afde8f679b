"""The drawing socket: ownership, saving before acking, pictures, errors, reconnects."""

import functools
import json

import pytest
from channels.db import database_sync_to_async

from drawapp.actions import apply_message
from drawapp.consumers import CLOSE_ABUSIVE, CLOSE_FORBIDDEN, DrawConsumer
from drawapp.protocol import (
    MAX_ERRORS_BEFORE_CLOSE,
    MAX_MESSAGE_BYTES,
    MESSAGE_BURST,
    RateLimiter,
    parse_client_message,
)

from .conftest import Socket, new_session_key, saved_drawing, stroke_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]


async def connected(drawing_id, session_key) -> Socket:
    socket = Socket(drawing_id, session_key)
    accepted, _ = await socket.connect()
    assert accepted
    return socket


async def test_owner_connects_and_receives_the_drawing_state(drawing, session_key):
    socket = await connected(drawing.pk, session_key)
    state = await socket.receive()
    assert state == {
        "type": "state",
        "id": str(drawing.pk),
        "revision": 0,
        "category": "panda",
        "strokes": [],
        "redo_count": 0,
        "result": None,
        "needs_picture": False,
        "stroke_count": 0,
    }
    await socket.close()


async def test_another_session_cannot_open_the_drawing(drawing):
    other = await database_sync_to_async(new_session_key)()
    socket = Socket(drawing.pk, other)
    accepted, code = await socket.connect()
    assert (accepted, code) == (False, CLOSE_FORBIDDEN)


async def test_a_visitor_without_session_cannot_open_the_drawing(drawing):
    accepted, code = await Socket(drawing.pk, None).connect()
    assert (accepted, code) == (False, CLOSE_FORBIDDEN)


async def test_unknown_or_malformed_drawing_id_is_refused(session_key):
    for drawing_id in ("0b7c4a51-9a43-4c55-b1a5-2f7bd1d2a111", "not-a-uuid"):
        accepted, code = await Socket(drawing_id, session_key).connect()
        assert (accepted, code) == (False, CLOSE_FORBIDDEN)


async def test_socket_from_a_foreign_origin_is_refused(drawing, session_key):
    socket = Socket(drawing.pk, session_key, origin=b"http://evil.example")
    accepted, _ = await socket.connect()
    assert not accepted


async def test_stroke_is_saved_before_it_is_acknowledged(drawing, session_key, monkeypatch):
    in_database_when_acked = []  # (acked revision, revision in the database at that moment)
    send = DrawConsumer.send_json

    async def send_watching_acks(consumer, content):
        if content["type"] == "ack":
            saved = await saved_drawing(consumer.drawing_id)
            in_database_when_acked.append((content["revision"], saved.revision,
                                           len(saved.strokes)))
        await send(consumer, content)

    monkeypatch.setattr(DrawConsumer, "send_json", send_watching_acks)
    socket = await connected(drawing.pk, session_key)
    await socket.receive_until("state")
    await socket.send(stroke_message())
    await socket.send(stroke_message(points=((0.5, 0.1), (0.5, 0.9))))
    assert (await socket.receive_until("ack"))["revision"] == 1
    assert (await socket.receive_until("ack"))["revision"] == 2
    assert in_database_when_acked == [(1, 1, 1), (2, 2, 2)]
    await socket.close()


async def test_stroke_on_a_trained_category_brings_a_picture(drawing, session_key, trained_panda):
    socket = await connected(drawing.pk, session_key)
    await socket.send(stroke_message())
    result = await socket.receive_until("result")
    assert result["revision"] == 1
    assert result["url"].startswith("/media/pictures/") and result["url"].endswith(".png")
    assert result["model_ms"] > 0
    await socket.close()


async def test_category_without_a_model_is_still_learning(drawing, session_key, trained_panda):
    socket = await connected(drawing.pk, session_key)
    await socket.send({"type": "category", "category": "shoe"})
    await socket.send(stroke_message())
    unavailable = await socket.receive_until("unavailable")
    assert unavailable["revision"] == 2
    assert unavailable["reason"] == "still learning"
    await socket.close()


async def test_malformed_message_gets_an_error_and_the_socket_stays_open(drawing, session_key):
    socket = await connected(drawing.pk, session_key)
    await socket.receive_until("state")
    await socket.send("{not json")
    assert (await socket.receive())["code"] == "bad_json"
    await socket.send({"type": "stroke", "points": [[2, 2]], "size": 3})
    assert (await socket.receive())["code"] == "bad_point"
    await socket.send(stroke_message())
    assert await socket.receive() == {"type": "ack", "revision": 1}
    assert (await saved_drawing(drawing.pk)).revision == 1
    await socket.close()


async def test_oversized_message_is_refused_and_nothing_is_saved(drawing, session_key):
    socket = await connected(drawing.pk, session_key)
    await socket.receive_until("state")
    await socket.send('{"type": "undo", "pad": "' + "x" * MAX_MESSAGE_BYTES + '"}')
    assert (await socket.receive())["code"] == "too_big"
    assert (await saved_drawing(drawing.pk)).revision == 0
    await socket.close()


async def test_flooding_client_is_rate_limited(drawing, session_key, monkeypatch):
    frozen = functools.partial(RateLimiter, clock=lambda: 0.0)  # no tokens come back
    monkeypatch.setattr("drawapp.consumers.RateLimiter", frozen)
    socket = await connected(drawing.pk, session_key)
    await socket.receive_until("state")
    for _ in range(MESSAGE_BURST + 5):
        await socket.send({"type": "category", "category": "car"})
    replies = [await socket.receive() for _ in range(MESSAGE_BURST + 5)]
    codes = [reply.get("code") for reply in replies]
    assert "rate_limited" in codes
    assert codes == [None] * MESSAGE_BURST + ["rate_limited"] * 5
    assert (await saved_drawing(drawing.pk)).revision == MESSAGE_BURST
    await socket.close()


async def test_abusive_client_is_disconnected(drawing, session_key):
    socket = await connected(drawing.pk, session_key)
    await socket.receive_until("state")
    for _ in range(MAX_ERRORS_BEFORE_CLOSE):
        await socket.send("[]")
    for _ in range(MAX_ERRORS_BEFORE_CLOSE):
        assert (await socket.receive())["type"] == "error"
    closed = await socket.communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": CLOSE_ABUSIVE}


async def test_reconnect_restores_strokes_and_latest_picture(drawing, session_key, trained_panda):
    first = await connected(drawing.pk, session_key)
    await first.send(stroke_message())
    await first.send(stroke_message(points=((0.5, 0.1), (0.5, 0.9))))
    result = await first.receive_until("result")
    while result["revision"] != 2:
        result = await first.receive_until("result")
    await first.close()

    again = await connected(drawing.pk, session_key)
    state = await again.receive_until("state")
    assert state["revision"] == 2
    assert len(state["strokes"]) == 2
    assert state["result"] == {"revision": 2, "url": result["url"]}
    assert state["needs_picture"] is False
    await again.close()


async def test_reconnect_asks_again_for_a_picture_that_never_came(
    drawing, session_key, trained_panda
):
    # Saved while no socket was listening (as if the worker died): no picture exists yet.
    await database_sync_to_async(apply_message)(
        drawing.pk, parse_client_message(json.dumps(stroke_message()))
    )
    socket = await connected(drawing.pk, session_key)
    state = await socket.receive_until("state")
    assert state["needs_picture"] is True
    result = await socket.receive_until("result")
    assert result["revision"] == 1
    await socket.close()
