"""How a kid signs in: class code, then their name on the roster, then their picture PIN.

Wrong class codes and wrong pictures count against the browser and its address
(gallery.throttle) as well as against the kid; whoever must wait is told kindly to ask the
teacher, and the teacher's class page hears about lockouts.
"""
from functools import wraps

from django.contrib.auth import login, logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ..access import refuse
from ..actions import do_alert_device_stopped, do_check_pin
from ..forms import JoinCodeForm, PinForm, normalise_join_code
from ..models import Classroom, KidProfile
from ..pins import PIN_LENGTH, PIN_PICTURES
from ..throttle import Throttled, code_guard, in_minutes, pin_guard

KID_BACKEND = "django.contrib.auth.backends.ModelBackend"

TOO_MANY_CODES = gettext_lazy("Lots of class codes were tried here. Ask your teacher for your "
                              "class code, or try again in {wait}.")
KID_LOCKED = gettext_lazy(
    "Too many tries! Ask your teacher to help you sign in, or try again in {wait}.")
DEVICE_STOPPED = gettext_lazy("Lots of pictures were tried on this device. Ask your teacher to "
                              "help you sign in, or try again in {wait}.")


def _find_classroom(request, code: str, *, make_session: bool) -> Classroom | None:
    """The class with this code. A wrong code counts against the client; Throttled while it
    must wait."""
    attempt = code_guard(request, make_session=make_session).attempt(code)
    if attempt.refused:
        raise Throttled(attempt.wait)
    classroom = Classroom.objects.filter(join_code=code).first()
    if classroom is not None:
        attempt.succeeded()
    return classroom


def _classroom_for(request, code: str) -> Classroom:
    classroom = _find_classroom(request, normalise_join_code(code),
                                make_session=request.method == "POST")
    if classroom is None:
        raise Http404(_("No class has that code."))
    return classroom


def kindly_when_throttled(view):
    """A client that tried too many class codes is told to ask the teacher (429)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Throttled as stop:
            return refuse(request, TOO_MANY_CODES.format(wait=in_minutes(stop.wait)),
                          status=429, code="too_many_codes")

    return wrapper


@require_http_methods(["GET", "POST"])
@kindly_when_throttled
def join(request):
    form = JoinCodeForm(
        request.POST if request.method == "POST" else None,
        find_classroom=lambda code: _find_classroom(request, code, make_session=True),
    )
    if request.method == "POST" and form.is_valid():
        return redirect("gallery:join-roster", code=form.cleaned_data["code"])
    return render(request, "gallery/join/code.html", {"form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET"])
@kindly_when_throttled
def roster(request, code):
    classroom = _classroom_for(request, code)
    return render(request, "gallery/join/roster.html", {
        "classroom": classroom, "kids": classroom.kids.all(),
    })


def _seconds_locked(kid: KidProfile) -> int:
    return int((kid.locked_until - timezone.now()).total_seconds()) + 1


@require_http_methods(["GET", "POST"])
@kindly_when_throttled
def pin(request, code, kid_id):
    classroom = _classroom_for(request, code)
    kid = get_object_or_404(classroom.kids, pk=kid_id)
    form = PinForm(request.POST if request.method == "POST" else None)
    guard = pin_guard(request, make_session=request.method == "POST")
    problem, status = "", 200
    if kid.is_locked():
        problem, status = KID_LOCKED.format(wait=in_minutes(_seconds_locked(kid))), 429
    elif wait := guard.locked_for():
        problem, status = DEVICE_STOPPED.format(wait=in_minutes(wait)), 429
    elif request.method == "POST":
        if form.is_valid():
            attempt = guard.attempt(f"kid:{kid.pk}")
            if attempt.refused:
                return _pin_page(request, classroom, kid, PinForm(), 429,
                                 DEVICE_STOPPED.format(wait=in_minutes(attempt.wait)))
            check = do_check_pin(kid, form.cleaned_data["pictures"])
            if check.ok:
                attempt.succeeded()
                login(request, kid.user, backend=KID_BACKEND)
                return redirect("gallery:mine")
            if attempt.locked:
                do_alert_device_stopped(classroom, attempt.locked)
            if check.locked:
                problem, status = KID_LOCKED.format(wait=in_minutes(_seconds_locked(kid))), 429
            elif attempt.locked:
                problem = DEVICE_STOPPED.format(wait=in_minutes(guard.locked_for()))
                status = 429
            else:
                problem = ngettext("Not quite! Try again. (%(count)d try left)",
                                   "Not quite! Try again. (%(count)d tries left)",
                                   check.tries_left) % {"count": check.tries_left}
                status = 400
            form = PinForm()
        else:
            status = 400
    return _pin_page(request, classroom, kid, form, status, problem)


def _pin_page(request, classroom, kid, form, status, problem):
    return render(request, "gallery/join/pin.html", {
        "classroom": classroom, "kid": kid, "form": form, "pictures": PIN_PICTURES,
        "pin_length": PIN_LENGTH, "problem": problem, "locked": status == 429,
    }, status=status)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("home")
