"""'Keep it!': a kid's drawing and its current picture become an Artwork with both PNGs."""
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from drawapp.models import Drawing, Generation
from gallery.access import ASK_FOR_A_CODE
from gallery.models import Artwork

from .conftest import text, tiny_png

pytestmark = pytest.mark.django_db

STROKES = [
    {"points": [[0.1, 0.5], [0.9, 0.5]], "size": 8, "tool": "pen"},
    {"tool": "clear"},
    {"points": [[0.5, 0.1], [0.5, 0.9]], "size": 8, "tool": "pen"},
]
JSON = {"HTTP_ACCEPT": "application/json"}


def kids_drawing(kid, revision=3) -> Drawing:
    return Drawing.objects.create(owner_user=kid.user, category="car", strokes=STROKES,
                                  revision=revision)


def picture_for(drawing, revision=None) -> Generation:
    revision = drawing.revision if revision is None else revision
    relative = f"pictures/{drawing.pk}/r{revision}.png"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(tiny_png((10, 120, 250)))
    return Generation.objects.create(drawing=drawing, revision=revision, category="car",
                                     model_version="car-7", image=relative, model_ms=5,
                                     total_ms=9)


def keep(client, drawing, **extra):
    return client.post(reverse("gallery:keep", args=[drawing.pk]), extra.pop("data", {}),
                       **extra)


