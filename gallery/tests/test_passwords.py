"""Teacher and admin passwords: Django's validators on sign-up, and wrong passwords throttled
per address and per user name at the teacher login and at the admin site's login."""
import pytest
from django.urls import reverse

from gallery.models import Teacher
from gallery.throttle import LOGINS_PER_ADDRESS, LOGINS_PER_USERNAME, MINUTE

pytestmark = pytest.mark.django_db

TEACHER_LOGIN = reverse("gallery:teacher-login")
ADMIN_LOGIN = reverse("admin:login")
RIGHT = "a-long-password-1"


def sign_in(client, url, username, password, address="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("password, message", [
    ("password123", "This password is too common."),
    ("pen-42", "This password is too short. It must contain at least 10 characters."),
    ("4815162342", "This password is entirely numeric."),
    ("ms-rivera-1", "The password is too similar to the username."),
])
def test_sign_up_refuses_weak_passwords_with_the_reason(client, password, message):
    response = client.post(reverse("gallery:teacher-signup"), {
        "username": "ms-rivera-1", "password1": password, "password2": password,
    })
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Teacher.objects.exists()


def test_wrong_teacher_passwords_lock_the_address_out_even_for_the_right_one(cast, client, clock):
    for _ in range(LOGINS_PER_ADDRESS.free_failures):
        assert sign_in(client, TEACHER_LOGIN, "rivera", "guess-guess").status_code == 200
    locked = sign_in(client, TEACHER_LOGIN, "rivera", RIGHT)
    assert locked.status_code == 429
    assert "Too many wrong sign-ins. Try again in 1 minute." in locked.content.decode()
    assert "_auth_user_id" not in client.session

    clock.advance(MINUTE + 1)
    response = sign_in(client, TEACHER_LOGIN, "rivera", RIGHT)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.teacher.user_id


def test_wrong_passwords_from_many_addresses_lock_the_user_name(cast, client, clock):
    for n in range(LOGINS_PER_USERNAME.free_failures):
        sign_in(client, TEACHER_LOGIN, "rivera", "guess-guess", address=f"10.0.1.{n}")
    assert sign_in(client, TEACHER_LOGIN, "Rivera", RIGHT, address="10.0.2.1").status_code == 429
    # Another teacher is not held up by it.
    assert sign_in(client, TEACHER_LOGIN, "okafor", RIGHT, address="10.0.2.1").status_code == 302


def test_signing_into_ones_own_account_does_not_clear_tries_on_another(cast, clock):
    from django.test import Client

    attacker = Client()
    for _ in range(LOGINS_PER_ADDRESS.free_failures - 1):
        sign_in(attacker, TEACHER_LOGIN, "rivera", "guess-guess")
    assert sign_in(attacker, TEACHER_LOGIN, "okafor", RIGHT).status_code == 302
    sign_in(attacker, TEACHER_LOGIN, "rivera", "guess-guess")
    assert sign_in(attacker, TEACHER_LOGIN, "rivera", RIGHT).status_code == 429


def test_the_admin_login_is_throttled_too(client, django_user_model, clock):
    django_user_model.objects.create_superuser("root", password=RIGHT)
    for _ in range(LOGINS_PER_ADDRESS.free_failures):
        assert sign_in(client, ADMIN_LOGIN, "root", "guess-guess").status_code == 200
    locked = sign_in(client, ADMIN_LOGIN, "root", RIGHT)
    assert locked.status_code == 429
    assert "Too many wrong sign-ins" in locked.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still signed out

    clock.advance(MINUTE + 1)
    assert sign_in(client, ADMIN_LOGIN, "root", RIGHT).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
