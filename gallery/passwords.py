"""Teacher and admin password sign-in, throttled per address and per user name."""
from functools import wraps

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from .throttle import LOGINS_PER_ADDRESS, LOGINS_PER_USERNAME, Guard, address_of

THROTTLED = "throttled"


def login_guard(request, username: str) -> Guard:
    return Guard([(LOGINS_PER_ADDRESS, address_of(request)),
                  (LOGINS_PER_USERNAME, username.casefold())])


class ThrottledLoginMixin:
    """Counts each password try before checking it; a locked-out client is not checked at all,
    so the right password does not get in during a lockout either."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password") or self.request is None:
            return super().clean()
        attempt = login_guard(self.request, username).attempt(username.casefold())
        if attempt.refused:
            raise forms.ValidationError(
                _("Too many wrong sign-ins. Try again in %(wait)s.") % {"wait": attempt.wait_words},
                code=THROTTLED,
            )
        cleaned = super().clean()
        attempt.succeeded()  # super().clean() raised for a wrong password, which stays counted
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def answers_429_when_throttled(login_view):
    """A login view whose refusal of a locked-out client says so in its status (429)."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.has_error(NON_FIELD_ERRORS, THROTTLED):
            response.status_code = 429
        return response

    return view
