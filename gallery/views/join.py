"""How a kid signs in: class code, then their name on the roster, then their picture PIN."""
from django.contrib.auth import login, logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ..actions import do_check_pin
from ..forms import JoinCodeForm, PinForm, normalise_join_code
from ..models import Classroom
from ..pins import LOCKOUT_MINUTES, PIN_LENGTH, PIN_PICTURES

KID_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("gallery:join-roster", code=form.cleaned_data["code"])
    return render(request, "gallery/join/code.html", {"form": form},
                  status=400 if form.errors else 200)


def _classroom_for(code: str) -> Classroom:
    classroom = Classroom.objects.filter(join_code=normalise_join_code(code)).first()
    if classroom is None:
        raise Http404("No class has that code.")
    return classroom


@require_http_methods(["GET"])
def roster(request, code):
    classroom = _classroom_for(code)
    return render(request, "gallery/join/roster.html", {
        "classroom": classroom, "kids": classroom.kids.all(),
    })


@require_http_methods(["GET", "POST"])
def pin(request, code, kid_id):
    classroom = _classroom_for(code)
    kid = get_object_or_404(classroom.kids, pk=kid_id)
    form = PinForm(request.POST if request.method == "POST" else None)
    problem, status = "", 200
    if kid.is_locked():
        problem = (f"Too many tries! Ask your teacher for help, or wait {LOCKOUT_MINUTES} "
                   "minutes.")
        status = 429
    elif request.method == "POST":
        if form.is_valid():
            check = do_check_pin(kid, form.cleaned_data["pictures"])
            if check.ok:
                login(request, kid.user, backend=KID_BACKEND)
                return redirect("gallery:mine")
            if check.locked:
                problem = (f"Too many tries! Ask your teacher for help, or wait "
                           f"{LOCKOUT_MINUTES} minutes.")
                status = 429
            else:
                tries = "try" if check.tries_left == 1 else "tries"
                problem = f"Not quite! Try again. ({check.tries_left} {tries} left)"
                status = 400
            form = PinForm()
        else:
            status = 400
    return render(request, "gallery/join/pin.html", {
        "classroom": classroom, "kid": kid, "form": form, "pictures": PIN_PICTURES,
        "pin_length": PIN_LENGTH, "problem": problem, "locked": status == 429,
    }, status=status)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("home")
