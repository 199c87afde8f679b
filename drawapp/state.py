"""A drawing and its owner: the ownership check, the state a page restores from, and handing a
browser's drawings to the child who signs in on it."""
from django.core.exceptions import ValidationError

from .models import Drawing, Generation
from .protocol import MAX_STATE_PAGE_BYTES, encode_message

SESSION_DRAWINGS_KEY = "visitor_drawings"
MAX_REMEMBERED_DRAWINGS = 50


def load_owned_drawing(drawing_id, session_key, user) -> Drawing | None:
    """The drawing if it exists and belongs to this session or user, else None. Its stroke log
    is read only when used, so a socket's handshake never waits for a large drawing."""
    try:
        drawing = Drawing.objects.defer("strokes", "redo").filter(pk=drawing_id).first()
    except ValidationError:  # not a UUID
        return None
    if drawing is None or not drawing.is_owned_by(session_key, user):
        return None
    return drawing


def owned_drawings(session_key: str | None, user):
    """The drawings of a signed-in user, or of this browser session for a visitor, newest first."""
    if user is not None and user.is_authenticated:
        return Drawing.objects.filter(owner_user=user).order_by("-updated")
    if not session_key:
        return Drawing.objects.none()
    return Drawing.objects.filter(owner_session=session_key, owner_user=None).order_by("-updated")


def latest_pictures(drawings) -> dict:
    """drawing id -> the URL of its newest picture, for the drawings that have one."""
    pictures = {}
    for generation in Generation.objects.filter(drawing__in=drawings).order_by("revision"):
        pictures[generation.drawing_id] = generation.url
    return pictures


def remember_session_drawing(session, drawing: Drawing) -> None:
    """Note a visitor's drawing in their session, so it can be theirs when they sign in (signing
    in gives the session a new key, but keeps what is in it)."""
    remembered = [*session.get(SESSION_DRAWINGS_KEY, []), str(drawing.pk)]
    session[SESSION_DRAWINGS_KEY] = remembered[-MAX_REMEMBERED_DRAWINGS:]


def claim_session_drawings(sender, request, user, **kwargs) -> int:
    """On sign-in (Django's user_logged_in): the drawings this browser made before are the
    user's now, so a drawing made before joining a class is not lost. Returns how many."""
    session = getattr(request, "session", None)
    ids = session.get(SESSION_DRAWINGS_KEY, []) if session is not None else []
    if not ids:
        return 0
    claimed = Drawing.objects.filter(pk__in=ids, owner_user=None).update(owner_user=user)
    session[SESSION_DRAWINGS_KEY] = []
    return claimed


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


def _pages(strokes: list[dict], room_first: int, room_rest: int) -> list[list[dict]]:
    """Split strokes into runs whose JSON array fits the room of its message (a stroke too big
    for any room still gets a page of its own, which the protocol's limits never let happen)."""
    pages, page, used, room = [], [], 2, room_first  # 2: the brackets of the array
    for stroke in strokes:
        size = len(encode_message(stroke)) + (1 if page else 0)  # the comma before it
        if page and used + size > room:
            pages.append(page)
            page, used, room = [], 2, room_rest
            size -= 1
        page.append(stroke)
        used += size
    pages.append(page)
    return pages


def state_messages(drawing: Drawing) -> list[dict]:
    """The drawing's state as socket messages each under MAX_STATE_PAGE_BYTES: one `state`
    with the first strokes and `stroke_count`, then `state_more` pages with the rest in order.
    The drawing is read anew, in full: `drawing` may be an older, partly loaded copy."""
    state = drawing_state(Drawing.objects.get(pk=drawing.pk))
    strokes = state.pop("strokes")
    head = {"type": "state", **state, "stroke_count": len(strokes), "strokes": []}
    more = {"type": "state_more", "strokes": []}
    pages = _pages(
        strokes,
        MAX_STATE_PAGE_BYTES - len(encode_message(head)) + 2,
        MAX_STATE_PAGE_BYTES - len(encode_message(more)) + 2,
    )
    return [{**head, "strokes": pages[0]}] + [{**more, "strokes": page} for page in pages[1:]]
