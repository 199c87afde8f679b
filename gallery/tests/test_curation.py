"""The teacher's queue: approve, hide, feature, send back with a note; only the class's teacher."""
import pytest
from django.urls import reverse

from gallery.actions import GalleryError, NotAllowed, do_review_artwork
from gallery.models import Artwork

pytestmark = pytest.mark.django_db

PENDING = Artwork.Status.PENDING


def review(client, artwork, action, note=""):
    return client.post(reverse("gallery:teacher-review", args=[artwork.pk]),
                       {"action": action, "note": note}, follow=True)


def test_queue_lists_pending_art_of_the_class_only(cast):
    waiting = cast.art(cast.kid, status=PENDING, title="Waiting one")
    elsewhere = cast.art(cast.outsider, status=PENDING, title="Other class")
    page = cast.client("teacher").get(reverse("gallery:teacher-queue", args=[cast.classroom.pk]))
    assert list(page.context["pending"]) == [waiting]
    assert "Other class" not in page.content.decode()
    assert elsewhere.pk


@pytest.mark.parametrize("action, status, featured", [
    ("approve", "approved", False),
    ("feature", "approved", True),
    ("hide", "hidden", False),
])
def test_teacher_reviews_art_from_the_queue(cast, action, status, featured):
    artwork = cast.art(cast.kid, status=PENDING)
    response = review(cast.client("teacher"), artwork, action)
    assert response.status_code == 200
    artwork.refresh_from_db()
    assert (artwork.status, artwork.featured) == (status, featured)
    assert artwork.reviewed_by == cast.teacher.user and artwork.reviewed_at is not None


def test_sending_back_needs_a_kind_note_and_the_kid_sees_it(cast):
    artwork = cast.art(cast.kid, status=PENDING)
    client = cast.client("teacher")
    refused = review(client, artwork, "return")
    assert "Write a kind note so they know what to change." in refused.content.decode()
    artwork.refresh_from_db()
    assert artwork.status == PENDING

    review(client, artwork, "return", "Lovely! Can you add a <b>tree</b>?")
    artwork.refresh_from_db()
    assert artwork.status == "returned"
    page = cast.client("kid").get(artwork.get_absolute_url()).content.decode()
    assert "Lovely! Can you add a &lt;b&gt;tree&lt;/b&gt;?" in page


def test_review_form_rejects_unknown_actions_and_long_notes(cast):
    artwork = cast.art(cast.kid, status=PENDING)
    client = cast.client("teacher")
    assert "Choose approve, hide, feature or send back." in review(
        client, artwork, "delete").content.decode()
    assert "at most 200 letters" in review(client, artwork, "return", "x" * 201).content.decode()
    artwork.refresh_from_db()
    assert artwork.status == PENDING


@pytest.mark.parametrize("who", ["other_teacher", "kid", "classmate", "guest_user"])
def test_only_the_class_teacher_can_curate(cast, who):
    artwork = cast.art(cast.kid, status=PENDING)
    response = cast.client(who).post(reverse("gallery:teacher-review", args=[artwork.pk]),
                                     {"action": "feature"})
    assert response.status_code == 403
    artwork.refresh_from_db()
    assert (artwork.status, artwork.featured) == (PENDING, False)


def test_curation_action_refuses_other_teachers_directly(cast):
    artwork = cast.art(cast.kid, status=PENDING)
    with pytest.raises(NotAllowed):
        do_review_artwork(artwork, cast.other_teacher.user, "approve")
    with pytest.raises(NotAllowed):
        do_review_artwork(artwork, cast.kid.user, "approve")


def test_hiding_takes_art_off_the_featured_wall(cast):
    artwork = cast.art(cast.kid, featured=True)
    do_review_artwork(artwork, cast.teacher.user, "hide")
    artwork.refresh_from_db()
    assert artwork.status == "hidden" and not artwork.featured


def test_review_redirects_only_to_this_site(cast):
    artwork = cast.art(cast.kid, status=PENDING)
    response = cast.client("teacher").post(
        reverse("gallery:teacher-review", args=[artwork.pk]),
        {"action": "approve", "next": "https://evil.example/"})
    assert response.url == reverse("gallery:teacher-queue", args=[cast.classroom.pk])


def test_unknown_action_is_refused_by_the_action_too(cast):
    with pytest.raises(GalleryError):
        do_review_artwork(cast.art(cast.kid), cast.teacher.user, "burn")
