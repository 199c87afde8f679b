"""The teacher's review queue: reviews answered in JSON for the page to change in place,
approve all, and no Winner button that can only fail."""
import pytest
from django.urls import reverse
from django.utils import timezone

from drawapp.tests.browser import Page, browser_test
from gallery.actions import (
    do_add_artwork,
    do_create_challenge,
    do_enter_challenge,
)
from gallery.models import Artwork

from .conftest import STROKES, tiny_png
from .test_browser import school, teacher_signs_in

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.mark.django_db
def test_a_review_asked_for_in_json_is_answered_in_json(cast):
    art = cast.art(cast.kid, status=Artwork.Status.PENDING)
    reply = cast.client("teacher").post(reverse("gallery:teacher-review", args=[art.pk]),
                                        {"action": "feature"}, **JSON)
    assert reply.status_code == 200
    assert reply.json() == {"ok": True, "message": "Featured!", "status": "approved",
                            "featured": True}


@pytest.mark.django_db
def test_approve_all_approves_every_waiting_picture_of_the_class_only(cast):
    waiting = [cast.art(cast.kid, status=Artwork.Status.PENDING) for _ in range(3)]
    elsewhere = cast.art(cast.outsider, status=Artwork.Status.PENDING)
    response = cast.client("teacher").post(
        reverse("gallery:teacher-approve-all", args=[cast.classroom.pk]),
        {"artwork": [art.pk for art in [*waiting, elsewhere]]})
    assert response.status_code == 302
    assert {a.status for a in Artwork.objects.filter(pk__in=[a.pk for a in waiting])} == {
        "approved"}
    elsewhere.refresh_from_db()
    assert elsewhere.status == "pending"
    refused = cast.client("other_teacher").post(
        reverse("gallery:teacher-approve-all", args=[cast.classroom.pk]))
    assert refused.status_code in (403, 404)


@pytest.mark.django_db
def test_approve_all_asked_for_in_json_names_the_pictures_it_approved(cast):
    """The queue page moves exactly these cards (review.js), so the answer lists them."""
    waiting = [cast.art(cast.kid, status=Artwork.Status.PENDING) for _ in range(2)]
    hidden = cast.art(cast.kid, status=Artwork.Status.HIDDEN)
    reply = cast.client("teacher").post(
        reverse("gallery:teacher-approve-all", args=[cast.classroom.pk]),
        {"artwork": [art.pk for art in [*waiting, hidden]]}, **JSON)
    assert reply.status_code == 200
    answer = reply.json()
    assert sorted(answer.pop("approved")) == sorted(art.pk for art in waiting)
    assert answer == {"ok": True, "message": "Approved 2 pictures."}


@pytest.mark.django_db
def test_approve_all_leaves_a_picture_kept_after_the_page_was_shown(cast):
    queue = reverse("gallery:teacher-queue", args=[cast.classroom.pk])
    shown = cast.art(cast.kid, status=Artwork.Status.PENDING)
    page = cast.client("teacher").get(queue).text
    assert f'name="artwork" value="{shown.pk}"' in page  # the form lists what the page shows
    kept_meanwhile = cast.art(cast.classmate, status=Artwork.Status.PENDING)
    cast.client("teacher").post(reverse("gallery:teacher-approve-all",
                                        args=[cast.classroom.pk]), {"artwork": [shown.pk]})
    shown.refresh_from_db()
    kept_meanwhile.refresh_from_db()
    assert (shown.status, kept_meanwhile.status) == ("approved", "pending")


@pytest.mark.django_db
def test_winner_is_offered_only_on_approved_entries_with_the_reason_otherwise(cast):
    today = timezone.localdate()
    challenge = do_create_challenge(cast.teacher.user, classroom=cast.classroom, prompt="Cars",
                                    category="", starts=today, ends=today)
    waiting = cast.art(cast.kid, status=Artwork.Status.PENDING)
    entry = do_enter_challenge(cast.kid, challenge, waiting)
    page = cast.client("teacher").get(reverse("gallery:challenge", args=[challenge.pk])).text
    assert f'data-testid="why-not-winner-{entry.pk}"' in page
    assert reverse("gallery:challenge-winner", args=[challenge.pk, entry.pk]) not in page


def teacher_at_the_queue(studio_url, browser, django_user_model, settings, waiting: int):
    """The teacher signed in on the class's review queue with `waiting` pictures to review:
    (page, the waiting artworks, oldest first)."""
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"
    teacher, classroom, kid = school(django_user_model)
    arts = [do_add_artwork(kid, strokes=STROKES, sketch_png=tiny_png(), picture_png=tiny_png(),
                           category="panda") for _ in range(waiting)]
    page = Page(browser, server_log)
    teacher_signs_in(browser, page, base_url)
    browser.get(f"{base_url}/teacher/classes/{classroom.pk}/queue/")
    return page, arts


@browser_test
def test_teacher_approves_in_the_queue_and_the_page_stays_where_it_is(
    studio_url, browser, django_user_model, settings
):
    page, arts = teacher_at_the_queue(studio_url, browser, django_user_model, settings, 6)

    last = arts[0]  # the oldest waits at the bottom
    button = page.find(f"approve-{last.pk}")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    browser.execute_script("window.notReloaded = true")
    scrolled = browser.execute_script("return scrollY")
    button.click()
    page.wait_until(lambda: page.find(f"review-said-{last.pk}").text, "the answer in the row")
    assert "Approved" in page.find(f"review-said-{last.pk}").text
    assert browser.execute_script("return window.notReloaded") is True
    assert browser.execute_script("return scrollY") == scrolled
    last.refresh_from_db()
    assert last.status == "approved"


@browser_test
def test_approve_all_moves_the_cards_to_the_class_gallery_and_the_page_stays(
    studio_url, browser, django_user_model, settings
):
    page, arts = teacher_at_the_queue(studio_url, browser, django_user_model, settings, 4)

    button = page.find("approve-all")
    browser.execute_script("window.scrollTo(0, 60); window.notReloaded = true")
    scrolled = browser.execute_script("return scrollY")
    assert scrolled > 0  # a reload would go back to the top
    button.click()
    page.wait_until(lambda: page.find("approve-all-said").text, "the answer")
    assert "Approved 4 pictures." in page.find("approve-all-said").text
    assert browser.execute_script("return window.notReloaded") is True
    assert browser.execute_script("return scrollY") == scrolled

    def group_of(art):
        return browser.execute_script(
            "return arguments[0].closest('.g-review-list').dataset.testid",
            page.find(f"row-{art.pk}"))

    assert {group_of(art) for art in arts} == {"approved"}
    assert page.find("pending-count").text == "0"
    assert page.find("all-done").is_displayed() and not button.is_displayed()
    assert {art.status for art in Artwork.objects.filter(pk__in=[a.pk for a in arts])} == {
        "approved"}
