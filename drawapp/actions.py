"""State changes of a drawing: one function per client message, each saved in one transaction.

The consumer calls these; the revision goes up by one with every change, and the change
is committed before anything else happens (nothing a child drew is ever lost).
"""
from dataclasses import dataclass

from django.db import transaction

from .models import CLEAR_MARK, Drawing
from .protocol import (
    MAX_STROKES_PER_DRAWING,
    ChooseCategory,
    ClientMessage,
    Command,
    ProtocolError,
    Stroke,
)


@dataclass(frozen=True)
class SavedChange:
    drawing_id: str
    revision: int
    category: str
    is_empty: bool
    is_new: bool = True  # False: a stroke already saved (by its id), nothing changed now


def _append_entry(drawing: Drawing, entry: dict) -> None:
    if len(drawing.strokes) >= MAX_STROKES_PER_DRAWING:
        raise ProtocolError(
            "too_many_strokes",
            f"A drawing holds at most {MAX_STROKES_PER_DRAWING} strokes. Start a new one!",
        )
    drawing.strokes.append(entry)
    drawing.redo = []


def _add_stroke(drawing: Drawing, stroke: Stroke) -> None:
    entry = stroke.as_json()
    if stroke.id is not None:
        entry["saved_at"] = drawing.revision + 1  # the revision its ack named
    _append_entry(drawing, entry)


def _saved_revision_of(drawing: Drawing, stroke_id: str) -> int | None:
    """The revision that saved the stroke with this client id, if the log or redo holds it."""
    for entry in [*reversed(drawing.strokes), *reversed(drawing.redo)]:
        if entry.get("id") == stroke_id:
            return entry.get("saved_at")
    return None


def _undo(drawing: Drawing) -> None:
    if not drawing.strokes:
        raise ProtocolError("nothing_to_undo", "There is nothing to undo.")
    drawing.redo.append(drawing.strokes.pop())


def _redo(drawing: Drawing) -> None:
    if not drawing.redo:
        raise ProtocolError("nothing_to_redo", "There is nothing to redo.")
    drawing.strokes.append(drawing.redo.pop())


def _clear(drawing: Drawing) -> None:
    if not drawing.visible_strokes():
        raise ProtocolError("already_clear", "The canvas is already clear.")
    _append_entry(drawing, dict(CLEAR_MARK))


COMMANDS = {"undo": _undo, "redo": _redo, "clear": _clear}


def apply_message(drawing_id, message: ClientMessage) -> SavedChange:
    """Apply one validated client message to the drawing and save it with a new revision."""
    with transaction.atomic():
        drawing = Drawing.objects.select_for_update().get(pk=drawing_id)
        if isinstance(message, Stroke) and message.id is not None:
            saved_at = _saved_revision_of(drawing, message.id)
            if saved_at is not None:
                return _change(drawing, revision=saved_at, is_new=False)
        if isinstance(message, Stroke):
            _add_stroke(drawing, message)
        elif isinstance(message, Command):
            COMMANDS[message.name](drawing)
        elif isinstance(message, ChooseCategory):
            drawing.category = message.category
        drawing.revision += 1
        drawing.save(update_fields=["strokes", "redo", "category", "revision", "updated"])
    return _change(drawing, revision=drawing.revision, is_new=True)


def _change(drawing: Drawing, revision: int, is_new: bool) -> SavedChange:
    return SavedChange(
        drawing_id=str(drawing.pk),
        revision=revision,
        category=drawing.category,
        is_empty=not drawing.visible_strokes(),
        is_new=is_new,
    )
