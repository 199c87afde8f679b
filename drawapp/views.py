"""The pages of the drawing room: start a drawing, the canvas page."""
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from inference.categories import CATEGORIES

from .models import Drawing
from .protocol import page_protocol
from .state import drawing_state, load_owned_drawing

BRUSH_SIZES = (3, 8, 16)


def _session_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


@require_GET
def new_drawing(request):
    """A blank canvas: this browser's (or user's) untouched one if it has one, so reloading
    /draw/ or a crawler's visits leave at most one empty drawing each, else a new one."""
    user = request.user if request.user.is_authenticated else None
    session_key = _session_key(request)
    untouched = Drawing.objects.filter(revision=0)
    if user:
        untouched = untouched.filter(owner_user=user)
    else:
        untouched = untouched.filter(owner_session=session_key, owner_user=None)
    drawing = untouched.order_by("-created").first() or Drawing.objects.create(
        owner_session=session_key, owner_user=user
    )
    return redirect("drawapp:draw", drawing_id=drawing.pk)


@require_GET
def draw(request, drawing_id):
    drawing = load_owned_drawing(drawing_id, request.session.session_key, request.user)
    if drawing is None:
        raise Http404("No such drawing here.")
    return render(request, "drawapp/draw.html", {
        "drawing": drawing,
        "categories": CATEGORIES,
        "brush_sizes": BRUSH_SIZES,
        "ws_path": f"/ws/draw/{drawing.pk}/",
        "initial_state": drawing_state(drawing),
        "protocol": page_protocol(),
    })
