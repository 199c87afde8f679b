"""The drawing socket under server faults: a locked or failing database gets an `error`
answer, the socket stays open, and nothing ever closes it with 1011."""
import sqlite3

import pytest
from django.db import OperationalError, connections

from drawapp.consumers import CLOSE_ABUSIVE, CLOSE_TRY_AGAIN
from drawapp.protocol import MAX_ERRORS_BEFORE_CLOSE, SAVE_ATTEMPTS, RateLimiter

from .conftest import Socket, saved_drawing, stroke_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]


async def opened(drawing, session_key) -> Socket:
    socket = Socket(drawing.pk, session_key)
    accepted, _ = await socket.connect()
    assert accepted
    await socket.receive_until("state")
    return socket


def unlimited():
    return RateLimiter(rate=1e9, burst=10**9)


def failing(times: int, error: Exception, calls: list):
    """apply_message that raises `error` on its first `times` calls."""
    from drawapp.actions import apply_message

    def apply(*arguments):
        calls.append(arguments)
        if len(calls) <= times:
            raise error
        return apply_message(*arguments)

    return apply


async def test_a_locked_database_is_tried_again_and_the_stroke_saved(
    drawing, session_key, monkeypatch
):
    calls = []
    locked = OperationalError("database is locked")
    monkeypatch.setattr(
        "drawapp.consumers.apply_message", failing(SAVE_ATTEMPTS - 1, locked, calls)
    )
    socket = await opened(drawing, session_key)
    await socket.send(stroke_message())
    assert await socket.receive() == {"type": "ack", "revision": 1}
    assert len(calls) == SAVE_ATTEMPTS
    await socket.close()


async def test_a_database_that_stays_locked_answers_busy_and_never_counts_against_the_child(
    drawing, session_key, monkeypatch
):
    calls = []
    locked = OperationalError("database is locked")
    monkeypatch.setattr("drawapp.consumers.apply_message", failing(10**6, locked, calls))
    monkeypatch.setattr("drawapp.consumers.SAVE_RETRY_WAIT_S", 0)
    monkeypatch.setattr("drawapp.consumers.RateLimiter", unlimited)
    socket = await opened(drawing, session_key)
    for _ in range(MAX_ERRORS_BEFORE_CLOSE + 1):
        await socket.send(stroke_message())
        assert (await socket.receive())["code"] == "busy"
    assert len(calls) == (MAX_ERRORS_BEFORE_CLOSE + 1) * SAVE_ATTEMPTS
    assert await socket.communicator.receive_nothing(timeout=0.2)  # still open
    await socket.close()


async def test_an_unexpected_failure_answers_server_error_and_the_socket_stays_open(
    drawing, session_key, monkeypatch
):
    monkeypatch.setattr("drawapp.consumers.apply_message", failing(1, KeyError("boom"), []))
    socket = await opened(drawing, session_key)
    await socket.send(stroke_message())
    assert (await socket.receive())["code"] == "server_error"
    await socket.send(stroke_message())
    assert await socket.receive() == {"type": "ack", "revision": 1}
    await socket.close()


async def test_a_real_write_lock_held_elsewhere_gets_busy_then_the_resend_is_saved(
    drawing, session_key, monkeypatch
):
    settings_dict = connections.settings["default"]
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite only")
    monkeypatch.setitem(settings_dict["OPTIONS"], "timeout", 0.3)
    monkeypatch.setattr("drawapp.consumers.SAVE_RETRY_WAIT_S", 0.05)
    socket = await opened(drawing, session_key)
    other_writer = sqlite3.connect(settings_dict["TEST"]["NAME"], isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        await socket.send(stroke_message())
        assert (await socket.receive())["code"] == "busy"
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert (await saved_drawing(drawing.pk)).revision == 0
    await socket.send(stroke_message())
    assert await socket.receive() == {"type": "ack", "revision": 1}
    await socket.close()


async def test_a_drawing_that_cannot_be_read_closes_with_try_again_not_1011(
    drawing, session_key, monkeypatch
):
    def unreadable(*_):
        raise OperationalError("connection lost")

    monkeypatch.setattr("drawapp.consumers.load_owned_drawing", unreadable)
    accepted, code = await Socket(drawing.pk, session_key).connect()
    assert (accepted, code) == (False, CLOSE_TRY_AGAIN)




def with_id(stroke_id: str, **changes) -> dict:
    return {**stroke_message(**changes), "id": stroke_id}


async def test_a_stroke_sent_again_with_its_id_is_saved_once_and_acked_with_its_revision(
    drawing, session_key
):
    socket = await opened(drawing, session_key)
    await socket.send(with_id("a1"))
    assert await socket.receive() == {"type": "ack", "revision": 1}
    await socket.send(with_id("b2", points=((0.5, 0.1), (0.5, 0.9))))
    assert await socket.receive() == {"type": "ack", "revision": 2}
    await socket.close()

    again = await opened(drawing, session_key)  # a resend after a drop, on a new socket
    await again.send(with_id("a1"))
    assert await again.receive() == {"type": "ack", "revision": 1, "repeat": True}
    await again.send({"type": "undo"})
    assert await again.receive() == {"type": "ack", "revision": 3}
    await again.send(with_id("b2", points=((0.5, 0.1), (0.5, 0.9))))  # undone: on the redo
    assert await again.receive() == {"type": "ack", "revision": 2, "repeat": True}
    await again.send(stroke_message())  # no id: always a new stroke
    assert await again.receive() == {"type": "ack", "revision": 4}
    await again.close()
    saved = await saved_drawing(drawing.pk)
    assert saved.revision == 4
    assert [entry.get("id") for entry in saved.strokes] == ["a1", None]


async def test_nothing_queued_behind_the_refusal_that_closes_the_socket_is_saved(
    drawing, session_key, monkeypatch
):
    monkeypatch.setattr("drawapp.consumers.RateLimiter", unlimited)
    socket = await opened(drawing, session_key)
    for _ in range(MAX_ERRORS_BEFORE_CLOSE):
        await socket.send("[]")
    for n in range(5):  # already on the way when the server decides to close
        await socket.send(with_id(f"late{n}"))
    answers = []
    while (output := await socket.communicator.receive_output(timeout=5))["type"] != (
        "websocket.close"
    ):
        answers.append(output)
    assert len(answers) == MAX_ERRORS_BEFORE_CLOSE and output["code"] == CLOSE_ABUSIVE
    assert (await saved_drawing(drawing.pk)).revision == 0
