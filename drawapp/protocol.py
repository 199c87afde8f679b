"""The drawing-room wire protocol: named limits and validation of every client message.

See docs/protocol.md. A message that breaks a rule raises ProtocolError with a short
machine-readable code and a message a person can read; nothing is saved for it.
"""

import json
import math
import re
from dataclasses import dataclass

from inference.categories import CATEGORIES
from inference.palette import DEFAULT_COLOR, PALETTE, hex_palette, is_color
from inference.rasterize import STROKE_SIZE_UNITS

MAX_MESSAGE_BYTES = 64 * 1024
# Daphne's --websocket-max-message-size (both directions): a frame over it is dropped with close
# 1009 before the consumer sees it, so it sits well above MAX_MESSAGE_BYTES and everything in
# between gets a `too_big` answer on an open socket.
SERVER_FRAME_BYTES = 4 * MAX_MESSAGE_BYTES
# The server's own messages (the state pages) stay under this; any stored stroke fits one page.
MAX_STATE_PAGE_BYTES = MAX_MESSAGE_BYTES
MAX_POINTS_PER_STROKE = 2000
MAX_STROKES_PER_DRAWING = 2000
MAX_MESSAGES_PER_SECOND = 20
MESSAGE_BURST = 40
MAX_ERRORS_BEFORE_CLOSE = 50
# A save that meets a database error (locked, connection lost) is tried this often in all, this
# long apart, before the client is told `busy`; the failed attempts were rolled back.
SAVE_ATTEMPTS = 3
SAVE_RETRY_WAIT_S = 0.2
MAX_STROKE_ID_CHARS = 64  # a stroke's optional client id: letters, digits, "-" and "_"
MIN_BRUSH_SIZE = 1.0
MAX_BRUSH_SIZE = 64.0
TOOLS = ("pen", "eraser")


def encode_message(message: dict) -> str:
    """A server message as the compact JSON text frame that goes on the wire."""
    return json.dumps(message, separators=(",", ":"))


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_message(self) -> dict:
        return {"type": "error", "code": self.code, "message": self.message}


class ServerTrouble(ProtocolError):
    """A refusal that is the server's fault (`busy`, `server_error`): answered like any other
    error, nothing saved, but never counted against the client."""


@dataclass(frozen=True)
class Stroke:
    points: list[list[float]]
    size: float
    tool: str
    color: str = DEFAULT_COLOR  # a palette name or "#rrggbb" (lower case)
    id: str | None = None  # the client's id for it: a stroke sent again is saved only once

    def as_json(self) -> dict:
        """The saved form; black pen strokes (and every eraser stroke) carry no colour, as
        strokes did before there were crayons."""
        saved = {"points": self.points, "size": self.size, "tool": self.tool}
        if self.tool == "pen" and self.color != DEFAULT_COLOR:
            saved["color"] = self.color
        if self.id is not None:
            saved["id"] = self.id
        return saved


@dataclass(frozen=True)
class Command:
    """undo, redo or clear."""

    name: str


@dataclass(frozen=True)
class ChooseCategory:
    category: str


ClientMessage = Stroke | Command | ChooseCategory


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProtocolError("bad_value", f"{what} must be a number.")
    try:
        value = float(value)
    except OverflowError:  # an integer of more than 308 digits
        raise ProtocolError("bad_value", f"{what} must be a finite number.") from None
    if not math.isfinite(value):
        raise ProtocolError("bad_value", f"{what} must be a finite number.")
    return value


STROKE_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_STROKE_ID_CHARS}}}")


def _stroke(data: dict) -> Stroke:
    points = data.get("points")
    if not isinstance(points, list) or not points:
        raise ProtocolError("bad_stroke", "A stroke needs a non-empty list of points.")
    if len(points) > MAX_POINTS_PER_STROKE:
        raise ProtocolError(
            "too_many_points", f"A stroke may have at most {MAX_POINTS_PER_STROKE} points."
        )
    clean = []
    for point in points:
        if not isinstance(point, list) or len(point) != 2:
            raise ProtocolError("bad_point", "Each point must be [x, y].")
        x, y = (_number(v, "A coordinate") for v in point)
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ProtocolError("bad_point", "Coordinates must lie in [0, 1].")
        clean.append([round(x, 5), round(y, 5)])
    size = _number(data.get("size"), "size")
    if not MIN_BRUSH_SIZE <= size <= MAX_BRUSH_SIZE:
        raise ProtocolError(
            "bad_size", f"size must be between {MIN_BRUSH_SIZE:g} and {MAX_BRUSH_SIZE:g}."
        )
    tool = data.get("tool", "pen")
    if tool not in TOOLS:
        raise ProtocolError("bad_tool", "tool must be 'pen' or 'eraser'.")
    color = data.get("color", DEFAULT_COLOR)
    if not is_color(color):
        raise ProtocolError(
            "bad_color", f"color must be one of {', '.join(PALETTE)} or #rrggbb."
        )
    stroke_id = data.get("id")
    if stroke_id is not None and not (
        isinstance(stroke_id, str) and STROKE_ID.fullmatch(stroke_id)
    ):
        raise ProtocolError(
            "bad_id", f"id must be 1 to {MAX_STROKE_ID_CHARS} letters, digits, '-' or '_'."
        )
    return Stroke(points=clean, size=size, tool=tool, color=color.lower(), id=stroke_id)


def parse_client_message(text) -> ClientMessage:
    """Validate one client frame and return the message it carries."""
    if not isinstance(text, str):
        raise ProtocolError("not_text", "Send JSON text frames.")
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_big", f"Messages may be at most {MAX_MESSAGE_BYTES} bytes.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", "That was not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "A message must be a JSON object.")
    kind = data.get("type")
    if kind == "stroke":
        return _stroke(data)
    if kind in ("undo", "redo", "clear"):
        return Command(kind)
    if kind == "category":
        category = data.get("category")
        if category not in CATEGORIES:
            raise ProtocolError("bad_category", f"category must be one of {', '.join(CATEGORIES)}.")
        return ChooseCategory(category)
    raise ProtocolError("unknown_type", "Unknown message type.")


class RateLimiter:
    """Token bucket: MAX_MESSAGES_PER_SECOND sustained, MESSAGE_BURST at once."""

    def __init__(
        self, rate: float = MAX_MESSAGES_PER_SECOND, burst: int = MESSAGE_BURST, clock=None
    ):
        import time

        self._clock = clock or time.monotonic
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._last = self._clock()

    def allow(self) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


def page_protocol() -> dict:
    """The limits the canvas page keeps to, sent to it as JSON (json_script) so they are not
    typed a second time in JavaScript."""
    return {
        "max_points_per_stroke": MAX_POINTS_PER_STROKE,
        "max_messages_per_second": MAX_MESSAGES_PER_SECOND,
        "message_burst": MESSAGE_BURST,
        "min_brush_size": MIN_BRUSH_SIZE,
        "max_brush_size": MAX_BRUSH_SIZE,
        "tools": list(TOOLS),
        "stroke_size_units": STROKE_SIZE_UNITS,
        "palette": hex_palette(),
        "default_color": DEFAULT_COLOR,
    }
