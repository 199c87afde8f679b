"""A drawing of any size the server accepts reopens: its state comes in pages under the cap."""
import json
import random

import pytest
from channels.db import database_sync_to_async

from drawapp.models import CLEAR_MARK, Drawing
from drawapp.protocol import (
    MAX_MESSAGE_BYTES,
    MAX_POINTS_PER_STROKE,
    MAX_STATE_PAGE_BYTES,
    MAX_STROKES_PER_DRAWING,
    SERVER_FRAME_BYTES,
    encode_message,
    parse_client_message,
)
from drawapp.state import state_messages

from .conftest import Socket


def largest_stroke_message(seed: int) -> str:
    """A stroke message the server accepts with the most points, each coordinate as long as a
    saved one can be (five decimals)."""
    draw = random.Random(seed)
    points = [[draw.randint(10000, 99999) / 100000, draw.randint(10000, 99999) / 100000]
              for _ in range(MAX_POINTS_PER_STROKE)]
    text = json.dumps({"type": "stroke", "points": points, "size": 63.5, "tool": "eraser"})
    assert len(text.encode()) <= MAX_MESSAGE_BYTES
    return text


def full_drawing(session_key) -> Drawing:
    strokes = [parse_client_message(largest_stroke_message(seed)).as_json() for seed in range(8)]
    log = [dict(strokes[i % len(strokes)], size=1 + i % 60) for i in range(MAX_STROKES_PER_DRAWING)]
    return Drawing.objects.create(owner_session=session_key, strokes=log,
                                  revision=MAX_STROKES_PER_DRAWING)


def assembled(messages: list[dict]) -> list[dict]:
    """What the page does: the `state` message's strokes, then each `state_more` page's."""
    head, *rest = messages
    assert head["type"] == "state" and all(page["type"] == "state_more" for page in rest)
    strokes = head["strokes"] + [stroke for page in rest for stroke in page["strokes"]]
    assert len(strokes) == head["stroke_count"]
    return strokes


def test_the_server_frame_cap_leaves_room_above_every_protocol_limit():
    assert MAX_STATE_PAGE_BYTES <= SERVER_FRAME_BYTES
    assert MAX_MESSAGE_BYTES < SERVER_FRAME_BYTES


@pytest.mark.django_db
def test_small_drawing_comes_in_one_state_message(drawing):
    drawing.strokes = [{"points": [[0.1, 0.1]], "size": 3.0, "tool": "pen"}]
    drawing.save()
    messages = state_messages(drawing)
    assert len(messages) == 1
    assert messages[0]["strokes"] == drawing.strokes and messages[0]["stroke_count"] == 1


@pytest.mark.django_db
def test_state_after_a_clear_pages_only_the_visible_strokes(session_key):
    big = parse_client_message(largest_stroke_message(1)).as_json()
    drawing = Drawing.objects.create(
        owner_session=session_key, strokes=[big] * 5 + [CLEAR_MARK] + [big] * 3
    )
    messages = state_messages(drawing)
    assert assembled(messages) == [big] * 3
    assert all(len(encode_message(m)) <= MAX_STATE_PAGE_BYTES for m in messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("embedded")
async def test_a_full_drawing_of_the_largest_strokes_reopens_over_the_socket(
    session_key, monkeypatch
):
    asked = []

    async def request_picture(*job):
        asked.append(job)

    # Not a picture of 4 million points: only the state is under test here.
    monkeypatch.setattr("drawapp.consumers.request_picture", request_picture)
    drawing = await database_sync_to_async(full_drawing)(session_key)
    socket = Socket(drawing.pk, session_key)
    accepted, _ = await socket.connect()
    assert accepted
    frames = []
    received = 0
    while received < MAX_STROKES_PER_DRAWING:
        frame = await socket.communicator.receive_from(timeout=30)
        frames.append(frame)
        received += len(json.loads(frame)["strokes"])
    await socket.close()
    assert max(len(frame.encode()) for frame in frames) <= MAX_STATE_PAGE_BYTES
    messages = [json.loads(frame) for frame in frames]
    assert messages[0]["revision"] == MAX_STROKES_PER_DRAWING
    assert assembled(messages) == drawing.strokes
    assert [job[:3] for job in asked] == [(str(drawing.pk), MAX_STROKES_PER_DRAWING, "panda")]
