"""'Keep it!' on the drawing page: save the drawing and its newest picture as an Artwork."""
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from drawapp.models import Drawing

from ..access import kid_required, refuse, wants_json
from ..actions import GalleryError, do_keep_artwork, do_reopen_artwork
from ..forms import TitleForm
from ..models import Artwork

KEPT_MESSAGES = {
    ("new", Artwork.Status.PENDING): "Kept! Your teacher will take a look.",
    ("new", Artwork.Status.APPROVED): "Kept! It's in your class gallery.",
    ("updated", Artwork.Status.PENDING): "Updated! Your teacher will take a look.",
    ("updated", Artwork.Status.APPROVED): "Updated! It's in your class gallery.",
}


@require_POST
@kid_required
def keep(request, drawing_id):
    """Keep (or update) the drawing's artwork; "as_new" in the form keeps another one."""
    drawing = Drawing.objects.filter(pk=drawing_id, owner_user=request.user).first()
    if drawing is None:
        raise Http404("No such drawing of yours.")
    form = TitleForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors["title"][0], status=400, code="bad_title")
    try:
        kept = do_keep_artwork(request.kid, drawing, form.cleaned_data["title"],
                               as_new=bool(request.POST.get("as_new")))
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code,
                      action_url=reverse("drawapp:draw", args=[drawing.pk]),
                      action_label="Back to drawing")
    artwork = kept.artwork
    message = KEPT_MESSAGES.get((kept.outcome, artwork.status),
                                "You kept this one!" if kept.outcome == "same" else "Kept!")
    if kept.outcome == "renamed":
        message = gettext("Named! “%(title)s”") % {"title": artwork.title}
    if wants_json(request):
        return JsonResponse({
            "ok": True, "created": kept.outcome == "new", "outcome": kept.outcome,
            "message": message, "status": artwork.status, "artwork_id": artwork.pk,
            "artwork_url": artwork.get_absolute_url(),
        }, status=201 if kept.outcome == "new" else 200)
    return redirect(artwork)


@require_POST
@kid_required
def reopen(request, pk):
    """Back to the drawing behind one of the kid's pictures, to change it."""
    artwork = get_object_or_404(Artwork, pk=pk, kid=request.kid)
    try:
        drawing = do_reopen_artwork(request.kid, artwork, request.session.session_key or "")
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code)
    return redirect("drawapp:draw", drawing_id=drawing.pk)
