"""'Keep it!' on the drawing page: save the drawing and its newest picture as an Artwork."""
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from drawapp.models import Drawing

from ..access import kid_required, refuse, wants_json
from ..actions import GalleryError, do_keep_artwork
from ..forms import TitleForm
from ..models import Artwork

KEPT_MESSAGES = {
    Artwork.Status.PENDING: "Kept! Your teacher will take a look.",
    Artwork.Status.APPROVED: "Kept! It's in your class gallery.",
}


@require_POST
@kid_required
def keep(request, drawing_id):
    drawing = Drawing.objects.filter(pk=drawing_id, owner_user=request.user).first()
    if drawing is None:
        raise Http404("No such drawing of yours.")
    form = TitleForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors["title"][0], status=400, code="bad_title")
    try:
        artwork, created = do_keep_artwork(request.kid, drawing, form.cleaned_data["title"])
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code,
                      action_url=reverse("drawapp:draw", args=[drawing.pk]),
                      action_label="Back to drawing")
    message = KEPT_MESSAGES.get(artwork.status, "Kept!") if created else "You kept this one!"
    if wants_json(request):
        return JsonResponse({
            "ok": True, "created": created, "message": message, "status": artwork.status,
            "artwork_id": artwork.pk, "artwork_url": artwork.get_absolute_url(),
        }, status=201 if created else 200)
    return redirect(artwork)
