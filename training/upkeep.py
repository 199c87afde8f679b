"""The retraining books kept by the training worker, never by a page view: new model files are
registered as ModelVersion rows, dataset folders made by commands as TrainingDataset rows, and
runs whose worker went silent are marked interrupted.

keep_books() runs when a worker of the training queue starts (Celery's worker_ready), every
UPKEEP_INTERVAL_S from the beat entry in settings.CELERY_BEAT_SCHEDULE, and at the start of each
training task when the last upkeep in this process is older than UPKEEP_INTERVAL_S (in the
embedded default that is the first use of the in-process runner).
"""
import logging
import threading
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from training.bookkeeping import mark_interrupted_runs, sync_datasets, sync_model_versions
from training.queues import TRAINING_QUEUE

logger = logging.getLogger(__name__)

UPKEEP_INTERVAL_S = settings.TRAINING_UPKEEP_INTERVAL_S

_last_upkeep = float("-inf")
_last_upkeep_lock = threading.Lock()


@shared_task(name="training.keep_books", ignore_result=True)
def keep_books() -> dict:
    """Register model files and dataset folders new to the database and mark silent runs
    interrupted; returns what changed (for logs)."""
    global _last_upkeep
    with _last_upkeep_lock:
        _last_upkeep = time.monotonic()
    synced = sync_model_versions()
    for problem in synced.unreadable:
        logger.warning("model file not registered: %s", problem)
    datasets = sync_datasets()
    for problem in datasets.unreadable:
        logger.warning("dataset not registered: %s", problem)
    return {"registered": [str(row) for row in synced.registered],
            "datasets": [row.name for row in datasets.registered],
            "interrupted": mark_interrupted_runs()}


def keep_books_if_due(clock=time.monotonic) -> bool:
    """keep_books() unless this process did it less than UPKEEP_INTERVAL_S ago; True if it ran."""
    with _last_upkeep_lock:
        if clock() - _last_upkeep < UPKEEP_INTERVAL_S:
            return False
    keep_books()
    return True


def consumes_training_queue(consumer) -> bool:
    return TRAINING_QUEUE in consumer.app.amqp.queues.consume_from


@worker_ready.connect
def keep_books_when_a_training_worker_starts(sender, **kwargs) -> None:
    if consumes_training_queue(sender):
        logger.info("training worker ready: %s", keep_books())
