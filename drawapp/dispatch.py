"""Queue a picture for a saved revision: on the category's Celery queue, or in this process.

With a broker (REDIS_URL) the job goes to `gen.<category>` and a GPU worker runs it. In the
embedded default the same task body runs here, on one background thread, so the event loop
never waits for the generator and jobs run one at a time (stale ones are skipped).
"""
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from inference.categories import queue_for

from .pictures.tasks import generate

log = logging.getLogger(__name__)

_in_process_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate")
_running: set[asyncio.Task] = set()


def _generate_here(drawing_id: str, revision: int) -> str:
    """The task body on the in-process thread, which must not keep a database connection."""
    try:
        return generate.run(drawing_id, revision)
    finally:
        close_old_connections()


def _send_to_queue(drawing_id: str, revision: int, category: str) -> None:
    generate.apply_async(args=(drawing_id, revision), queue=queue_for(category))


async def request_picture(drawing_id: str, revision: int, category: str) -> None:
    """Ask for the picture of `revision`; returns as soon as the job is queued."""
    if settings.GENERATE_IN_PROCESS:
        run = sync_to_async(_generate_here, thread_sensitive=False, executor=_in_process_executor)
        job = asyncio.create_task(run(drawing_id, revision))
        _running.add(job)
        job.add_done_callback(_finished)
    else:
        await sync_to_async(_send_to_queue, thread_sensitive=False)(drawing_id, revision, category)


def _finished(job: asyncio.Task) -> None:
    _running.discard(job)
    if not job.cancelled() and job.exception() is not None:
        log.error("in-process generation failed", exc_info=job.exception())
