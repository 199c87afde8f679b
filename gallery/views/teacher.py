"""The teacher's side: sign-up, classes, roster and PIN cards, settings, and the review queue."""
import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import refuse, teacher_required, wants_json
from ..actions import (
    GalleryError,
    do_add_kids,
    do_approve_all_waiting,
    do_create_challenge,
    do_create_classroom,
    do_create_teacher,
    do_reset_pin,
    do_resolve_alert,
    do_review_artwork,
    do_unlock_kid,
    do_update_classroom_settings,
)
from ..forms import (
    ChallengeForm,
    ClassroomForm,
    ClassroomSettingsForm,
    ReviewForm,
    RosterForm,
    TeacherSignUpForm,
)
from ..models import Artwork, Classroom, KidProfile, SignInAlert
from ..passwords import ThrottledAuthenticationForm
from ..pins import pin_pictures

NEW_PINS_KEY = "gallery_new_pins"
RECENTLY_APPROVED = 24
ALERTS_SHOWN = 10


class TeacherLoginView(LoginView):
    template_name = "gallery/teacher/login.html"
    authentication_form = ThrottledAuthenticationForm
    next_page = reverse_lazy("gallery:teacher-home")


@require_http_methods(["GET", "POST"])
def sign_up(request):
    form = TeacherSignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            do_create_teacher(user, form.cleaned_data["display_name"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("gallery:teacher-home")
    return render(request, "gallery/teacher/signup.html", {"form": form},
                  status=400 if form.errors else 200)


def _own_classroom(request, classroom_id) -> Classroom:
    """One of this teacher's classes; another teacher's class is simply not found."""
    return get_object_or_404(Classroom, pk=classroom_id, teacher=request.teacher)


@require_http_methods(["GET", "POST"])
@teacher_required
def dashboard(request):
    form = ClassroomForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        classroom = do_create_classroom(request.teacher, form.cleaned_data["name"])
        messages.success(request, f"{classroom.name} is ready. Its code is "
                                  f"{classroom.spoken_code}.")
        return redirect("gallery:teacher-class", classroom_id=classroom.pk)
    classrooms = request.teacher.classrooms.annotate(
        kid_count=Count("kids", distinct=True),
        pending_count=Count("artworks", filter=Q(artworks__status=Artwork.Status.PENDING),
                            distinct=True),
    ).order_by("name")
    return render(request, "gallery/teacher/dashboard.html", {
        "classrooms": classrooms, "form": form,
    }, status=400 if form.errors else 200)


def _class_page(request, classroom, *, roster_form=None, settings_form=None, status=200):
    return render(request, "gallery/teacher/classroom.html", {
        "classroom": classroom,
        "kids": classroom.kids.annotate(badge_count=Count("awarded_badges"))
                .order_by("first_name", "last_initial"),
        "roster_form": roster_form or RosterForm(classroom=classroom),
        "settings_form": settings_form or ClassroomSettingsForm(instance=classroom),
        "pending_count": classroom.artworks.filter(status=Artwork.Status.PENDING).count(),
        "challenges": classroom.challenges.all()[:10],
        "alerts": classroom.sign_in_alerts.filter(resolved_at__isnull=True)
                  .select_related("kid")[:ALERTS_SHOWN],
    }, status=status)


@require_GET
@teacher_required
def classroom(request, classroom_id):
    return _class_page(request, _own_classroom(request, classroom_id))


@require_POST
@teacher_required
def classroom_settings(request, classroom_id):
    classroom = _own_classroom(request, classroom_id)
    form = ClassroomSettingsForm(request.POST, instance=Classroom.objects.get(pk=classroom.pk))
    if not form.is_valid():
        return _class_page(request, classroom, settings_form=form, status=400)
    do_update_classroom_settings(classroom, request.user, **form.cleaned_data)
    messages.success(request, "Settings saved.")
    return redirect("gallery:teacher-class", classroom_id=classroom.pk)


def _remember_new_pins(request, classroom, new_pins) -> None:
    """Hand new PINs to the cards page once; only their hashes are stored for good."""
    cards = request.session.get(NEW_PINS_KEY, {})
    pins = cards.get(str(classroom.pk), {})
    pins.update({str(new.kid.pk): list(new.pictures) for new in new_pins})
    cards[str(classroom.pk)] = pins
    request.session[NEW_PINS_KEY] = cards


@require_POST
@teacher_required
def add_kids(request, classroom_id):
    classroom = _own_classroom(request, classroom_id)
    form = RosterForm(request.POST, classroom=classroom)
    if not form.is_valid():
        return _class_page(request, classroom, roster_form=form, status=400)
    try:
        new_pins = do_add_kids(classroom, request.user, form.cleaned_data["names"])
    except GalleryError as error:
        form.add_error("names", error.message)
        return _class_page(request, classroom, roster_form=form, status=error.status)
    _remember_new_pins(request, classroom, new_pins)
    messages.success(request, f"Added {len(new_pins)} kids. Print their sign-in cards now: "
                              "the pictures are shown only once.")
    for problem in form.problems:
        messages.warning(request, f"Not added: {problem}")
    return redirect("gallery:teacher-cards", classroom_id=classroom.pk)


@require_POST
@teacher_required
def reset_pin(request, classroom_id, kid_id):
    classroom = _own_classroom(request, classroom_id)
    kid = get_object_or_404(KidProfile, pk=kid_id, classroom=classroom)
    _remember_new_pins(request, classroom, [do_reset_pin(kid, request.user)])
    messages.success(request, f"{kid.display_name} has new sign-in pictures.")
    return redirect("gallery:teacher-cards", classroom_id=classroom.pk)


@require_POST
@teacher_required
def unlock_kid(request, classroom_id, kid_id):
    classroom = _own_classroom(request, classroom_id)
    kid = get_object_or_404(KidProfile, pk=kid_id, classroom=classroom)
    do_unlock_kid(kid, request.user)
    messages.success(request, f"{kid.display_name} can try again now.")
    return redirect("gallery:teacher-class", classroom_id=classroom.pk)


@require_POST
@teacher_required
def resolve_alert(request, classroom_id, alert_id):
    """The teacher deals with a sign-in alert: let the kid or device in, or put it away."""
    classroom = _own_classroom(request, classroom_id)
    alert = get_object_or_404(SignInAlert, pk=alert_id, classroom=classroom)
    let_in = request.POST.get("let_in") == "1"
    try:
        do_resolve_alert(alert, request.user, let_in=let_in)
    except GalleryError as error:
        messages.info(request, error.message)
    else:
        if let_in and alert.kid is not None:
            messages.success(request, f"{alert.kid.display_name} can try again now.")
        elif let_in:
            messages.success(request, "That device can try again now.")
        else:
            messages.success(request, "Alert put away.")
    return redirect("gallery:teacher-class", classroom_id=classroom.pk)


@require_GET
@teacher_required
def cards(request, classroom_id):
    classroom = _own_classroom(request, classroom_id)
    all_cards = request.session.get(NEW_PINS_KEY, {})
    pins = all_cards.pop(str(classroom.pk), {})
    request.session[NEW_PINS_KEY] = all_cards
    # A card for every kid, any time; the pictures only on cards of PINs made just now (only
    # their hash is kept), the others leave room to draw them.
    join_url = request.build_absolute_uri(
        reverse("gallery:join-roster", args=[classroom.join_code]))
    cards = [{"kid": kid, "pictures": pin_pictures(pins[str(kid.pk)])
              if str(kid.pk) in pins else None}
             for kid in classroom.kids.order_by("first_name", "last_initial")]
    return render(request, "gallery/teacher/cards.html", {
        "classroom": classroom, "cards": cards, "new_pins": bool(pins), "join_url": join_url,
        "join_qr": segno.make(join_url, error="m").svg_inline(scale=3, border=2,
                                                               omitsize=True),
    })


@require_GET
@teacher_required
def queue(request, classroom_id):
    classroom = _own_classroom(request, classroom_id)
    artworks = (classroom.artworks.select_related("kid")
                .annotate(star_count=Count("stars")).order_by("-created", "-pk"))
    return render(request, "gallery/teacher/queue.html", {
        "classroom": classroom,
        "pending": artworks.filter(status=Artwork.Status.PENDING).order_by("created"),
        "approved": artworks.filter(status=Artwork.Status.APPROVED)[:RECENTLY_APPROVED],
        "set_aside": artworks.filter(
            status__in=[Artwork.Status.HIDDEN, Artwork.Status.RETURNED]
        )[:RECENTLY_APPROVED],
        "form": ReviewForm(),
    })


REVIEWED_MESSAGES = {
    "approve": "Approved: it's in the class gallery.",
    "feature": "Featured!",
    "unfeature": "No longer featured.",
    "hide": "Hidden.",
    "return": "Sent back with your note.",
}


@require_POST
@teacher_required
def review(request, pk):
    art = get_object_or_404(Artwork, pk=pk)
    if not art.classroom.is_taught_by(request.user):
        return refuse(request, "Only this class's teacher can do that.", code="not_your_class")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        first_error = next(iter(form.errors.values()))[0]
        if wants_json(request):
            return refuse(request, first_error, status=400, code="bad_review")
        messages.error(request, first_error)
    else:
        try:
            art = do_review_artwork(art, request.user, form.cleaned_data["action"],
                                    form.cleaned_data["note"])
        except GalleryError as error:
            return refuse(request, error.message, status=error.status, code=error.code)
        said = REVIEWED_MESSAGES[form.cleaned_data["action"]]
        if wants_json(request):  # the queue page changes in place (review.js)
            return JsonResponse({"ok": True, "message": said, "status": art.status,
                                 "featured": art.featured})
        messages.success(request, said)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("gallery:teacher-queue", args=[art.classroom_id])
    return redirect(back)


@require_POST
@teacher_required
def approve_all(request, classroom_id):
    """The waiting pictures the queue page showed (their ids come with the form) go into the
    class gallery at once."""
    classroom = _own_classroom(request, classroom_id)
    shown = [int(value) for value in request.POST.getlist("artwork") if value.isdecimal()]
    approved = do_approve_all_waiting(classroom, request.user, shown)
    said = ngettext("Approved %(count)d picture.", "Approved %(count)d pictures.",
                    len(approved)) % {"count": len(approved)}
    if wants_json(request):  # the queue page moves the cards in place (review.js)
        return JsonResponse({"ok": True, "message": said,
                             "approved": [artwork.pk for artwork in approved]})
    messages.success(request, said)
    return redirect("gallery:teacher-queue", classroom_id=classroom.pk)


@require_http_methods(["GET", "POST"])
@teacher_required
def new_challenge(request, classroom_id):
    classroom = _own_classroom(request, classroom_id)
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        challenge = do_create_challenge(request.user, classroom=classroom, **form.cleaned_data)
        messages.success(request, "Challenge set!")
        return redirect("gallery:challenge", pk=challenge.pk)
    return render(request, "gallery/teacher/new_challenge.html", {
        "classroom": classroom, "form": form,
    }, status=400 if form.errors else 200)
