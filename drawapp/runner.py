"""Run background work: on its Celery queue, or in this process on one thread per kind of work.

With a broker (settings.RUN_TASKS_IN_PROCESS off) a task goes to the named queue and a worker
runs it. In the embedded default the same task body runs here instead, on a thread of its own
per kind of work (the part of the queue name before the first dot: every `gen.<category>`
queue shares the "gen" thread, retrains have the "training" thread), so a retrain never holds
up pictures and jobs of one kind run one at a time, in order.
"""
import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections, reset_queries

log = logging.getLogger(__name__)

# How long a job waits to hand something to the event loop that queued it (an in-memory channel
# layer lives on that loop); a loop that has stopped is not waited for.
LOOP_HANDOFF_TIMEOUT_S = 10

_executors: dict[str, ThreadPoolExecutor] = {}
_job = threading.local()  # the event loop that queued the job running on this thread
_own_loop: tuple[int, asyncio.AbstractEventLoop] | None = None  # (pid, loop) of a worker
_own_loop_lock = threading.Lock()
_pending = 0  # jobs submitted in this process and not yet finished
_idle = threading.Condition()


def lane_of(queue: str) -> str:
    """The in-process thread a queue's jobs run on: 'gen.panda' -> 'gen'."""
    return queue.split(".", 1)[0]


def _executor(queue: str) -> ThreadPoolExecutor:
    lane = lane_of(queue)
    with _idle:
        if lane not in _executors:
            _executors[lane] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=lane)
        return _executors[lane]


def run_task(task, args: tuple, queue: str, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Run `task(*args)` on a worker of `queue`, or on this process's thread for it; returns
    once the job is queued."""
    if not settings.RUN_TASKS_IN_PROCESS:
        task.apply_async(args=args, queue=queue)
        return
    global _pending
    with _idle:
        _pending += 1
    try:
        # A job queued by a job keeps the event loop of the one that queued it.
        _executor(queue).submit(_run_here, task, args, loop or getattr(_job, "loop", None))
    except RuntimeError:
        # The interpreter is shutting down: what was saved stays saved, and the next start's
        # reconnect asks for the picture again.
        with _idle:
            _pending -= 1
            _idle.notify_all()
        log.info("not running %s%s: this process is shutting down", task.name, args)


async def run_task_from_async(task, args: tuple, queue: str) -> None:
    """run_task for the event loop: publishing to the broker is network I/O, so it runs off
    the loop; handing a job to a local thread does not block."""
    if settings.RUN_TASKS_IN_PROCESS:
        run_task(task, args, queue, asyncio.get_running_loop())
    else:
        await sync_to_async(run_task, thread_sensitive=False)(task, args, queue)


def _run_here(task, args: tuple, loop: asyncio.AbstractEventLoop | None) -> None:
    global _pending
    _job.loop = loop
    try:
        task.run(*args)
    except Exception:
        log.exception("in-process %s%s failed", task.name, args)
    finally:
        _job.loop = None
        reset_queries()  # with DEBUG on, no request ever clears this thread's query log
        connections.close_all()  # this thread's connections only: nothing keeps the db open
        with _idle:
            _pending -= 1
            _idle.notify_all()


def run_coroutine(coroutine_function, *args) -> None:
    """Run an async function from synchronous code: on the event loop that queued this job
    when there is one (the embedded default's in-memory channel layer lives there), else on
    this process's own loop (a Celery worker). A job whose loop has stopped drops the call."""
    loop = getattr(_job, "loop", None)
    if loop is None:
        loop = worker_loop()
    elif loop.is_closed() or not loop.is_running():
        log.info("the event loop that queued this job has stopped; %s is dropped",
                 coroutine_function.__qualname__)
        return
    asyncio.run_coroutine_threadsafe(coroutine_function(*args), loop).result(
        timeout=LOOP_HANDOFF_TIMEOUT_S)


def worker_loop() -> asyncio.AbstractEventLoop:
    """This process's own event loop, running on a thread of its own from the first call on.
    One loop for the process's life keeps the Redis channel layer's connections (pooled per
    loop) open between pictures: async_to_sync made a loop, and so a connection, per call."""
    global _own_loop
    with _own_loop_lock:
        if _own_loop is None or _own_loop[0] != os.getpid():  # a forked child starts its own
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="worker-loop", daemon=True).start()
            _own_loop = (os.getpid(), loop)
        return _own_loop[1]


def wait_until_idle(timeout: float = 120) -> None:
    """Block until every job run in this process has finished, including jobs those jobs
    queued (for tests: nothing may run on into the next test)."""
    with _idle:
        if not _idle.wait_for(lambda: _pending == 0, timeout=timeout):
            raise TimeoutError(f"{_pending} in-process job(s) still running after {timeout} s")
