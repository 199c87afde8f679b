"""Property-based fuzzing of the drawing socket: whatever a client sends, every message gets
exactly one answer (an ack or an error), in order, and no socket is closed by an exception."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drawapp.models import Drawing
from drawapp.protocol import (
    MAX_ERRORS_BEFORE_CLOSE,
    MAX_MESSAGE_BYTES,
    MAX_STROKE_ID_CHARS,
    MESSAGE_BURST,
)
from inference.categories import CATEGORIES

from .conftest import Socket, new_session_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**420),
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12,
)
good_points = st.lists(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=2),
                       min_size=1, max_size=30)
stroke_ids = st.text(alphabet="abc123-_", min_size=1, max_size=4) | st.text(
    max_size=MAX_STROKE_ID_CHARS + 2)
strokes = st.fixed_dictionaries(
    {"type": st.just("stroke"), "points": good_points | json_values,
     "size": st.sampled_from([1, 3, 8, 64]) | numbers},
    optional={"tool": st.sampled_from(["pen", "eraser"]) | json_values,
              "color": st.sampled_from(["red", "#00ff00", "black"]) | json_values,
              "id": stroke_ids | json_values},
)
commands = st.builds(lambda kind: {"type": kind}, st.sampled_from(["undo", "redo", "clear"]))
categories = st.builds(lambda c: {"type": "category", "category": c},
                       st.sampled_from(CATEGORIES) | json_values)
objects = st.dictionaries(st.sampled_from(["type", "points", "size", "x"]), json_values)
frames = st.one_of(
    st.builds(json.dumps, strokes | commands | categories | objects | json_values),
    st.text(max_size=60),
    st.binary(max_size=60),
    st.builds(lambda n: '{"type": "undo", "pad": "' + "x" * n + '"}',
              st.integers(MAX_MESSAGE_BYTES - 20, MAX_MESSAGE_BYTES + 100)),
    st.builds(lambda n, digits: '{"type": "stroke", "points": [[1' + "0" * digits + ', 0]],'
              ' "size": ' + str(n) + "}", st.integers(1, 9), st.integers(300, 5000)),
)
# Fewer messages than either the rate limiter's burst or the refusals that close a socket.
conversations = st.lists(
    frames, min_size=1, max_size=min(MESSAGE_BURST, MAX_ERRORS_BEFORE_CLOSE) - 2
)


async def answers_to(frames_sent: list) -> list:
    """Every output of a fresh socket to a fresh drawing after its state, for the frames sent."""
    session_key = await database_sync_to_async(new_session_key)()
    drawing = await database_sync_to_async(Drawing.objects.create)(owner_session=session_key)
    socket = Socket(drawing.pk, session_key)
    accepted, _ = await socket.connect()
    assert accepted
    assert (await socket.receive())["type"] == "state"
    outputs = []
    for frame in frames_sent:
        key = "bytes" if isinstance(frame, bytes) else "text"  # empty frames too
        await socket.communicator.send_input({"type": "websocket.receive", key: frame})
        while True:  # pictures may come between answers; the answer comes before the next send
            output = await socket.communicator.receive_output(timeout=10)
            outputs.append(output)
            if output["type"] != "websocket.send" or json.loads(output["text"])["type"] in (
                "ack", "error",
            ):
                break
    assert await socket.communicator.receive_nothing(timeout=0.05)  # nothing answered twice
    await socket.close()
    return outputs


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(conversation=conversations)
def test_every_message_gets_exactly_one_answer_and_no_socket_closes_with_1011(
    conversation, monkeypatch
):
    async def no_picture(*_):
        return None

    monkeypatch.setattr("drawapp.consumers.request_picture", no_picture)
    outputs = asyncio.run(answers_to(conversation))
    closes = [output for output in outputs if output["type"] == "websocket.close"]
    assert closes == []
    answers = [json.loads(output["text"]) for output in outputs]
    answers = [answer for answer in answers if answer["type"] in ("ack", "error")]
    assert len(answers) == len(conversation)
    assert all(answer.get("code") != "server_error" for answer in answers), answers
    revisions = [answer["revision"] for answer in answers if answer["type"] == "ack"
                 and not answer.get("repeat")]
    assert revisions == list(range(1, len(revisions) + 1))  # each saved change, once, in order
