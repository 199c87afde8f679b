"""The Celery task that serves a category's line of drawings: a batch of pictures per forward.

Runs on a GPU worker (queue gen.<category>) or, in the embedded default, on the web process's
picture thread. Each job takes up to max_batch() drawings from the category's line (see line.py:
newest revision of each, round robin), reads their strokes from the database, runs them
through the generator as one batch, stores each picture under a name unique to drawing +
revision and announces it on the drawing's group.
"""
import hashlib
import logging
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, close_old_connections

from inference.categories import queue_for
from inference.files import write_atomically
from inference.png import encode_png
from inference.rasterize import rasterize, rasterize_hints
from inference.registry import ModelUnavailable, get_registry

from ..models import Drawing
from ..runner import run_task
from . import awake  # noqa: F401  (workers that load the task say they are awake)
from .events import announce
from .line import picture_line
from .models import Generation

log = logging.getLogger(__name__)

# Drawings of one category in one forward, by the device the registry serves on. On the CPU a
# batch saves nothing: per picture, the starter models took the same or longer in batches of
# 2, 4 and 8 as alone (car 60/44/61/63 ms, panda 39/37/38/40, shoe 55/71/83/83; one thread,
# best of ten), so each drawing gets its own forward there. On a GPU one forward of many
# drawings costs little more than one of a single drawing.
MAX_BATCH = {"cpu": 1, "cuda": 16}
BATCH_WAIT_S = 0.005  # a worker that finds fewer waits this long, once, for more to arrive


def picture_path(drawing_id, revision: int, version: str) -> str:
    """A media path unique to drawing + revision + model, so no browser shows a stale picture."""
    tag = hashlib.sha1(f"{drawing_id}:{revision}:{version}".encode()).hexdigest()[:10]
    return f"pictures/{drawing_id}/r{revision}-{tag}.png"


def save_png(relative: str, image) -> None:
    """Write the picture under MEDIA_ROOT; a reader never sees half a file."""
    data = encode_png(np.asarray(image))
    write_atomically(Path(settings.MEDIA_ROOT) / relative,
                     lambda temporary: temporary.write_bytes(data))


@shared_task(name="pictures.serve", acks_late=True, ignore_result=True)
def serve_pictures(category: str) -> str:
    """Picture the drawings waiting in the category's line; returns what happened, for logs."""
    line = picture_line()
    limit = max_batch()
    taken = line.take(category, limit)
    if not taken:
        return "nothing waiting"  # another job's batch took them
    if len(taken) < limit:
        time.sleep(BATCH_WAIT_S)
        taken += line.take(category, limit - len(taken))
    pictured: dict[str, int] = {}
    try:
        pictured = make_pictures(taken)
    except Exception:  # finished all the same: one bad drawing must not come back for ever
        log.exception("pictures of %s failed", taken)
    finally:
        back_in_line = [line.finish(drawing_id, pictured.get(drawing_id, revision), category)
                        for drawing_id, revision in taken]
        if any(back_in_line):
            run_task(serve_pictures, (category,), queue_for(category))
    return f"{len(pictured)} of {len(taken)} pictured"


def max_batch() -> int:
    return MAX_BATCH.get(get_registry().device.type, 1)


def make_pictures(taken: list[tuple[str, int]]) -> dict[str, int]:
    """Picture each drawing at its newest saved revision, those of one category in one batch;
    returns the revision each drawing was pictured (or found empty) at."""
    close_old_connections()
    started = time.perf_counter()
    drawings = Drawing.objects.in_bulk([drawing_id for drawing_id, _ in taken])
    pictured, batches = {}, defaultdict(list)
    for drawing in drawings.values():
        pictured[str(drawing.pk)] = drawing.revision  # at least the revision offered
        strokes = drawing.visible_strokes()
        if not strokes:
            continue  # an empty canvas gets no picture
        existing = Generation.objects.filter(drawing=drawing, revision=drawing.revision).first()
        if existing is not None:
            announce(drawing.pk, existing.done_event())
            continue
        batches[drawing.category].append((drawing, drawing.revision, rasterize(strokes),
                                          rasterize_hints(strokes)))
    for category, jobs in batches.items():
        try:
            pictures = get_registry().generate_batch(
                category, [sketch for _, _, sketch, _ in jobs], [hints for *_, hints in jobs])
        except ModelUnavailable as unavailable:
            for drawing, revision, *_ in jobs:
                announce(drawing.pk, {"type": "gen.unavailable", "revision": revision,
                                      "category": category, "reason": unavailable.reason})
            continue
        for (drawing, revision, *_), picture in zip(jobs, pictures, strict=True):
            publish(drawing, revision, picture, started)
    return pictured


def publish(drawing: Drawing, revision: int, picture, started: float) -> None:
    """Store the picture and its Generation row, then tell the drawing's sockets."""
    relative = picture_path(drawing.pk, revision, picture.version)
    save_png(relative, picture.image)
    generation = Generation(
        drawing=drawing, revision=revision, category=drawing.category,
        model_version=picture.version, image=relative, model_ms=picture.model_ms,
        total_ms=(time.perf_counter() - started) * 1000,
    )
    try:
        generation.save()
    except IntegrityError:
        log.info("revision %s of %s was already pictured", revision, drawing.pk)
    announce(drawing.pk, generation.done_event())
