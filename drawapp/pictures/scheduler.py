"""Ask for the picture of a saved revision: the drawing joins its category's line, and a
worker for the category is woken when it was not waiting already. Tells whether any worker
is awake to answer."""
import logging

from asgiref.sync import sync_to_async

from inference.categories import queue_for

from ..runner import run_task_from_async
from .line import picture_line
from .tasks import serve_pictures

log = logging.getLogger(__name__)

NO_ANSWER_S = 5.0  # a page that has no picture this long after asking hears why, if asleep
ASLEEP_MESSAGE = "The picture machine is asleep. Keep drawing: your picture comes when it wakes up!"


async def request_picture(drawing_id: str, revision: int, category: str,
                          asking_again: bool = False) -> None:
    """Ask for the picture of `revision`; returns as soon as it is in line. A broker or Redis
    that cannot be reached is logged, not raised: the stroke is saved and acknowledged, and the
    page asks again when it reconnects; `asking_again` then wakes a worker even if the drawing
    is still in line (the wake-up sent when it joined may be the thing that was lost)."""
    line = picture_line()
    try:
        if line.in_memory:
            joined = line.offer(drawing_id, revision, category)
        else:  # a Redis round trip: off the event loop
            joined = await sync_to_async(line.offer, thread_sensitive=False)(
                drawing_id, revision, category)
        if joined or asking_again:
            await run_task_from_async(serve_pictures, (category,), queue_for(category))
    except Exception:
        log.exception("could not ask for the picture of %s r%s", drawing_id, revision)


async def picture_machine_asleep(category: str) -> bool:
    """True when no worker serving `category` is awake (never in the embedded default)."""
    line = picture_line()
    if line.in_memory:
        return False
    try:
        return not await sync_to_async(line.is_awake, thread_sensitive=False)(category)
    except Exception:  # Redis itself is away: then nothing can make pictures either
        return True
