"""The pages of the drawing room: start a drawing, the canvas page."""
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from inference.categories import CATEGORIES, DEFAULT_CATEGORY

from .models import Drawing
from .protocol import page_protocol
from .state import (
    drawing_state,
    latest_pictures,
    load_owned_drawing,
    owned_drawings,
    remember_session_drawing,
)

BRUSH_SIZES = (3, 8, 16)
MY_DRAWINGS_SHOWN = 60


def _session_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


@require_GET
def new_drawing(request):
    """A blank canvas in the category asked for (a challenge's), else the one drawn in last."""
    user = request.user if request.user.is_authenticated else None
    session_key = _session_key(request)
    category = request.GET.get("category")
    if category not in CATEGORIES:
        last = owned_drawings(session_key, user).first()
        category = last.category if last else DEFAULT_CATEGORY
    drawing = Drawing.objects.create(owner_session=session_key, owner_user=user,
                                     category=category)
    if user is None:
        remember_session_drawing(request.session, drawing)
    return redirect("drawapp:draw", drawing_id=drawing.pk)


@require_GET
def my_drawings(request):
    """Every drawing of this child with something on it, newest first, to carry on with."""
    user = request.user if request.user.is_authenticated else None
    drawings = [drawing for drawing in
                owned_drawings(request.session.session_key, user)[:MY_DRAWINGS_SHOWN]
                if drawing.visible_strokes()]
    pictures = latest_pictures(drawings)
    return render(request, "drawapp/my_drawings.html", {
        "drawings": [(drawing, pictures.get(drawing.pk)) for drawing in drawings],
    })


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
