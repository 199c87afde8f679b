"""Picture PINs and class codes cannot be walked: wrong tries count per browser and per address
as well as per kid, lockouts grow, the teacher is told and can let a kid or a device in again."""
from datetime import timedelta
from itertools import combinations, cycle

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.actions import do_add_kids, do_check_pin
from gallery.models import KidProfile, SignInAlert
from gallery.pins import PIN_IDS
from gallery.throttle import (
    CODE_LOOKUPS_PER_ADDRESS,
    CODE_LOOKUPS_PER_SESSION,
    KID_FIRST_LOCKOUT,
    MAX_WRONG_PINS,
    PIN_GUESSES_PER_ADDRESS,
    PIN_GUESSES_PER_SESSION,
)

from .conftest import KID_PIN, text

pytestmark = pytest.mark.django_db

SCHOOL = "198.51.100.7"
CLASS_SIZE = 25


@pytest.fixture
def big_class(cast):
    """The cast's class grown to CLASS_SIZE kids; each kid's real PIN by kid id."""
    names = [(f"Kid{chr(65 + n // 26)}{chr(97 + n % 26)}", "Z") for n in range(CLASS_SIZE - 2)]
    pins = {new.kid.pk: set(new.pictures)
            for new in do_add_kids(cast.classroom, cast.teacher.user, names)}
    pins[cast.kid.pk] = set(KID_PIN)
    return pins


def pin_url(kid_id, classroom):
    return reverse("gallery:join-pin", args=[classroom.join_code, kid_id])


def wrong_pins(pin: set) -> list[set]:
    """Every 3-picture PIN but `pin` (a list made now: a generator would read a loop's later
    `pin`)."""
    return [set(guess) for guess in combinations(PIN_IDS, 3) if set(guess) != pin]


def wrong_guesses(pins):
    """A walk across the class: each next kid in turn gets their next not-yet-tried wrong PIN."""
    per_kid = {kid_id: iter(wrong_pins(pin)) for kid_id, pin in pins.items()}
    for kid_id in cycle(sorted(per_kid)):
        yield kid_id, sorted(next(per_kid[kid_id]))


def checked_pins() -> int:
    """How many wrong PINs reached the kids' own counts (tries the server really checked)."""
    return sum(KidProfile.objects.values_list("failed_pin_attempts", flat=True))


def walk(cast, pins, tries, client=None):
    """`tries` wrong guesses from one browser (or a new browser each time: client=None)."""
    statuses = []
    for (kid_id, guess), _ in zip(wrong_guesses(pins), range(tries), strict=False):
        browser = client or Client()
        response = browser.post(pin_url(kid_id, cast.classroom), {"pictures": guess},
                                REMOTE_ADDR=SCHOOL)
        statuses.append(response.status_code)
    return statuses


def test_a_walk_of_pins_across_a_class_from_one_browser_is_stopped(cast, big_class, clock):
    browser = Client()
    statuses = walk(cast, big_class, 200, client=browser)
    allowed = PIN_GUESSES_PER_SESSION.free_failures
    assert statuses[:allowed - 1] == [400] * (allowed - 1)
    assert set(statuses[allowed - 1:]) == {429}
    assert checked_pins() == allowed

    # Even the right pictures do not get in from that browser now.
    right = browser.post(pin_url(cast.kid.pk, cast.classroom), {"pictures": KID_PIN},
                         REMOTE_ADDR=SCHOOL)
    assert right.status_code == 429 and "_auth_user_id" not in browser.session
    assert "Ask your teacher to help you sign in" in text(right)

    # Waiting out the lockout buys one more try (checked, and wrong), then a lockout twice as
    # long.
    clock.advance(PIN_GUESSES_PER_SESSION.first_lockout + 1)
    assert walk(cast, big_class, 3, client=browser) == [429, 429, 429]
    assert checked_pins() == allowed + 1
    again = browser.get(pin_url(cast.kid.pk, cast.classroom), REMOTE_ADDR=SCHOOL)
    lockout_minutes = 2 * PIN_GUESSES_PER_SESSION.first_lockout // 60
    assert f"try again in {lockout_minutes} minutes" in text(again)


