"""The pages of the drawing room: start a drawing, the canvas page, my drawings; the service
worker and its offline page."""
import hashlib
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from inference.categories import CATEGORIES, DEFAULT_CATEGORY

from .labels import categories_named, crayons_named
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
    """A blank canvas in the category asked for (a challenge's), else the one drawn in last.
    This browser's (or user's) untouched canvas is handed out again when it has one, so
    reloading /draw/ or a crawler's visits leave at most one empty drawing each."""
    user = request.user if request.user.is_authenticated else None
    session_key = _session_key(request)
    owned = owned_drawings(session_key, user)
    category = request.GET.get("category")
    if category not in CATEGORIES:
        last = owned.first()
        category = last.category if last else DEFAULT_CATEGORY
    drawing = owned.filter(revision=0).first()
    if drawing is None:
        drawing = Drawing.objects.create(owner_session=session_key, owner_user=user,
                                         category=category)
        if user is None:
            remember_session_drawing(request.session, drawing)
    elif drawing.category != category:
        drawing.category = category
        drawing.save(update_fields=["category", "updated"])
    url = reverse("drawapp:draw", args=[drawing.pk])
    challenge = request.GET.get("challenge", "")
    return redirect(f"{url}?challenge={challenge}" if challenge.isdigit() else url)


# The app shell a service worker keeps, so the studio loads (and says so kindly) offline.
SHELL_STATIC = (
    "draw/draw.css", "gallery/gallery.css", "gallery/notify.css", "gallery/icons.svg",
    "draw/studio.js", "draw/connection.js", "draw/history.js", "draw/input.js",
    "draw/outbox.js", "draw/painter.js", "draw/picture.js", "draw/strokes.js",
    "gallery/keep.js", "gallery/notify.js", "draw/icons/home.svg", "draw/icons/pen.svg",
    "draw/icons/eraser.svg", "draw/icons/undo.svg", "draw/icons/redo.svg",
    "draw/icons/clear.svg", "draw/icons/save.svg",
    *(f"draw/icons/{category}.svg" for category in CATEGORIES),
)


@require_GET
def service_worker(request):
    """The service worker, served from the site's root so it looks after every page."""
    shell = [reverse("offline"), reverse("home"), *(static(path) for path in SHELL_STATIC)]
    version = hashlib.sha256(
        json.dumps(shell).encode() + _static_fingerprint(SHELL_STATIC)).hexdigest()[:12]
    response = render(request, "drawapp/sw.js", {"shell": json.dumps(shell), "version": version},
                      content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _static_fingerprint(paths) -> bytes:
    """Changes whenever a shell file does, so a new service worker replaces the kept shell."""
    found = (finders.find(path) for path in paths)
    return b"".join(str(Path(file).stat().st_mtime_ns).encode() for file in found if file)


@require_GET
def offline(request):
    """What the service worker shows for a page it never kept, without a network."""
    return render(request, "offline.html")


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
    protocol = page_protocol()
    return render(request, "drawapp/draw.html", {
        "drawing": drawing,
        "categories": categories_named(),
        "crayons": crayons_named(protocol["palette"]),
        "brush_sizes": BRUSH_SIZES,
        "ws_path": f"/ws/draw/{drawing.pk}/",
        "initial_state": drawing_state(drawing),
        "protocol": protocol,
        # Drawn for a challenge: after keeping, entering it is one tap (the entry is checked then).
        "challenge_id": request.GET.get("challenge") if request.GET.get(
            "challenge", "").isdigit() else None,
    })
