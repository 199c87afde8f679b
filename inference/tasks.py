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
from asgiref.sync import async_to_sync
from celery import shared_task
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, close_old_connections

from .models import Generation
from .png import encode_png
from .rasterize import rasterize
from .registry import ModelUnavailable, get_registry

log = logging.getLogger(__name__)


def drawing_group(drawing_id) -> str:
    """The channel-layer group every socket of one drawing listens on."""
    return f"drawing.{drawing_id}"


def picture_path(drawing_id, revision: int, version: str) -> str:
    """A media path unique to drawing + revision + model, so no browser shows a stale picture."""
    tag = hashlib.sha1(f"{drawing_id}:{revision}:{version}".encode()).hexdigest()[:10]
    return f"pictures/{drawing_id}/r{revision}-{tag}.png"


def announce(drawing_id, event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(drawing_group(drawing_id), event)


def _save_png(relative: str, image) -> None:
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(encode_png(np.asarray(image)))
    partial.replace(target)


@shared_task(name="inference.generate", acks_late=True, ignore_result=True)
def generate(drawing_id: str, revision: int) -> str:
    """Make the picture for `revision` of the drawing; returns what happened, for logs."""
    from drawapp.models import Drawing  # the one edge back to the project: strokes live there

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
        picture = get_registry().generate(drawing.category, sketch)
    except ModelUnavailable as unavailable:
        announce(drawing_id, {"type": "gen.unavailable", "revision": revision,
                              "category": drawing.category, "reason": unavailable.reason})
        return "unavailable"
    relative = picture_path(drawing_id, revision, picture.version)
    _save_png(relative, picture.image)
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
