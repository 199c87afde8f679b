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
    user = request.user if request.user.is_authenticated else None
    drawing = Drawing.objects.create(owner_session=_session_key(request), owner_user=user)
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
