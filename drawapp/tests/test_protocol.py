"""Every client message shape and limit of the wire protocol, accepted or refused with a code."""
import json

import pytest

from drawapp.protocol import (
    MAX_BRUSH_SIZE,
    MAX_MESSAGE_BYTES,
    MAX_POINTS_PER_STROKE,
    MAX_STROKE_ID_CHARS,
    MESSAGE_BURST,
    ChooseCategory,
    Command,
    ProtocolError,
    RateLimiter,
    Stroke,
    page_protocol,
    parse_client_message,
)
from inference.palette import PALETTE


def parse(obj):
    return parse_client_message(json.dumps(obj))


def error_code(text) -> str:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(text)
    return caught.value.code


def stroke(**overrides):
    message = {"type": "stroke", "points": [[0.1, 0.2], [0.5, 0.5]], "size": 3, "tool": "pen"}
    message.update(overrides)
    return json.dumps(message)


def test_valid_stroke_is_parsed_with_its_points_size_and_tool():
    message = parse({"type": "stroke", "points": [[0, 0], [1, 1]], "size": 8, "tool": "eraser"})
    assert message == Stroke(points=[[0.0, 0.0], [1.0, 1.0]], size=8.0, tool="eraser")


def test_commands_and_category_are_parsed():
    assert parse({"type": "undo"}) == Command("undo")
    assert parse({"type": "redo"}) == Command("redo")
    assert parse({"type": "clear"}) == Command("clear")
    assert parse({"type": "category", "category": "gemstone"}) == ChooseCategory("gemstone")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('"stroke"', "bad_message"),
        ('{"type": "paint"}', "unknown_type"),
        ("{}", "unknown_type"),
        ('{"type": "category", "category": "dragon"}', "bad_category"),
        ('{"type": "category"}', "bad_category"),
        (stroke(points=[]), "bad_stroke"),
        (stroke(points="0,0"), "bad_stroke"),
        (stroke(points=[[0.1]]), "bad_point"),
        (stroke(points=[[0.1, 0.2, 0.3]]), "bad_point"),
        (stroke(points=[0.1, 0.2]), "bad_point"),
        (stroke(points=[["a", 0.2]]), "bad_value"),
        (stroke(points=[[True, 0.2]]), "bad_value"),
        (stroke(points=[[1.5, 0.2]]), "bad_point"),
        (stroke(points=[[-0.01, 0.2]]), "bad_point"),
        ('{"type": "stroke", "points": [[NaN, 0.2]], "size": 3}', "bad_value"),
        ('{"type": "stroke", "points": [[Infinity, 0.2]], "size": 3}', "bad_value"),
        (stroke(size=0), "bad_size"),
        (stroke(size=MAX_BRUSH_SIZE + 1), "bad_size"),
        (stroke(size="big"), "bad_value"),
        (stroke(id=""), "bad_id"),
        (stroke(id="x" * (MAX_STROKE_ID_CHARS + 1)), "bad_id"),
        (stroke(id="a b"), "bad_id"),
        (stroke(id="abc\n"), "bad_id"),
        (stroke(id=17), "bad_id"),
        # Integers too long for a float (over 308 digits), as a coordinate and as a size
        ('{"type": "stroke", "points": [[1%s, 0.2]], "size": 3}' % ("0" * 309), "bad_value"),
        ('{"type": "stroke", "points": [[0.2, 0.2]], "size": -9%s}' % ("9" * 400), "bad_value"),
        # Longer than Python will read an integer from text at all
        ('{"type": "stroke", "points": [[1%s, 0.2]], "size": 3}' % ("0" * 5000), "bad_json"),
        (stroke(tool="spray"), "bad_tool"),
        (stroke(color="rainbow"), "bad_color"),
        (stroke(color="#12345"), "bad_color"),
        (stroke(color="#12345g"), "bad_color"),
        (stroke(color="red "), "bad_color"),
        (stroke(color=None), "bad_color"),
        (stroke(color=[255, 0, 0]), "bad_color"),
        ("[" * 100000 + "]" * 100000, "too_big"),
        ("[" * 5000 + "]" * 5000, "bad_json"),
    ],
)
def test_malformed_messages_are_refused_with_a_code(text, code):
    assert error_code(text) == code


def test_stroke_with_too_many_points_is_refused():
    points = [[0.5, 0.5]] * (MAX_POINTS_PER_STROKE + 1)
    assert error_code(stroke(points=points)) == "too_many_points"


def test_stroke_with_the_most_points_allowed_is_accepted():
    points = [[0.12345, 0.5]] * MAX_POINTS_PER_STROKE
    assert len(parse_client_message(stroke(points=points)).points) == MAX_POINTS_PER_STROKE


def test_oversized_message_is_refused_before_parsing():
    text = stroke(padding="x" * MAX_MESSAGE_BYTES)
    assert error_code(text) == "too_big"


def test_binary_frame_is_refused():
    assert error_code(b"{}") == "not_text"


def test_pen_is_the_default_tool():
    message = parse({"type": "stroke", "points": [[0.3, 0.3]], "size": 3})
    assert message.tool == "pen"


def test_stroke_without_a_colour_is_black_and_saved_as_before_crayons():
    message = parse({"type": "stroke", "points": [[0.3, 0.3]], "size": 3, "tool": "pen"})
    assert message.color == "black"
    assert message.as_json() == {"points": [[0.3, 0.3]], "size": 3.0, "tool": "pen"}


@pytest.mark.parametrize(("color", "saved"), [("red", "red"), ("#A0b1C2", "#a0b1c2")])
def test_crayon_colour_is_kept_with_the_stroke(color, saved):
    message = parse({"type": "stroke", "points": [[0.3, 0.3]], "size": 3, "color": color})
    assert message.as_json()["color"] == saved


def test_eraser_strokes_carry_no_colour():
    message = parse({"type": "stroke", "points": [[0.3, 0.3]], "size": 3, "tool": "eraser",
                     "color": "blue"})
    assert "color" not in message.as_json()


def test_page_gets_every_palette_colour_as_hex():
    limits = page_protocol()
    assert list(limits["palette"]) == list(PALETTE)
    assert limits["palette"]["black"] == "#{:02x}{:02x}{:02x}".format(*PALETTE["black"])
    assert limits["default_color"] == "black"


def test_rate_limiter_allows_a_burst_then_refuses_then_refills():
    now = [0.0]
    limiter = RateLimiter(rate=10, burst=MESSAGE_BURST, clock=lambda: now[0])
    assert all(limiter.allow() for _ in range(MESSAGE_BURST))
    assert not limiter.allow()
    now[0] += 0.5  # five tokens come back at 10 per second
    assert sum(limiter.allow() for _ in range(10)) == 5


def test_stroke_id_is_kept_and_saved_with_the_stroke():
    message = parse_client_message(stroke(id="k3x-9_" + "z" * (MAX_STROKE_ID_CHARS - 6)))
    assert message.id == "k3x-9_" + "z" * (MAX_STROKE_ID_CHARS - 6)
    assert message.as_json()["id"] == message.id
    assert "id" not in parse_client_message(stroke()).as_json()
