"""Reading a drawing for its owner: the ownership check and the state a page restores from."""
from django.core.exceptions import ValidationError

from .models import Drawing, Generation


def load_owned_drawing(drawing_id, session_key, user) -> Drawing | None:
    """The drawing if it exists and belongs to this session or user, else None."""
    try:
        drawing = Drawing.objects.filter(pk=drawing_id).first()
    except ValidationError:  # not a UUID
        return None
    if drawing is None or not drawing.is_owned_by(session_key, user):
        return None
    return drawing


def drawing_state(drawing: Drawing) -> dict:
    """Everything a page needs to show the drawing as it is now, after a reload or reconnect."""
    strokes = drawing.visible_strokes()
    latest = Generation.objects.filter(drawing=drawing).order_by("-revision").first()
    return {
        "id": str(drawing.pk),
        "revision": drawing.revision,
        "category": drawing.category,
        "strokes": strokes,
        "redo_count": len(drawing.redo),
        "result": {"revision": latest.revision, "url": latest.url} if latest and strokes else None,
        "needs_picture": bool(strokes) and (latest is None or latest.revision != drawing.revision),
    }
