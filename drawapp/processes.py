"""Start the production pieces as real processes (Daphne, a Celery worker) for tests and benches."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .protocol import SERVER_FRAME_BYTES

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_of_this_connection() -> str:
    """A DATABASE_URL for the database this process is using now (the test database in tests)."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "postgresql":
        user = params.get("USER") or ""
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
        return f"postgres://{auth}{host}/{params['NAME']}"
    return f"sqlite:///{params['NAME']}"


def child_environment(database_url: str, media_root, models_dir, **extra) -> dict:
    """The environment for a child process of the studio: which database, media and models."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "drawapp.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "MODELS_DIR": str(models_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port} within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _logged_process(command: list[str], env: dict, log_path: Path):
    """Run `command` with its output appended to `log_path`; stop it when the block ends."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
        )
    try:
        yield process
    finally:
        _stop(process)


@contextmanager
def daphne_process(env: dict, log_path: Path):
    """Daphne serving the studio on a free port, with the production frame cap; yields
    (base URL 'http://127.0.0.1:PORT', the process)."""
    port = free_port()
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
               "--websocket-max-message-size", str(SERVER_FRAME_BYTES), "drawapp.asgi:application"]
    with _logged_process(command, env, log_path) as process:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process


@contextmanager
def daphne_server(env: dict, log_path: Path):
    """Daphne serving the studio on a free port; yields the base URL 'http://127.0.0.1:PORT'."""
    with daphne_process(env, log_path) as (base_url, _):
        yield base_url


@contextmanager
def celery_worker(env: dict, queues: list[str], log_path: Path, name: str | None = None,
                  pool_threads: int = 0):
    """One Celery worker on the given queues, yielded once it consumes its queues; workers
    started side by side need different names. A solo pool, as the GPU workers run, or with
    pool_threads a pool of that many threads, as CPU workers run (see worker_pool)."""
    command = [str(BIN / "celery"), "-A", "drawapp", "worker", *worker_pool(pool_threads),
               "--prefetch-multiplier=1", "--without-heartbeat", "--without-mingle",
               "--without-gossip", "--loglevel=INFO", "-Q", ",".join(queues),
               "-n", f"{name or f'test-{os.getpid()}'}@%h"]
    with _logged_process(command, env, log_path) as process:
        wait_for_worker_ready(log_path, process)
        yield process


def worker_pool(threads: int) -> list[str]:
    """Celery pool options: one job at a time (solo) for 0, else `threads` jobs at once on
    threads of one process. A CPU worker makes a picture per core this way, each forward on one
    torch thread (OMP_NUM_THREADS=1): two forwards side by side made 9.98 pictures a second with
    p95 430 ms where one forward on both cores made 9.3 with p95 3.1 s (bench.classroom, 30
    children, shipped models, 2-core AVX2 CPU beside Daphne and PostgreSQL)."""
    return ["--pool=threads", f"--concurrency={threads}"] if threads else ["--pool=solo"]


def wait_for_worker_ready(log_path: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Block until the worker logs that it is ready: a worker still importing torch would
    leave every job to the workers started before it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if " ready." in log_path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited ({process.returncode}); see {log_path}")
        time.sleep(0.1)
    raise TimeoutError(f"the Celery worker was not ready within {timeout} s; see {log_path}")
