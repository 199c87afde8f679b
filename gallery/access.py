"""Who is asking and what they may see: kids, teachers, guests, and the artworks each can open."""
from functools import wraps
from urllib.parse import urlencode

from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Artwork, KidProfile, Teacher

ASK_FOR_A_CODE = gettext_lazy("Ask your teacher for a class code to keep pictures in a gallery.")
FOR_TEACHERS = gettext_lazy("This page is for teachers.")


def kid_of(user) -> KidProfile | None:
    if not (user and user.is_authenticated):
        return None
    try:
        return user.kid_profile
    except KidProfile.DoesNotExist:
        return None


def teacher_of(user) -> Teacher | None:
    if not (user and user.is_authenticated):
        return None
    try:
        return user.teacher
    except Teacher.DoesNotExist:
        return None


def featured_wall_q() -> Q:
    return Q(featured=True, status=Artwork.Status.APPROVED,
             classroom__public_featuring_allowed=True)


def visible_artworks(user):
    """Artworks this person may open: everyone sees the featured wall; a kid also sees their
    own art and their class's approved art; a teacher sees all art of the classes they teach."""
    artworks = Artwork.objects.select_related("kid", "classroom")
    if user and user.is_authenticated and user.is_superuser:
        return artworks
    allowed = featured_wall_q()
    kid = kid_of(user)
    if kid is not None:
        allowed |= Q(kid=kid) | Q(classroom_id=kid.classroom_id, status=Artwork.Status.APPROVED)
    teacher = teacher_of(user)
    if teacher is not None:
        allowed |= Q(classroom__teacher=teacher)
    return artworks.filter(allowed)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def refuse(request, message: str, status: int = 403, code: str = "not_allowed",
           action_url: str = "", action_label: str = ""):
    """A friendly refusal: JSON for scripts, a small page for people."""
    if wants_json(request):
        return JsonResponse({"ok": False, "code": code, "message": str(message)}, status=status)
    return render(request, "gallery/message.html", {
        "message": message, "action_url": action_url, "action_label": action_label,
    }, status=status)


def kid_required(view):
    """Only a signed-in kid gets in; everyone else is told how to join a class."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        kid = kid_of(request.user)
        if kid is None:
            return refuse(request, ASK_FOR_A_CODE, code="not_a_kid",
                          action_url=reverse("gallery:join"), action_label=_("Join my class"))
        request.kid = kid
        return view(request, *args, **kwargs)

    return wrapper


def teacher_required(view):
    """Only a signed-in teacher gets in; others go to the teacher sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            login_url = reverse("gallery:teacher-login")
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        teacher = teacher_of(request.user)
        if teacher is None:
            return refuse(request, FOR_TEACHERS, code="not_a_teacher")
        request.teacher = teacher
        return view(request, *args, **kwargs)

    return wrapper
