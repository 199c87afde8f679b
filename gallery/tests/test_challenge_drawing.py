"""From a challenge to a drawing in its category and back: one tap to enter after keeping."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from drawapp.models import Drawing
from drawapp.tests.browser import Page, browser_test, line
from gallery.actions import do_create_challenge
from gallery.forms import CHALLENGE_DAYS
from gallery.models import ChallengeEntry

from .conftest import one_kid_class
from .test_browser_kid_pages import sign_in


def car_challenge(teacher, classroom, category="car"):
    today = timezone.localdate()
    return do_create_challenge(teacher.user, classroom=classroom, prompt="A flying one",
                               category=category, starts=today, ends=today)


@pytest.mark.django_db
def test_a_new_challenges_last_day_is_a_week_ahead(cast):
    page = cast.client("teacher").get(
        reverse("gallery:teacher-new-challenge", args=[cast.classroom.pk]))
    form = page.context["form"]
    assert form["ends"].value() == timezone.localdate() + timedelta(days=CHALLENGE_DAYS)


@pytest.mark.django_db
def test_the_challenges_draw_button_opens_a_drawing_of_its_category_for_it(cast):
    challenge = car_challenge(cast.teacher, cast.classroom)
    kid = cast.client("kid")
    page = kid.get(reverse("gallery:challenge", args=[challenge.pk])).text
    link = f'href="/draw/?category=car&amp;challenge={challenge.pk}"'
    assert link in page
    drawing_page = kid.get(f"/draw/?category=car&challenge={challenge.pk}")
    drawing = Drawing.objects.get()
    assert drawing.category == "car"
    assert drawing_page["Location"] == f"/draw/{drawing.pk}/?challenge={challenge.pk}"
    page = kid.get(drawing_page["Location"]).text
    assert reverse("gallery:challenge-enter", args=[challenge.pk]) in page


@browser_test
@pytest.mark.usefixtures("default_badges")
def test_after_keeping_the_challenge_is_entered_with_one_tap(
    studio_url, browser, django_user_model, settings
):
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"  # where the Daphne process keeps files
    teacher, classroom, kid = one_kid_class(django_user_model)
    challenge = car_challenge(teacher, classroom, category="panda")
    page = Page(browser, server_log)
    sign_in(browser, base_url, kid.user)

    browser.get(f"{base_url}/gallery/challenges/{challenge.pk}/")
    page.click("challenge-draw")
    page.wait_for_body("connection", "open")
    page.draw_with_mouse(line((0.2, 0.5), (0.8, 0.5)))
    page.wait_for_picture_of(1)
    page.click("keep")
    page.wait_for_body("kept", "yes")
    page.click("enter-challenge")
    page.wait_until(lambda: browser.find_elements("css selector", "[data-testid=entered]"),
                    "the challenge page saying the kid is in")
    assert ChallengeEntry.objects.get(challenge=challenge).kid == kid
