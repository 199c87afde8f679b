"""A kid signs in: class code, name on the roster, three pictures; wrong pictures lock them out."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gallery.actions import do_check_pin, do_reset_pin
from gallery.models import KidProfile
from gallery.throttle import KID_FIRST_LOCKOUT, MAX_WRONG_PINS

from .conftest import KID_PIN

pytestmark = pytest.mark.django_db

WRONG_PIN = ("dog", "fish", "car")


def pin_url(cast, kid=None):
    kid = kid or cast.kid
    return reverse("gallery:join-pin", args=[kid.classroom.join_code, kid.pk])


def test_kid_joins_with_code_picks_name_and_pictures_and_is_signed_in(cast, client):
    response = client.post(reverse("gallery:join"), {"code": cast.classroom.join_code.lower()})
    roster_url = reverse("gallery:join-roster", args=[cast.classroom.join_code])
    assert response.status_code == 302 and response.url == roster_url

    roster = client.get(roster_url)
    assert b"Maya K." in roster.content and b"Leo B." in roster.content
    assert b"Aisha R." not in roster.content  # another class's kid
    assert pin_url(cast).encode() in roster.content

    page = client.get(pin_url(cast))
    for picture in ("cat", "dog", "sun", "star", "apple", "rocket", "fish", "flower", "car"):
        assert f'value="{picture}"'.encode() in page.content

    response = client.post(pin_url(cast), {"pictures": list(reversed(KID_PIN))})
    assert response.status_code == 302 and response.url == reverse("gallery:mine")
    assert int(client.session["_auth_user_id"]) == cast.kid.user_id
    assert client.get(reverse("gallery:mine")).status_code == 200


def test_a_kid_session_lasts_a_school_day(cast, client):
    client.post(pin_url(cast), {"pictures": KID_PIN})
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_kid_users_cannot_sign_in_with_a_password(cast):
    assert not cast.kid.user.has_usable_password()


def test_roster_of_an_unknown_code_is_not_found(cast, client):
    assert client.get(reverse("gallery:join-roster", args=["ZZZZZZ"])).status_code == 404


def test_a_kid_cannot_be_picked_through_another_classes_code(cast, client):
    url = reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.outsider.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"pictures": KID_PIN}).status_code == 404


def test_wrong_pictures_say_how_many_tries_are_left(cast, client):
    response = client.post(pin_url(cast), {"pictures": WRONG_PIN})
    assert response.status_code == 400
    assert f"Not quite! Try again. ({MAX_WRONG_PINS - 1} tries left)" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("pictures, message", [
    ([], "Pick your 3 pictures."),
    (["cat", "dog"], "Pick 3 pictures."),
    (["cat", "dog", "sun", "star"], "Pick 3 pictures."),
    (["cat", "cat", "dog"], "Pick three different pictures."),
    (["cat", "dog", "unicorn"], "Pick pictures from the nine shown."),
])
def test_pin_form_rejects_bad_picks_with_a_clear_message_and_does_not_count_them(
    cast, client, pictures, message
):
    response = client.post(pin_url(cast), {"pictures": pictures})
    assert response.status_code == 400
    assert message in response.content.decode()
    cast.kid.refresh_from_db()
    assert cast.kid.failed_pin_attempts == 0


def test_five_wrong_pins_lock_the_kid_out_with_a_kid_friendly_message(cast, client):
    for _ in range(MAX_WRONG_PINS - 1):
        client.post(pin_url(cast), {"pictures": WRONG_PIN})
    response = client.post(pin_url(cast), {"pictures": WRONG_PIN})
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many tries! Ask your teacher to help you sign in" in text
    assert "try again in 10 minutes" in text

    # Even the right pictures do not get in now, from any browser.
    again = client.post(pin_url(cast), {"pictures": KID_PIN})
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many tries" in again.content.decode()


def test_a_lockout_ends_after_ten_minutes(cast):
    start = timezone.now()
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, WRONG_PIN, now=start)
    assert do_check_pin(cast.kid, KID_PIN, now=start + timedelta(minutes=9)).locked
    after = start + KID_FIRST_LOCKOUT + timedelta(seconds=1)
    later = do_check_pin(cast.kid, KID_PIN, now=after)
    assert later.ok


def test_wrong_pins_count_per_kid(cast):
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, WRONG_PIN)
    assert KidProfile.objects.get(pk=cast.kid.pk).is_locked()
    assert not KidProfile.objects.get(pk=cast.classmate.pk).is_locked()


def test_a_right_pin_clears_earlier_mistakes(cast):
    for _ in range(MAX_WRONG_PINS - 1):
        do_check_pin(cast.kid, WRONG_PIN)
    assert do_check_pin(cast.kid, KID_PIN).ok
    for _ in range(MAX_WRONG_PINS - 1):
        assert not do_check_pin(cast.kid, WRONG_PIN).locked


def test_teacher_helps_a_locked_out_kid_with_new_pictures(cast, client):
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, WRONG_PIN)
    new = do_reset_pin(cast.kid, cast.teacher.user)
    assert not KidProfile.objects.get(pk=cast.kid.pk).is_locked()
    response = client.post(pin_url(cast), {"pictures": new.pictures})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.kid.user_id


def test_signing_out_ends_the_kid_session(cast):
    client = cast.client("kid")
    response = client.post(reverse("gallery:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
