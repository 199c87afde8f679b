"""The channel-layer group of a drawing and the events the picture pipeline sends to it."""
from channels.layers import get_channel_layer

from ..runner import run_coroutine


def drawing_group(drawing_id) -> str:
    """The channel-layer group every socket of one drawing listens on."""
    return f"drawing.{drawing_id}"


def announce(drawing_id, event: dict) -> None:
    """Send `event` to every socket of the drawing (from synchronous code: a task, a thread)."""
    run_coroutine(get_channel_layer().group_send, drawing_group(drawing_id), event)
