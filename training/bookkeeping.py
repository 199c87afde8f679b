"""Records the training worker keeps itself: model files registered as versions, and runs whose
worker went silent marked interrupted. The actions and the tasks both call these."""
import logging
from datetime import timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from inference.registry import read_card
from training.models import ModelVersion, TrainingRun

logger = logging.getLogger(__name__)

# A running run whose worker has not written a heartbeat for this long is marked interrupted.
HEARTBEAT_TIMEOUT_S = 120
INTERRUPTED_MESSAGE = (
    f"The worker stopped reporting (no heartbeat for over {HEARTBEAT_TIMEOUT_S} s): it was "
    "stopped or died. Resume continues from the last checkpoint."
)


def mark_interrupted_runs(now=None) -> int:
    """Mark running runs whose heartbeat is older than HEARTBEAT_TIMEOUT_S as interrupted (they
    can be resumed); returns how many. Called by the admin pages and by every training task."""
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
