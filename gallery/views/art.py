"""Looking at art: my gallery, the class gallery, one artwork with its replay, stars, titles."""
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inference.palette import DEFAULT_COLOR, hex_palette
from inference.rasterize import STROKE_SIZE_UNITS

from ..access import kid_of, kid_required, refuse, teacher_of, visible_artworks, wants_json
from ..actions import GalleryError, do_set_title, do_star
from ..forms import TitleForm
from ..models import Artwork, Classroom, Star


def _with_stars(artworks, kid=None):
    # Meta.ordering does not apply to grouped queries: say the order again.
    artworks = artworks.annotate(star_count=Count("stars", distinct=True)).order_by(
        "-created", "-pk")
    if kid is not None:
        artworks = artworks.annotate(
            starred_by_me=Exists(Star.objects.filter(kid=kid, artwork=OuterRef("pk")))
        )
    return artworks


@require_GET
@kid_required
def my_gallery(request):
    kid = request.kid
    return render(request, "gallery/my_gallery.html", {
        "kid": kid, "artworks": _with_stars(kid.artworks.all()),
    })


@require_GET
@kid_required
def my_class_gallery(request):
    return redirect("gallery:class", classroom_id=request.kid.classroom_id)


@require_GET
def class_gallery(request, classroom_id):
    """Approved art of one class, for the class's kids and its teacher; nobody else."""
    classroom = get_object_or_404(Classroom, pk=classroom_id)
    kid = kid_of(request.user)
    is_member = kid is not None and kid.classroom_id == classroom.pk
    if not (is_member or classroom.is_taught_by(request.user) or request.user.is_superuser):
        raise Http404(_("No such class gallery here."))
    artworks = _with_stars(classroom.artworks.approved().select_related("kid"), kid)
    return render(request, "gallery/class_gallery.html", {
        "classroom": classroom, "artworks": artworks, "kid": kid,
    })


@require_GET
def artwork(request, pk):
    kid = kid_of(request.user)
    art = get_object_or_404(_with_stars(visible_artworks(request.user), kid), pk=pk)
    is_owner = kid is not None and art.kid_id == kid.pk
    is_teacher = art.classroom.is_taught_by(request.user)
    can_star = (kid is not None and not is_owner and kid.classroom_id == art.classroom_id
                and art.status == Artwork.Status.APPROVED and art.classroom.stars_enabled
                and not art.starred_by_me)
    return render(request, "gallery/artwork.html", {
        "art": art, "kid": kid, "is_owner": is_owner, "is_teacher": is_teacher,
        "teacher": teacher_of(request.user), "can_star": can_star,
        "title_form": TitleForm(initial={"title": art.title}) if is_owner else None,
        "replay": {"strokes": art.strokes, "picture": art.picture.url, "sketch": art.sketch.url,
                   "palette": hex_palette(), "default_color": DEFAULT_COLOR,
                   "stroke_size_units": STROKE_SIZE_UNITS},
    })


def _done(request, art, message: str, status: int = 200):
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message,
                             "stars": art.stars.count()}, status=status)
    messages.success(request, message)
    return redirect("gallery:artwork", pk=art.pk)


@require_POST
@kid_required
def star(request, pk):
    art = get_object_or_404(visible_artworks(request.user), pk=pk)
    try:
        do_star(request.kid, art)
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code,
                      action_url=art.get_absolute_url(), action_label=_("Back"))
    return _done(request, art, _("⭐ You gave a star!"))


@require_POST
@kid_required
def set_title(request, pk):
    art = get_object_or_404(Artwork, pk=pk, kid=request.kid)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors["title"][0], status=400, code="bad_title",
                      action_url=art.get_absolute_url(), action_label=_("Back"))
    try:
        do_set_title(art, request.kid, form.cleaned_data["title"])
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code)
    return _done(request, art, _("Saved the name!"))
