"""Every state change of retraining, in one place: the admin, the tasks and the commands call these.

do_* functions change the database (and, for promote and roll back, the registry's ACTIVE file
in the same action: do_promote and do_roll_back are the only code that writes ACTIVE). Work that
runs long (building, training) is only queued here; the task bodies live in training.tasks; the
records the worker itself keeps (model files registered, silent runs marked interrupted, the
sync with ACTIVE files), in training.bookkeeping.
"""
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from drawapp.runner import run_task
from inference.registry import (
    Registry,
    set_active_version,
    weights_path,
)
from training.bookkeeping import (  # noqa: F401  (part of the actions' interface)
    HEARTBEAT_TIMEOUT_S,
    INTERRUPTED_MESSAGE,
    DatasetSync,
    SyncResult,
    mark_interrupted_runs,
    register_dataset_folder,
    register_model_file,
    sync_datasets,
    sync_model_versions,
)
from training.models import ModelVersion, TrainingDataset, TrainingRun
from training.queues import TRAINING_QUEUE
from training.tasks import build_training_dataset, run_training

logger = logging.getLogger(__name__)

RETRAIN_PERMISSION = "training.can_retrain"


class RetrainError(Exception):
    """An admin request that cannot be done as asked; the message is shown to the admin."""


def can_retrain(user) -> bool:
    """Staff with the dedicated permission (superusers have every permission)."""
    return bool(user.is_active and user.is_staff and user.has_perm(RETRAIN_PERMISSION))


# Datasets -------------------------------------------------------------------------------------

def resolve_source_folder(folder: str | Path) -> Path:
    """A server folder an admin named, resolved; it must lie inside settings.TRAINING_SOURCES_DIR
    (relative names are taken from there). Symbolic links are followed before the check."""
    root = Path(settings.TRAINING_SOURCES_DIR).resolve()
    path = Path(folder).expanduser()
    resolved = (path if path.is_absolute() else root / path).resolve()
    if not resolved.is_relative_to(root):
        raise RetrainError(f"{folder} is outside the sources folder {root}; put the photos in a "
                           "folder inside it")
    if not resolved.is_dir():
        raise RetrainError(f"{resolved} is not a folder")
    return resolved


def do_build_dataset(dataset: TrainingDataset) -> TrainingDataset:
    """Queue a (re)build of the dataset on the training queue."""
    if not dataset.can_build_here:
        raise RetrainError(f"{dataset.name} was made by a command "
                           f"({dataset.get_source_kind_display()}); make it again with that "
                           "command, which registers it here")
    if dataset.source_kind == TrainingDataset.SourceKind.FOLDER:
        resolve_source_folder(dataset.source_path)
    elif not Path(dataset.source_path).is_file():
        raise RetrainError(f"the uploaded zip of {dataset.name} is gone from {dataset.source_path}")
    with transaction.atomic():
        queued = TrainingDataset.objects.filter(pk=dataset.pk).exclude(
            status__in=[TrainingDataset.Status.QUEUED, TrainingDataset.Status.BUILDING],
        ).update(status=TrainingDataset.Status.QUEUED, error="")
        if not queued:
            raise RetrainError(f"dataset {dataset.name} is already being built")
        if TrainingRun.objects.filter(dataset=dataset, status__in=TrainingRun.ACTIVE).exists():
            raise RetrainError(f"dataset {dataset.name} is in use by a training run; wait for it "
                               "or cancel it before rebuilding")
        transaction.on_commit(
            lambda: run_task(build_training_dataset, (dataset.pk,), TRAINING_QUEUE))
    dataset.refresh_from_db()
    return dataset


# Runs -----------------------------------------------------------------------------------------

def do_start_run(dataset: TrainingDataset, options: dict, user=None) -> TrainingRun:
    """Create a queued run of the trainer on `dataset` with `options` (TrainConfig fields)."""
    from training.trainer import TrainConfig, new_run_id

    if dataset.status != TrainingDataset.Status.READY:
        raise RetrainError(f"dataset {dataset.name} is {dataset.get_status_display()}; build it "
                           "first")
    run_id = new_run_id(dataset.category, settings.TRAINING_RUNS_DIR, settings.MODELS_DIR,
                        taken=lambda name: TrainingRun.objects.filter(run_id=name).exists())
    try:
        config = TrainConfig(**{**options, "category": dataset.category, "dataset": dataset.name,
                                "version": run_id})
    except (TypeError, ValueError) as error:
        raise RetrainError(f"these options cannot train: {error}") from error
    with transaction.atomic():
        run = TrainingRun.objects.create(
            run_id=run_id, category=dataset.category, dataset=dataset, config=config.to_dict(),
            status=TrainingRun.Status.QUEUED, attempt=1, created_by=user,
            run_dir=str(Path(settings.TRAINING_RUNS_DIR) / run_id),
            total_steps=config.steps,
        )
        transaction.on_commit(lambda: run_task(run_training, (run.pk,), TRAINING_QUEUE))
    return run


def do_cancel_run(run: TrainingRun) -> TrainingRun:
    """A queued run is cancelled at once; a running one stops after its next step, keeping a
    checkpoint (the worker's should_stop reads the flag)."""
    now = timezone.now()
    runs = TrainingRun.objects.filter(pk=run.pk)
    if not runs.filter(status=TrainingRun.Status.QUEUED).update(
            status=TrainingRun.Status.CANCELLED, cancel_requested=True, finished_at=now):
        if not runs.filter(status=TrainingRun.Status.RUNNING).update(cancel_requested=True):
            run.refresh_from_db()
            raise RetrainError(f"run {run.run_id} is {run.get_status_display()}; only queued or "
                               "running runs can be cancelled")
    run.refresh_from_db()
    return run