def test_a_walk_from_one_address_without_cookies_is_stopped(cast, big_class, clock):
    statuses = walk(cast, big_class, 200)
    assert statuses.count(400) == PIN_GUESSES_PER_ADDRESS.free_failures - 1
    assert checked_pins() == PIN_GUESSES_PER_ADDRESS.free_failures
    assert statuses[-100:] == [429] * 100
    # Another address is not held up by it.
    other = Client().post(pin_url(cast.kid.pk, cast.classroom), {"pictures": KID_PIN},
                          REMOTE_ADDR="203.0.113.50")
    assert other.status_code == 302


def test_a_class_signing_in_through_one_school_address_is_not_stopped(cast, big_class):
    # Every kid makes one mistake, more than the address's free tries in all; each kid getting
    # in forgives their own.
    for kid_id, pin in big_class.items():
        browser = Client()
        wrong = sorted(set(PIN_IDS) - pin)[:3]
        assert browser.post(pin_url(kid_id, cast.classroom), {"pictures": wrong},
                            REMOTE_ADDR=SCHOOL).status_code == 400
        right = browser.post(pin_url(kid_id, cast.classroom), {"pictures": sorted(pin)},
                             REMOTE_ADDR=SCHOOL)
        assert right.status_code == 302, kid_id
    assert CLASS_SIZE > PIN_GUESSES_PER_ADDRESS.free_failures


def test_the_teacher_sees_a_stopped_device_and_can_let_it_try_again(cast, big_class, clock):
    browser = Client()
    walk(cast, big_class, PIN_GUESSES_PER_SESSION.free_failures + 5, client=browser)
    alert = SignInAlert.objects.get(classroom=cast.classroom)
    assert alert.kind == SignInAlert.Kind.DEVICE_STOPPED and alert.kid is None
    assert not any(SCHOOL in key for key in alert.clients)  # digests, not addresses

    page = cast.client("teacher").get(reverse("gallery:teacher-class",
                                              args=[cast.classroom.pk]))
    assert "A device was stopped after wrong pictures on kids of this class" in text(page)
    assert f'data-testid="let-in-{alert.pk}"' in text(page)
    assert "A device was stopped" not in text(cast.client("other_teacher").get(
        reverse("gallery:teacher-class", args=[cast.other_classroom.pk])))

    response = cast.client("teacher").post(
        reverse("gallery:teacher-resolve-alert", args=[cast.classroom.pk, alert.pk]),
        {"let_in": "1"})
    assert response.status_code == 302
    right = browser.post(pin_url(cast.kid.pk, cast.classroom), {"pictures": KID_PIN},
                         REMOTE_ADDR=SCHOOL)
    assert right.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_locked_out_kid_is_unlocked_by_the_teacher_from_the_alert(cast):
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, ("dog", "fish", "car"))
    kid_page = Client().get(pin_url(cast.kid.pk, cast.classroom))
    assert kid_page.status_code == 429
    assert "Too many tries! Ask your teacher to help you sign in" in text(kid_page)

    alert = SignInAlert.objects.get(kid=cast.kid)
    page = cast.client("teacher").get(reverse("gallery:teacher-class", args=[cast.classroom.pk]))
    assert "Maya K. was locked out after too many wrong pictures" in text(page)
    cast.client("teacher").post(
        reverse("gallery:teacher-resolve-alert", args=[cast.classroom.pk, alert.pk]),
        {"let_in": "1"})
    browser = Client()
    assert browser.post(pin_url(cast.kid.pk, cast.classroom),
                        {"pictures": KID_PIN}).status_code == 302
    assert int(browser.session["_auth_user_id"]) == cast.kid.user_id


def test_putting_an_alert_away_lets_no_one_in(cast):
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, ("dog", "fish", "car"))
    alert = SignInAlert.objects.get(kid=cast.kid)
    cast.client("teacher").post(
        reverse("gallery:teacher-resolve-alert", args=[cast.classroom.pk, alert.pk]),
        {"let_in": "0"})
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert KidProfile.objects.get(pk=cast.kid.pk).is_locked()


