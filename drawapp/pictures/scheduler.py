"""Ask for the picture of a saved revision: queued for the drawing's category."""
from inference.categories import queue_for

from ..runner import run_task_from_async
from .tasks import generate


async def request_picture(drawing_id: str, revision: int, category: str) -> None:
    """Ask for the picture of `revision`; returns as soon as the job is queued."""
    await run_task_from_async(generate, (drawing_id, revision), queue_for(category))