def test_keeping_saves_the_visible_strokes_sketch_and_picture(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    response = keep(cast.client("kid"), drawing, data={"title": " Red  car "}, **JSON)
    assert response.status_code == 201
    reply = response.json()
    assert reply["ok"] and reply["created"] and reply["status"] == "pending"
    assert reply["message"] == "Kept! Your teacher will take a look."

    artwork = Artwork.objects.get(pk=reply["artwork_id"])
    assert reply["artwork_url"] == artwork.get_absolute_url()
    assert (artwork.kid, artwork.classroom, artwork.drawing) == (
        cast.kid, cast.classroom, drawing)
    assert artwork.strokes == [STROKES[2]]  # only what is on the canvas after the clear
    assert (artwork.category, artwork.model_version, artwork.title) == ("car", "car-7", "Red car")
    assert artwork.drawing_revision == 3
    assert artwork.sketch.name.startswith(f"artworks/{cast.kid.pk}/")
    sketch = Image.open(BytesIO(artwork.sketch.read()))
    assert (sketch.mode, sketch.size) == ("L", (256, 256))
    assert sketch.getpixel((128, 60)) < 128 and sketch.getpixel((20, 128)) == 255
    picture = Image.open(BytesIO(artwork.picture.read()))
    assert picture.getpixel((0, 0)) == (10, 120, 250)


def test_no_picture_for_the_current_revision_yet_asks_the_kid_to_wait(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing, revision=2)  # an older picture does not count
    response = keep(cast.client("kid"), drawing, **JSON)
    assert response.status_code == 409
    assert response.json() == {"ok": False, "code": "no_picture",
                               "message": "Wait for your picture, then keep it!"}
    assert not Artwork.objects.exists()


def test_without_javascript_the_kid_is_shown_the_message_or_the_artwork(cast):
    drawing = kids_drawing(cast.kid)
    refused = keep(cast.client("kid"), drawing)
    assert refused.status_code == 409
    assert "Wait for your picture, then keep it!" in text(refused)
    assert reverse("drawapp:draw", args=[drawing.pk]) in text(refused)
    picture_for(drawing)
    kept = keep(cast.client("kid"), drawing)
    assert kept.status_code == 302 and kept.url == Artwork.objects.get().get_absolute_url()


def test_an_empty_canvas_cannot_be_kept(cast):
    drawing = Drawing.objects.create(owner_user=cast.kid.user, strokes=STROKES[:2], revision=2)
    response = keep(cast.client("kid"), drawing, **JSON)
    assert response.status_code == 400 and response.json()["message"] == "Draw something first!"


def test_without_approval_kept_art_goes_straight_to_the_class_gallery(cast):
    cast.classroom.approval_required = False
    cast.classroom.save()
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    reply = keep(cast.client("kid"), drawing, **JSON).json()
    assert reply["status"] == "approved"
    assert reply["message"] == "Kept! It's in your class gallery."


def test_keeping_the_same_revision_twice_gives_the_first_artwork(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    first = keep(cast.client("kid"), drawing, **JSON).json()
    second = keep(cast.client("kid"), drawing, **JSON)
    assert second.status_code == 200
    assert second.json()["artwork_id"] == first["artwork_id"] and not second.json()["created"]
    assert Artwork.objects.count() == 1


def test_keeping_the_same_revision_with_a_title_names_the_kept_picture(cast):
    """A title picked after keeping (one tap on a title button) renames the picture; keeping
    again with no title leaves the name alone."""
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    first = keep(cast.client("kid"), drawing, **JSON).json()
    renamed = keep(cast.client("kid"), drawing, data={"title": "A red car"}, **JSON).json()
    assert (renamed["outcome"], renamed["message"]) == ("renamed", "Named! “A red car”")
    keep(cast.client("kid"), drawing, **JSON)
    artwork = Artwork.objects.get()
    assert (artwork.pk, artwork.title) == (first["artwork_id"], "A red car")


def test_every_category_has_big_title_buttons_that_fit_a_title():
    from gallery.models import TITLE_MAX
    from gallery.titles import TITLES
    from inference.categories import CATEGORIES

    assert set(TITLES) == set(CATEGORIES)
    assert all(len(str(title)) <= TITLE_MAX for titles in TITLES.values() for _, title in titles)


def test_the_keep_form_offers_the_drawings_category_titles_and_a_typed_title(cast):
    drawing = kids_drawing(cast.kid)
    page = cast.client("kid").get(reverse("drawapp:draw", args=[drawing.pk])).content.decode()
    assert 'data-testid="keep-title"' in page and 'name="title"' in page
    shown = page.split('data-category="car">')[1].split("</div>")[0]
    assert 'data-title="A red car"' in shown  # the car's titles are the ones not hidden


@pytest.mark.parametrize("who", ["anonymous", "guest_user", "teacher"])
def test_guests_are_told_to_ask_for_a_class_code(cast, who):
    drawing = Drawing.objects.create(owner_session="someone", strokes=STROKES, revision=3)
    response = keep(cast.client(who), drawing, **JSON)
    assert response.status_code == 403
    assert response.json()["message"] == ASK_FOR_A_CODE
    assert "Ask your teacher for a class code" in ASK_FOR_A_CODE
    assert "Ask your teacher for a class code" in text(keep(cast.client(who), drawing))


def test_a_kid_cannot_keep_someone_elses_drawing(cast):
    drawing = kids_drawing(cast.classmate)
    picture_for(drawing)
    assert keep(cast.client("kid"), drawing, **JSON).status_code == 404
    assert not Artwork.objects.exists()


def test_keeping_needs_a_post_with_a_csrf_token(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.kid.user)
    assert strict.get(reverse("gallery:keep", args=[drawing.pk])).status_code == 405
    assert keep(strict, drawing, **JSON).status_code == 403
    assert not Artwork.objects.exists()


def test_a_too_long_title_is_refused(cast):
    drawing = kids_drawing(cast.kid)
    picture_for(drawing)
    response = keep(cast.client("kid"), drawing, data={"title": "x" * 61}, **JSON)
    assert response.status_code == 400
    assert "at most 60" in response.json()["message"]
    assert not Artwork.objects.exists()


def test_the_owner_renames_a_picture_and_nobody_else_can(cast):
    artwork = cast.art(cast.kid)
    cast.client("kid").post(reverse("gallery:title", args=[artwork.pk]), {"title": "Sunny"})
    artwork.refresh_from_db()
    assert artwork.title == "Sunny"
    response = cast.client("classmate").post(reverse("gallery:title", args=[artwork.pk]),
                                             {"title": "Mine now"})
    assert response.status_code == 404
    too_long = cast.client("kid").post(reverse("gallery:title", args=[artwork.pk]),
                                       {"title": "y" * 61})
    assert too_long.status_code == 400 and "at most 60" in text(too_long)
    artwork.refresh_from_db()
    assert artwork.title == "Sunny"
