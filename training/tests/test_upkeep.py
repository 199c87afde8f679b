"""The retraining upkeep: run by the training worker at start-up and on a beat, never by pages."""
from types import SimpleNamespace

import pytest
from celery.signals import worker_ready
from django.conf import settings

from inference.testing import make_trained_model
from training import upkeep
from training.models import HEARTBEAT_TIMEOUT_S, ModelVersion, TrainingRun
from training.tasks import TRAINING_QUEUE

from .retrain_cast import ready_dataset
from .test_retrain_faults import running_run

pytest_plugins = ["training.tests.retrain_fixtures"]


class worker_consuming:  # noqa: N801  (reads as a phrase at the call)
    """What worker_ready hands its receivers (a Celery consumer), reduced to what upkeep reads."""

    def __init__(self, *queues):
        self.app = SimpleNamespace(amqp=SimpleNamespace(
            queues=SimpleNamespace(consume_from={queue: object() for queue in queues})))


@pytest.fixture(autouse=True)
def no_awake_beat(monkeypatch):
    """worker_ready also starts the picture worker's awake beat, a thread that would go on
    marking panda awake in this test process (under whatever Redis prefix later tests set)."""
    from drawapp.pictures import awake

    beats = []
    monkeypatch.setattr(awake, "beat", lambda categories, stop: beats.append(categories))
    return beats


@pytest.fixture
def books_to_keep(retrain_dirs):
    """An unregistered active model file and a running run whose worker went silent."""
    make_trained_model(retrain_dirs.MODELS_DIR, "panda", "shipped", steps=1)
    return running_run(ready_dataset(retrain_dirs), "panda-silent", HEARTBEAT_TIMEOUT_S + 5)


@pytest.mark.django_db
def test_a_starting_training_worker_registers_models_and_marks_silent_runs(books_to_keep):
    worker_ready.send(sender=worker_consuming("gen.panda", TRAINING_QUEUE))

    assert ModelVersion.objects.get(version="shipped").status == "active"
    books_to_keep.refresh_from_db()
    assert books_to_keep.status == "interrupted" and "no heartbeat" in books_to_keep.error


@pytest.mark.django_db
def test_a_starting_picture_worker_leaves_the_training_books_alone(books_to_keep, no_awake_beat):
    worker_ready.send(sender=worker_consuming("gen.panda", "gen.car"))

    assert no_awake_beat == [["panda", "car"]]  # it says it is awake for what it serves

    assert not ModelVersion.objects.exists()
    books_to_keep.refresh_from_db()
    assert books_to_keep.status == "running"


@pytest.mark.django_db
def test_upkeep_before_a_task_runs_at_most_once_per_interval(books_to_keep, monkeypatch):
    monkeypatch.setattr(upkeep, "_last_upkeep", float("-inf"))
    now = [1000.0]

    assert upkeep.keep_books_if_due(clock=lambda: now[0]) is True
    TrainingRun.objects.filter(pk=books_to_keep.pk).update(status="running")
    now[0] += 1  # keep_books stamped the real monotonic clock; compare against it
    assert upkeep.keep_books_if_due() is False
    books_to_keep.refresh_from_db()
    assert books_to_keep.status == "running"
    assert upkeep.keep_books_if_due(clock=lambda: upkeep._last_upkeep
                                    + upkeep.UPKEEP_INTERVAL_S) is True
    books_to_keep.refresh_from_db()
    assert books_to_keep.status == "interrupted"


def test_the_beat_queues_the_upkeep_on_the_training_queue_and_lets_stale_entries_expire():
    from drawapp.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["training-upkeep"]
    assert entry["task"] == upkeep.keep_books.name and entry["task"] in app.tasks
    assert entry["schedule"] == upkeep.UPKEEP_INTERVAL_S
    assert entry["options"]["expires"] <= entry["schedule"]
    assert app.amqp.router.route({}, entry["task"])["queue"].name == TRAINING_QUEUE