def do_resume_run(run: TrainingRun) -> TrainingRun:
    """Queue a cancelled, interrupted or failed run again; it goes on from its last checkpoint
    (or from the start when it never wrote one)."""
    mark_interrupted_runs()  # a run the page showed as interrupted is marked so before resuming
    with transaction.atomic():
        queued = TrainingRun.objects.filter(pk=run.pk, status__in=TrainingRun.RESUMABLE).update(
            status=TrainingRun.Status.QUEUED, attempt=F("attempt") + 1, cancel_requested=False,
            error="", eta_s=None, finished_at=None,
        )
        if not queued:
            run.refresh_from_db()
            raise RetrainError(f"run {run.run_id} is {run.get_status_display()}; only cancelled, "
                               "interrupted or failed runs can be resumed")
        transaction.on_commit(lambda: run_task(run_training, (run.pk,), TRAINING_QUEUE))
    run.refresh_from_db()
    return run


# Model versions -------------------------------------------------------------------------------

def find_model_version(category: str, version: str,
                       models_dir: Path | None = None) -> ModelVersion:
    """The ModelVersion row of category/version, registering its file when it has none yet."""
    row = ModelVersion.objects.filter(category=category, version=version).first()
    if row is not None:
        return row
    try:
        path = weights_path(Path(models_dir or settings.MODELS_DIR), category, version)
    except ValueError as error:
        raise RetrainError(str(error)) from error
    if not path.is_file():
        raise RetrainError(f"there is no saved model {category}/{version} at {path}")
    try:
        return register_model_file(path)
    except (OSError, ValueError) as error:
        raise RetrainError(f"cannot register {path}: {error}") from error


def _lock_category(category: str) -> list[ModelVersion]:
    return list(ModelVersion.objects.select_for_update().filter(category=category))


def _servable_path(version: ModelVersion, models_dir: Path) -> Path:
    path = weights_path(models_dir, version.category, version.version)
    if not path.is_file():
        raise RetrainError(f"{version} has no weights file at {path}")
    if version.trained_steps < 1:
        raise RetrainError(f"{version} was never trained (its card has no training steps); "
                           "the workers would not serve it")
    return path


def _write_active(models_dir: Path, version: ModelVersion) -> None:
    try:
        set_active_version(models_dir, version.category, version.version)
    except OSError as error:
        raise RetrainError(f"could not write the ACTIVE file for {version.category}, so nothing "
                           f"changed: {error}") from error


def _register_served(models_dir: Path, category: str, served: str | None) -> ModelVersion | None:
    """The row of the version ACTIVE names when no row has it yet (its file came from elsewhere),
    so that a promote away from it can be rolled back; None when there is nothing to register."""
    path = weights_path(models_dir, category, served) if served else None
    if path is None or not path.is_file():
        return None
    try:
        return register_model_file(path)
    except (OSError, ValueError) as error:
        logger.error("cannot register the served model %s: %s", path, error)
        return None


def do_promote(version: ModelVersion, user=None, models_dir: Path | None = None) -> ModelVersion:
    """Make `version` its category's active model: the database and the ACTIVE file together.
    Workers serving the category use it from their next picture, with no restart."""
    models_dir = Path(models_dir or settings.MODELS_DIR)
    with transaction.atomic():
        rows = _lock_category(version.category)
        target = next(row for row in rows if row.pk == version.pk)
        if target.status == ModelVersion.Status.ACTIVE:
            raise RetrainError(f"{target} is already active")
        _servable_path(target, models_dir)
        served = Registry(models_dir, device="cpu").active_version(target.category)
        previous = next((row for row in rows if row.version == served), None) or \
            _register_served(models_dir, target.category, served) or next(
                (row for row in rows if row.status == ModelVersion.Status.ACTIVE), None)
        retired = Q(status=ModelVersion.Status.ACTIVE) | Q(pk=previous.pk if previous else None)
        ModelVersion.objects.filter(retired, category=target.category).update(
            status=ModelVersion.Status.RETIRED)
        target.status = ModelVersion.Status.ACTIVE
        target.replaced = previous
        target.promoted_by = user
        target.promoted_at = timezone.now()
        target.save(update_fields=["status", "replaced", "promoted_by", "promoted_at"])
        # Last, inside the transaction: if writing ACTIVE fails, the database change is undone.
        _write_active(models_dir, target)
    logger.info("promoted %s (was %s)", target, previous)
    return target


def do_roll_back(category: str, user=None, models_dir: Path | None = None) -> ModelVersion:
    """Return `category` to the version that was active before the current one; returns it."""
    models_dir = Path(models_dir or settings.MODELS_DIR)
    with transaction.atomic():
        rows = _lock_category(category)
        current = next((row for row in rows if row.status == ModelVersion.Status.ACTIVE), None)
        if current is None:
            raise RetrainError(f"{category} has no active version to roll back from")
        target = current.replaced
        if target is None:
            raise RetrainError(f"{current} has no earlier active version to roll back to")
        _servable_path(target, models_dir)
        current.status = ModelVersion.Status.RETIRED
        current.save(update_fields=["status"])
        target.status = ModelVersion.Status.ACTIVE
        target.promoted_by = user
        target.promoted_at = timezone.now()
        target.save(update_fields=["status", "promoted_by", "promoted_at"])
        _write_active(models_dir, target)
    logger.info("rolled %s back from %s to %s", category, current, target)
    return target
