"""No lost work: a drawing made before joining, unfinished drawings, keeping again, changing a
picture the teacher sent back."""
import pytest
from django.test import Client
from django.urls import reverse

from drawapp.models import Drawing
from gallery.actions import do_review_artwork
from gallery.models import Artwork

from .conftest import KID_PIN
from .test_keep import JSON, STROKES, keep, kids_drawing, picture_for

pytestmark = pytest.mark.django_db

ONE_MORE = {"points": [[0.2, 0.2], [0.3, 0.3]], "size": 3, "tool": "pen"}


def draw_more(drawing) -> Drawing:
    drawing.strokes = [*drawing.strokes, ONE_MORE]
    drawing.revision += 1
    drawing.save()
    picture_for(drawing)
    return drawing


def test_a_drawing_made_before_joining_is_the_kids_after_joining(cast):
    browser = Client()
    drawing_url = browser.get(reverse("drawapp:new"))["Location"]
    drawing = Drawing.objects.get()
    assert drawing.owner_user is None

    pin_url = reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk])
    assert browser.post(pin_url, {"pictures": KID_PIN}).status_code == 302

    drawing.refresh_from_db()
    assert drawing.owner_user == cast.kid.user
    assert browser.get(drawing_url).status_code == 200
    Drawing.objects.filter(pk=drawing.pk).update(strokes=STROKES, revision=3)
    assert f'data-testid="drawing-{drawing.pk}"' in browser.get(reverse("drawapp:mine")).text


def test_signing_in_claims_only_this_browsers_drawings(cast):
    mine, theirs = Client(), Client()
    mine.get(reverse("drawapp:new"))
    theirs.get(reverse("drawapp:new"))
    pin_url = reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk])
    mine.post(pin_url, {"pictures": KID_PIN})
    assert Drawing.objects.filter(owner_user=cast.kid.user).count() == 1
    assert Drawing.objects.filter(owner_user=None).count() == 1


def test_my_drawings_lists_every_drawing_with_strokes_newest_first(cast):
    older = kids_drawing(cast.kid)
    newer = kids_drawing(cast.kid)
    picture_for(newer)
    Drawing.objects.create(owner_user=cast.kid.user)  # blank: nothing to carry on with
    kids_drawing(cast.classmate)
    page = cast.client("kid").get(reverse("drawapp:mine")).text
    shown = [part.split('"')[0] for part in page.split('data-testid="drawing-')[1:]]
    assert shown == [str(newer.pk), str(older.pk)]


def test_a_new_drawing_starts_in_the_category_asked_for_or_drawn_last(cast):
    kid = cast.client("kid")
    kid.get(reverse("drawapp:new") + "?category=space")
    assert Drawing.objects.get().category == "space"
    Drawing.objects.update(revision=1)  # drawn in: /draw/ hands out an untouched canvas only
    kid.get(reverse("drawapp:new"))
    assert [d.category for d in Drawing.objects.order_by("created")] == ["space", "space"]
    kid.get(reverse("drawapp:new") + "?category=dragon")  # not a category: the last one
    assert Drawing.objects.order_by("-created").first().category == "space"


def test_keeping_again_after_one_more_stroke_updates_the_same_artwork(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    first = keep(cast.client("kid"), drawing, **JSON).json()
    artwork = Artwork.objects.get()
    old_picture = artwork.picture.name

    draw_more(drawing)
    second = keep(cast.client("kid"), drawing, **JSON)
    assert second.status_code == 200 and second.json()["outcome"] == "updated"
    assert second.json()["artwork_id"] == first["artwork_id"]
    assert second.json()["message"] == "Updated! Your teacher will take a look."
    artwork.refresh_from_db()
    assert Artwork.objects.count() == 1
    assert artwork.drawing_revision == drawing.revision and artwork.strokes[-1] == ONE_MORE
    assert artwork.picture.name != old_picture and not artwork.picture.storage.exists(old_picture)


def test_keep_as_new_makes_a_second_artwork(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    keep(cast.client("kid"), drawing, **JSON)
    draw_more(drawing)
    reply = keep(cast.client("kid"), drawing, data={"as_new": "1"}, **JSON)
    assert reply.status_code == 201 and reply.json()["outcome"] == "new"
    assert Artwork.objects.filter(drawing=drawing).count() == 2


def test_a_picture_sent_back_is_reopened_changed_and_goes_back_to_the_teacher(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    keep(cast.client("kid"), drawing, **JSON)
    artwork = Artwork.objects.get()
    do_review_artwork(artwork, cast.teacher.user, "return", "Add some wheels!")

    page = cast.client("kid").get(artwork.get_absolute_url()).text
    assert 'data-testid="change-it"' in page
    reopened = cast.client("kid").post(reverse("gallery:reopen", args=[artwork.pk]))
    assert reopened["Location"] == reverse("drawapp:draw", args=[drawing.pk])

    draw_more(drawing)
    keep(cast.client("kid"), drawing, **JSON)
    artwork.refresh_from_db()
    assert artwork.status == Artwork.Status.PENDING and Artwork.objects.count() == 1


def test_a_picture_whose_drawing_is_gone_reopens_as_a_new_drawing_of_its_strokes(cast):
    artwork = cast.art(cast.kid, status=Artwork.Status.RETURNED)
    assert artwork.drawing is None
    reopened = cast.client("kid").post(reverse("gallery:reopen", args=[artwork.pk]))
    drawing = Drawing.objects.get()
    assert reopened["Location"] == reverse("drawapp:draw", args=[drawing.pk])
    assert drawing.owner_user == cast.kid.user and drawing.strokes == artwork.strokes
    artwork.refresh_from_db()
    assert artwork.drawing == drawing


def test_only_the_artist_can_reopen_a_picture(cast):
    artwork = cast.art(cast.kid)
    assert cast.client("classmate").post(
        reverse("gallery:reopen", args=[artwork.pk])).status_code == 404
    assert not Drawing.objects.exists()
