"""Records the training worker keeps itself: model files registered as versions (and which is
active, from the ACTIVE files), runs whose worker went silent marked interrupted. The actions,
the tasks and the worker's upkeep call these."""
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inference.categories import CATEGORIES
from inference.registry import VERSION_PATTERN, Registry, read_card
from training.models import (
    HEARTBEAT_TIMEOUT_S,
    INTERRUPTED_MESSAGE,
    ModelVersion,
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
