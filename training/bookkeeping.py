"""Records the training worker keeps itself: model files registered as versions (and which is
active, from the ACTIVE files), dataset folders made by commands registered as datasets, runs
whose worker went silent marked interrupted. The actions, the tasks, the commands and the
worker's upkeep call these."""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inference.categories import CATEGORIES
from inference.registry import VERSION_PATTERN, Registry, read_card
from training.datasets import MANIFEST, check_dataset_name, read_manifest
from training.models import (
    HEARTBEAT_TIMEOUT_S,
    INTERRUPTED_MESSAGE,
    ModelVersion,
    TrainingDataset,
    TrainingRun,
)

logger = logging.getLogger(__name__)


def mark_interrupted_runs(now=None) -> int:
    """Mark running runs whose heartbeat is older than HEARTBEAT_TIMEOUT_S as interrupted (they
    can be resumed); returns how many. Called by the worker's upkeep
    (training.upkeep) and before a resume; pages only show such runs as interrupted."""
    now = now or timezone.now()
    stale = Q(heartbeat_at__lt=now - timedelta(seconds=HEARTBEAT_TIMEOUT_S)) | Q(
        heartbeat_at__isnull=True)
    count = TrainingRun.objects.filter(stale, status=TrainingRun.Status.RUNNING).update(
        status=TrainingRun.Status.INTERRUPTED, error=INTERRUPTED_MESSAGE, finished_at=now,
        eta_s=None,
    )
    if count:
        logger.warning("marked %d training run(s) as interrupted", count)
    return count


def register_model_file(path: Path) -> ModelVersion:
    """The ModelVersion row of a saved model (created as a candidate when new)."""
    path = Path(path)
    card = read_card(path)
    category, version = path.parent.name, path.stem
    metrics = card.get("metrics") if isinstance(card.get("metrics"), dict) else {}
    row, created = ModelVersion.objects.get_or_create(
        category=category, version=version,
        defaults={"weights_path": str(path), "card": card, "metrics": metrics},
    )
    if not created and row.weights_path != str(path):
        row.weights_path, row.card, row.metrics = str(path), card, metrics
        row.save(update_fields=["weights_path", "card", "metrics"])
    return row


@dataclass
class SyncResult:
    registered: list[ModelVersion] = field(default_factory=list)
    active: dict[str, str | None] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def sync_model_versions(models_dir: Path | None = None) -> SyncResult:
    """Register the model files already in MODELS_DIR as ModelVersion rows; which one is active
    follows each category's ACTIVE file (that is what the workers serve)."""
    models_dir = Path(models_dir or settings.MODELS_DIR)
    registry = Registry(models_dir, device="cpu")  # reads ACTIVE only; loads no model
    result = SyncResult()
    for category in CATEGORIES:
        known = set(ModelVersion.objects.filter(category=category)
                    .values_list("version", flat=True))
        folder = models_dir / category
        for path in sorted(folder.glob("*.safetensors")) if folder.is_dir() else []:
            if path.stem in known or not VERSION_PATTERN.fullmatch(path.stem):
                continue
            try:
                result.registered.append(register_model_file(path))
            except (OSError, ValueError) as error:
                logger.error("cannot register %s: %s", path, error)
                result.unreadable.append(f"{path}: {error}")
        active = registry.active_version(category)
        result.active[category] = active
        with transaction.atomic():
            versions = ModelVersion.objects.select_for_update().filter(category=category)
            list(versions)  # lock the category's rows
            versions.filter(status=ModelVersion.Status.ACTIVE).exclude(version=active or "") \
                .update(status=ModelVersion.Status.RETIRED)
            if active:
                versions.filter(version=active).update(status=ModelVersion.Status.ACTIVE)
    for row in result.registered:
        row.refresh_from_db(fields=["status"])
    return result


# What a world dataset's manifest names as its source (training.worlds.dataset).
WORLD_SOURCE_PREFIX = "world:"


def _manifest_time(manifest: dict):
    try:
        return datetime.fromisoformat(manifest["created"])
    except (KeyError, TypeError, ValueError):
        return timezone.now()


def register_dataset_folder(folder: Path) -> TrainingDataset:
    """The TrainingDataset row of a dataset folder, made ready from its manifest: created for a
    folder a command made (make_world_dataset, build_dataset), brought up to date when a
    command replaced the folder of a known name. A dataset the admin is building is left
    alone. Raises ValueError (or OSError) for a folder that is not a readable dataset."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    category = manifest.get("category")
    if category not in CATEGORIES:
        raise ValueError(f"{folder} is a dataset of {category!r}, not of a known category")
    name = check_dataset_name(folder.name)
    splits = [pair.get("split") for pair in manifest.get("pairs", [])]
    source = str(manifest.get("source", ""))
    kind = (TrainingDataset.SourceKind.WORLD if source.startswith(WORLD_SOURCE_PREFIX)
            else TrainingDataset.SourceKind.COMMAND)
    values = {
        "category": category, "status": TrainingDataset.Status.READY,
        "edge_method": str(manifest.get("edge_method", ""))[:32],
        "train_pairs": splits.count("train"), "val_pairs": splits.count("val"),
        "skipped": manifest.get("skipped", []), "dataset_dir": str(folder), "error": "",
        "built_at": _manifest_time(manifest),
    }
    with transaction.atomic():
        row = TrainingDataset.objects.select_for_update().filter(name=name).first()
        if row is None:
            return TrainingDataset.objects.create(name=name, source_kind=kind,
                                                  source_path=source[:500], **values)
        if row.is_busy:
            return row
        if row.source_path != source:  # the folder is no longer what the admin built there
            values.update(source_kind=kind, source_path=source[:500], source_name="")
        TrainingDataset.objects.filter(pk=row.pk).update(**values)
    row.refresh_from_db()
    return row


@dataclass
class DatasetSync:
    registered: list[TrainingDataset] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def sync_datasets(data_dir: Path | None = None) -> DatasetSync:
    """Register the dataset folders in TRAINING_DATA_DIR that have no row yet (made by a
    command), so that the admin lists them and can train on them."""
    data_dir = Path(data_dir or settings.TRAINING_DATA_DIR)
    result = DatasetSync()
    if not data_dir.is_dir():
        return result
    known = set(TrainingDataset.objects.values_list("name", flat=True))
    for folder in sorted(data_dir.iterdir()):
        if folder.name.startswith(".") or folder.name in known \
                or not (folder / MANIFEST).is_file():
            continue
        try:
            result.registered.append(register_dataset_folder(folder))
        except (OSError, ValueError) as error:
            logger.error("cannot register dataset %s: %s", folder, error)
            result.unreadable.append(f"{folder}: {error}")
    return result
