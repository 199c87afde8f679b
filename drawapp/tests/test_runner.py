"""The background runner: Celery queues with a broker, one thread per kind of work without."""
import asyncio
import threading

import pytest

from drawapp import runner


class RecordingTask:
    """Stands in for a Celery task: records where it was sent or what it ran."""

    name = "tests.recording"

    def __init__(self, body=None):
        self.body = body or (lambda *args: None)
        self.sent = []
        self.ran = []

    def run(self, *args):
        self.ran.append((threading.current_thread().name, args))
        return self.body(*args)

    def apply_async(self, args, queue):
        self.sent.append((args, queue))


def test_with_a_broker_the_job_goes_to_its_queue(settings):
    settings.RUN_TASKS_IN_PROCESS = False
    task = RecordingTask()
    runner.run_task(task, (1, 2), "gen.car")
    assert task.sent == [((1, 2), "gen.car")] and task.ran == []


def test_in_process_jobs_of_one_kind_share_a_thread_and_another_kind_does_not(settings):
    settings.RUN_TASKS_IN_PROCESS = True
    release = threading.Event()
    training = RecordingTask(lambda: release.wait(10))
    picture = RecordingTask()
    runner.run_task(training, (), "training")
    runner.run_task(picture, ("a",), "gen.panda")
    runner.run_task(picture, ("b",), "gen.car")
    with pytest.raises(TimeoutError):
        runner.wait_until_idle(timeout=0.5)  # the retrain still runs...
    assert [args for _, args in picture.ran] == [("a",), ("b",)]  # ...the pictures did not wait
    release.set()
    runner.wait_until_idle()
    assert {thread.split("_")[0] for thread, _ in picture.ran} == {"gen"}
    assert training.ran[0][0].startswith("training")


def test_waiting_until_idle_includes_jobs_that_jobs_queued(settings):
    settings.RUN_TASKS_IN_PROCESS = True
    follow_up = RecordingTask(lambda: threading.Event().wait(0.2))
    first = RecordingTask(lambda: runner.run_task(follow_up, (), "gen.panda"))
    runner.run_task(first, (), "gen.panda")
    runner.wait_until_idle()
    assert len(follow_up.ran) == 1


def test_a_failing_job_is_logged_and_the_thread_goes_on(settings, caplog):
    settings.RUN_TASKS_IN_PROCESS = True
    runner.run_task(RecordingTask(lambda: 1 / 0), (), "gen.panda")
    after = RecordingTask()
    runner.run_task(after, (), "gen.panda")
    runner.wait_until_idle()
    assert len(after.ran) == 1
    assert "in-process tests.recording() failed" in caplog.text


def test_a_job_queued_while_the_process_shuts_down_is_dropped_quietly(settings, monkeypatch):
    """At interpreter shutdown executors refuse new work; the runner must not raise into the
    consumer nor leave wait_until_idle waiting for a job that never runs."""
    settings.RUN_TASKS_IN_PROCESS = True
    closed = runner.ThreadPoolExecutor(max_workers=1)
    closed.shutdown()
    monkeypatch.setattr(runner, "_executor", lambda queue: closed)
    task = RecordingTask()
    runner.run_task(task, (), "gen.panda")
    runner.wait_until_idle(timeout=1)
    assert task.ran == []


def test_a_worker_runs_its_coroutines_on_one_loop_it_keeps():
    # A Celery worker has no loop that queued its job: every announcement goes to one loop of
    # the process's own, so the Redis channel layer's pooled connection is kept between them.
    loops = []

    async def note(tag):
        loops.append((tag, asyncio.get_running_loop()))

    runner.run_coroutine(note, "first")
    runner.run_coroutine(note, "second")

    assert [tag for tag, _ in loops] == ["first", "second"]
    assert loops[0][1] is loops[1][1] is runner.worker_loop()
    assert loops[0][1].is_running()
