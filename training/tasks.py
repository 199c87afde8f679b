"""The Celery tasks of the `training` queue: build a dataset, run (or resume) a training run.

With a broker they run on the training worker (`-Q training`, one task at a time, acks_late).
In the embedded default (settings.RUN_TASKS_IN_PROCESS) drawapp.runner runs the same task
bodies in the web process on its training thread, one after another.
"""
import json
import logging
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from training.bookkeeping import mark_interrupted_runs, register_model_file
from training.models import ERROR_CHARS, LOG_TAIL_CHARS, TrainingDataset, TrainingRun
from training.queues import TRAINING_QUEUE  # noqa: F401  (the queue these tasks run on)
from training.upkeep import keep_books_if_due

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 1.0  # progress rows are written at most this often (and at the end)
CANCEL_CHECK_INTERVAL_S = 1.0  # should_stop reads the cancel flag at most this often
HEARTBEAT_INTERVAL_S = 20.0  # also while no step reports (start-up, validation, export)
LOG_STEP_EVERY_S = 15.0  # a "step n/N, losses" line in the log tail this often

# Building datasets ----------------------------------------------------------------------------

@shared_task(name="training.build_dataset", acks_late=True, ignore_result=True)
def build_training_dataset(dataset_pk: int) -> str:
    """Build a queued TrainingDataset with training.build.build_dataset; returns what happened."""
    from training.build import BuildError, build_dataset

    close_old_connections()
    keep_books_if_due()
    now = timezone.now()
    if not TrainingDataset.objects.filter(pk=dataset_pk, status=TrainingDataset.Status.QUEUED) \
            .update(status=TrainingDataset.Status.BUILDING, error="", started_at=now,
                    progress_at=now, files_done=0, files_total=None, eta_s=None):
        return "not queued"
    dataset = TrainingDataset.objects.get(pk=dataset_pk)
    rows = TrainingDataset.objects.filter(pk=dataset_pk, status=TrainingDataset.Status.BUILDING)
    try:
        result = build_dataset(dataset.category, dataset.source_path, dataset.name,
                               edges=dataset.edges, overwrite=True, progress=False,
                               on_progress=BuildProgress(rows))
    except BuildError as error:
        rows.update(status=TrainingDataset.Status.FAILED, error=str(error), eta_s=None,
                    skipped=[{"file": s.file, "reason": s.reason} for s in error.skipped])
        return "failed"
    except Exception as error:  # SourceError, HedWeightsUnavailable, OSError, ...: all shown
        logger.exception("building dataset %s failed", dataset.name)
        rows.update(status=TrainingDataset.Status.FAILED, error=_error_text(error), eta_s=None)
        return "failed"
    rows.update(
        status=TrainingDataset.Status.READY, edge_method=result.edge_method, eta_s=None,
        train_pairs=result.train_pairs, val_pairs=result.val_pairs,
        skipped=[{"file": entry.file, "reason": entry.reason} for entry in result.skipped],
        dataset_dir=str(result.dataset_dir), built_at=timezone.now(), error="",
    )
    return "ready"


class BuildProgress:
    """A build's on_progress: files done of the total and the time left at the rate so far,
    written into the dataset's row at most every PROGRESS_WRITE_INTERVAL_S (and at the end)."""

    def __init__(self, rows, clock=time.monotonic):
        self.rows, self.clock = rows, clock
        self.started = clock()
        self._last_write = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self._last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        self._last_write = now
        eta_s = (now - self.started) / done * (total - done) if done else None
        self.rows.update(files_done=done, files_total=total, eta_s=eta_s,
                         progress_at=timezone.now())


def _error_text(error: BaseException) -> str:
    """The exception's own words first, then the end of its traceback."""
    headline = f"{type(error).__name__}: {error}"
    trace = "".join(traceback.format_exception(error))
    return (headline + "\n\n" + trace[-(ERROR_CHARS - len(headline) - 2):])[:ERROR_CHARS]


# Training runs --------------------------------------------------------------------------------

@shared_task(name="training.run_training", acks_late=True, ignore_result=True)
def run_training(run_pk: int) -> str:
    """Train a queued TrainingRun (resuming from its checkpoint when it has one); a finished run
    becomes a candidate ModelVersion. Returns what happened, for logs."""
    close_old_connections()
    keep_books_if_due()
    mark_interrupted_runs()  # always: a run this worker takes over must not look still running
    now = timezone.now()
    if not TrainingRun.objects.filter(pk=run_pk, status=TrainingRun.Status.QUEUED).update(
            status=TrainingRun.Status.RUNNING, started_at=now, heartbeat_at=now, finished_at=None):
        return "not queued"
    session = RunSession(TrainingRun.objects.get(pk=run_pk))
    with session.heartbeat_thread():
        try:
            return session.run()
        except Exception as error:
            logger.exception("training run %s failed", session.run_id)
            session.fail(error)
            return "failed"


