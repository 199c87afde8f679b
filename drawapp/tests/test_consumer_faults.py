"""The drawing socket under server faults: a locked or failing database gets an `error`
answer, the socket stays open, and nothing ever closes it with 1011."""
import sqlite3

import pytest
from django.db import OperationalError, connections

from drawapp.consumers import CLOSE_TRY_AGAIN
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


