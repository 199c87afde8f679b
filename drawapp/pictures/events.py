"""The channel-layer group of a drawing and the events the picture pipeline sends to it."""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def drawing_group(drawing_id) -> str:
    """The channel-layer group every socket of one drawing listens on."""
    return f"drawing.{drawing_id}"


def announce(drawing_id, event: dict) -> None:
    """Send `event` to every socket of the drawing (from synchronous code: a task, a thread)."""
    async_to_sync(get_channel_layer().group_send)(drawing_group(drawing_id), event)
