"""The Celery task that turns one saved revision of a drawing into a picture.

Runs on a GPU worker (queue gen.<category>) or, in the embedded default, on a thread
of the web process. It receives ids only, reads the strokes from the database, skips
revisions that are already stale, and announces the result on the drawing's group.
"""
import hashlib
import logging
import time
from pathlib import Path

import numpy as np
from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, close_old_connections

from inference.files import write_atomically
from inference.png import encode_png
from inference.rasterize import rasterize, rasterize_hints
from inference.registry import ModelUnavailable, get_registry

from ..models import Drawing
from .events import announce
from .models import Generation

log = logging.getLogger(__name__)


def picture_path(drawing_id, revision: int, version: str) -> str:
    """A media path unique to drawing + revision + model, so no browser shows a stale picture."""
    tag = hashlib.sha1(f"{drawing_id}:{revision}:{version}".encode()).hexdigest()[:10]
    return f"pictures/{drawing_id}/r{revision}-{tag}.png"


def save_png(relative: str, image) -> None:
    """Write the picture under MEDIA_ROOT; a reader never sees half a file."""
    data = encode_png(np.asarray(image))
    write_atomically(Path(settings.MEDIA_ROOT) / relative,
                     lambda temporary: temporary.write_bytes(data))


@shared_task(name="pictures.generate", acks_late=True, ignore_result=True)
def generate(drawing_id: str, revision: int) -> str:
    """Make the picture for `revision` of the drawing; returns what happened, for logs."""
    close_old_connections()
    started = time.perf_counter()
    drawing = Drawing.objects.filter(pk=drawing_id).first()
    if drawing is None:
        return "gone"
    if drawing.revision != revision:
        return "stale"
    strokes = drawing.visible_strokes()
    if not strokes:
        return "empty"
    existing = Generation.objects.filter(drawing=drawing, revision=revision).first()
    if existing is not None:
        announce(drawing_id, existing.done_event())
        return "exists"
    sketch = rasterize(strokes)
    try:
        picture = get_registry().generate(drawing.category, sketch,
                                          hints=rasterize_hints(strokes))
    except ModelUnavailable as unavailable:
        announce(drawing_id, {"type": "gen.unavailable", "revision": revision,
                              "category": drawing.category, "reason": unavailable.reason})
        return "unavailable"
    relative = picture_path(drawing_id, revision, picture.version)
    save_png(relative, picture.image)
    total_ms = (time.perf_counter() - started) * 1000
    generation = Generation(
        drawing=drawing, revision=revision, category=drawing.category,
        model_version=picture.version, image=relative,
        model_ms=picture.model_ms, total_ms=total_ms,
    )
    try:
        generation.save()
    except IntegrityError:
        log.info("revision %s of %s was already pictured", revision, drawing_id)
    announce(drawing_id, generation.done_event())
    return "done"