def test_another_teacher_cannot_deal_with_the_alert(cast):
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, ("dog", "fish", "car"))
    alert = SignInAlert.objects.get(kid=cast.kid)
    for url in (reverse("gallery:teacher-resolve-alert", args=[cast.classroom.pk, alert.pk]),
                reverse("gallery:teacher-resolve-alert",
                        args=[cast.other_classroom.pk, alert.pk])):
        assert cast.client("other_teacher").post(url, {"let_in": "1"}).status_code == 404
    assert KidProfile.objects.get(pk=cast.kid.pk).is_locked()


def test_a_kids_lockouts_grow_until_they_get_in(cast):
    start = timezone.now()
    wrong = ("dog", "fish", "car")
    moment = start
    for lockout in (KID_FIRST_LOCKOUT, 2 * KID_FIRST_LOCKOUT, 4 * KID_FIRST_LOCKOUT):
        for _ in range(MAX_WRONG_PINS):
            do_check_pin(cast.kid, wrong, now=moment)
        kid = KidProfile.objects.get(pk=cast.kid.pk)
        assert kid.locked_until == moment + lockout
        moment = kid.locked_until + timedelta(seconds=1)
    alert = SignInAlert.objects.get(kid=cast.kid)
    assert alert.times == 3  # one alert gathers the repeats
    assert do_check_pin(cast.kid, KID_PIN, now=moment).ok
    for _ in range(MAX_WRONG_PINS):
        do_check_pin(cast.kid, wrong, now=moment)
    assert KidProfile.objects.get(pk=cast.kid.pk).locked_until == moment + KID_FIRST_LOCKOUT


def test_wrong_class_codes_from_one_browser_are_stopped(cast, clock):
    browser = Client()
    unused = [code for code in (f"ZZZZZ{c}" for c in "ABCDEFGHJKMNPQRSTUVWXYZ")
              if code != cast.classroom.join_code]
    for code in unused[:CODE_LOOKUPS_PER_SESSION.free_failures]:
        assert browser.post(reverse("gallery:join"), {"code": code}).status_code == 400
    stopped = browser.post(reverse("gallery:join"), {"code": cast.classroom.join_code})
    assert stopped.status_code == 429
    assert "Ask your teacher for your class code" in text(stopped)
    clock.advance(CODE_LOOKUPS_PER_SESSION.first_lockout + 1)
    assert browser.post(reverse("gallery:join"),
                        {"code": cast.classroom.join_code}).status_code == 302


def test_wrong_class_codes_in_links_from_one_address_are_stopped(cast):
    unused = [f"ZZZ{a}{b}{c}" for a in "ABC" for b in "DEF" for c in "GHJKM"]
    statuses = [Client().get(reverse("gallery:join-roster", args=[code])).status_code
                for code in unused if code != cast.classroom.join_code][:40]
    allowed = CODE_LOOKUPS_PER_ADDRESS.free_failures
    assert statuses[:allowed] == [404] * allowed and set(statuses[allowed:]) == {429}
    assert Client().get(reverse("gallery:join-roster",
                                args=[cast.classroom.join_code])).status_code == 429


def test_right_codes_never_count(cast):
    browser = Client()
    roster = reverse("gallery:join-roster", args=[cast.classroom.join_code])
    for _ in range(CODE_LOOKUPS_PER_ADDRESS.free_failures + 5):
        assert browser.get(roster).status_code == 200
    assert browser.post(reverse("gallery:join"),
                        {"code": cast.classroom.join_code}).status_code == 302


def test_the_walk_never_tries_a_kids_own_pin(big_class):
    # The walks above count every try as wrong; one right PIN would sign in and reset the
    # browser's count. A whole walk tries each of the 83 wrong PINs of every kid once.
    tried = {}
    tries = len(big_class) * 83
    for _, (kid_id, guess) in zip(range(tries), wrong_guesses(big_class), strict=False):
        tried.setdefault(kid_id, []).append(set(guess))
    assert all(big_class[kid_id] not in guesses for kid_id, guesses in tried.items())
    assert all(len(guesses) == 83 for guesses in tried.values()) and len(tried) == len(big_class)