class RunSession:
    """One attempt at a run on this worker: the trainer's callbacks and the run's row.

    Every write is conditional on the row still being this attempt's and running, so a worker
    that was given up on (marked interrupted, then resumed elsewhere) cannot overwrite anything;
    should_stop() tells such a worker's trainer to stop.
    """

    def __init__(self, run: TrainingRun, clock=time.monotonic):
        self.clock = clock
        self.pk, self.attempt, self.run_id = run.pk, run.attempt, run.run_id
        self.config = dict(run.config)
        self.category = run.category
        self.run_dir = Path(settings.TRAINING_RUNS_DIR) / run.run_id
        self.log_tail = run.log_tail
        self._last_progress_write = float("-inf")
        self._last_log_step = clock()
        self._last_stop_check = float("-inf")
        self._stop = False

    def mine(self):
        return TrainingRun.objects.filter(pk=self.pk, attempt=self.attempt,
                                          status=TrainingRun.Status.RUNNING)

    # Callbacks the trainer calls --------------------------------------------------------------

    def should_stop(self) -> bool:
        """True once the admin asked to cancel, or this attempt is no longer the run's."""
        now = self.clock()
        if not self._stop and now - self._last_stop_check >= CANCEL_CHECK_INTERVAL_S:
            self._last_stop_check = now
            state = TrainingRun.objects.filter(pk=self.pk).values(
                "cancel_requested", "status", "attempt").first()
            self._stop = (state is None or state["cancel_requested"]
                          or state["status"] != TrainingRun.Status.RUNNING
                          or state["attempt"] != self.attempt)
        return self._stop

    def progress(self, step: int, total: int, losses: dict, eta_s: float) -> None:
        now = self.clock()
        if step < total and now - self._last_progress_write < PROGRESS_WRITE_INTERVAL_S:
            return
        self._last_progress_write = now
        if now - self._last_log_step >= LOG_STEP_EVERY_S or step == total:
            self._last_log_step = now
            summary = ", ".join(f"{name} {value:.4g}" for name, value in losses.items())
            self._append_log(f"step {step}/{total}: {summary}")
        self.mine().update(step=step, total_steps=total, eta_s=eta_s, losses=losses,
                           heartbeat_at=timezone.now(), log_tail=self.log_tail, **self._files())

    def log(self, message: str) -> None:
        logger.info("%s: %s", self.run_id, message)
        self._append_log(message)
        self.mine().update(log_tail=self.log_tail, heartbeat_at=timezone.now())

    def _append_log(self, message: str) -> None:
        stamp = timezone.now().strftime("%H:%M:%S")
        self.log_tail = (self.log_tail + f"[{stamp}] {message}\n")[-LOG_TAIL_CHARS:]

    def _files(self) -> dict:
        """Paths of the run's newest checkpoint, sample grid and loss curve, where they exist."""
        from training.trainer import CHECKPOINT_DIR, CHECKPOINT_STATE, RUN_FILES

        checkpoint = self.run_dir / CHECKPOINT_DIR / CHECKPOINT_STATE
        samples = sorted((self.run_dir / RUN_FILES["samples"]).glob("step_*.png"))
        curve = self.run_dir / RUN_FILES["loss_curve"]
        return {
            "checkpoint_path": str(checkpoint) if checkpoint.is_file() else "",
            "sample_grid_path": str(samples[-1]) if samples else "",
            "loss_curve_path": str(curve) if curve.is_file() else "",
        }

    @contextmanager
    def heartbeat_thread(self):
        """Beat every HEARTBEAT_INTERVAL_S while this task lives, even between progress reports;
        when the worker process dies, the beats stop and the run is marked interrupted."""
        stop = threading.Event()

        def beat():
            try:
                while not stop.wait(HEARTBEAT_INTERVAL_S):
                    self.mine().update(heartbeat_at=timezone.now())
            finally:
                connections.close_all()

        thread = threading.Thread(target=beat, name=f"heartbeat-{self.run_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    # The run ----------------------------------------------------------------------------------

    def run(self) -> str:
        from inference.registry import weights_path
        from training.trainer import CHECKPOINT_DIR, CHECKPOINT_STATE, TrainConfig, Trainer

        exported = weights_path(settings.MODELS_DIR, self.category, self.run_id)
        if exported.is_file():  # an earlier attempt died after exporting: only the books remain
            self.log(f"model {exported.name} was already exported; registering it")
            return self.succeed(exported)
        options = {"should_stop": self.should_stop, "progress": self.progress, "log": self.log,
                   "models_dir": settings.MODELS_DIR}
        if (self.run_dir / CHECKPOINT_DIR / CHECKPOINT_STATE).is_file():
            trainer = Trainer.resume(str(self.run_dir), **options)
            self.log(f"resuming from the checkpoint at step {trainer.step}")
        else:
            trainer = Trainer(TrainConfig.from_dict(self.config), run_id=self.run_id,
                              runs_dir=settings.TRAINING_RUNS_DIR, **options)
        self.mine().update(step=trainer.step, total_steps=trainer.total_steps,
                           run_dir=str(trainer.run_dir), heartbeat_at=timezone.now())
        result = trainer.train()
        if result.stopped:
            return self.stopped(result.step)
        return self.succeed(result.model_path)

    def stopped(self, step: int) -> str:
        cancelled = self.mine().filter(cancel_requested=True).update(
            status=TrainingRun.Status.CANCELLED, step=step, eta_s=None,
            finished_at=timezone.now(), log_tail=self.log_tail, **self._files())
        return "cancelled" if cancelled else "superseded"

    def succeed(self, model_path: Path) -> str:
        from training.trainer import RUN_FILES

        version = register_model_file(model_path)
        metrics_file = self.run_dir / RUN_FILES["metrics"]
        metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
        updated = self.mine().update(
            status=TrainingRun.Status.SUCCEEDED, model_version=version, metrics=metrics,
            step=metrics.get("step", version.trained_steps), eta_s=0,
            finished_at=timezone.now(), log_tail=self.log_tail, **self._files())
        return "succeeded" if updated else "superseded"

    def fail(self, error: BaseException) -> None:
        self._append_log(f"failed: {type(error).__name__}: {error}")
        self.mine().update(status=TrainingRun.Status.FAILED, error=_error_text(error),
                           eta_s=None, finished_at=timezone.now(), log_tail=self.log_tail,
                           **self._files())
