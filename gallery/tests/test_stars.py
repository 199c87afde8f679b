"""Stars: classmates give one per artwork, never to their own, only where the class allows."""
import pytest
from django.urls import reverse

from gallery.actions import Conflict, GalleryError, NotAllowed, do_star
from gallery.models import Artwork, Star

from .conftest import text

pytestmark = pytest.mark.django_db


def star(client, artwork, **headers):
    return client.post(reverse("gallery:star", args=[artwork.pk]), **headers)


def test_a_classmate_gives_a_star(cast):
    artwork = cast.art(cast.kid)
    response = star(cast.client("classmate"), artwork, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["stars"] == 1
    assert Star.objects.filter(kid=cast.classmate, artwork=artwork).exists()
    page = cast.client("kid").get(artwork.get_absolute_url())
    assert page.context["art"].star_count == 1


def test_a_kid_cannot_star_their_own_artwork(cast):
    artwork = cast.art(cast.kid)
    response = star(cast.client("kid"), artwork)
    assert response.status_code == 400
    assert "That's your own picture!" in text(response)
    assert not Star.objects.exists()
    assert cast.client("kid").get(artwork.get_absolute_url()).context["can_star"] is False


def test_a_kid_cannot_star_twice(cast):
    artwork = cast.art(cast.kid)
    client = cast.client("classmate")
    star(client, artwork)
    response = star(client, artwork, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json() == {"ok": False, "code": "already_starred",
                               "message": "You already gave this picture a star!"}
    assert Star.objects.count() == 1
    with pytest.raises(Conflict):
        do_star(cast.classmate, artwork)


def test_no_stars_when_the_class_turned_them_off(cast):
    cast.classroom.stars_enabled = False
    cast.classroom.save()
    response = star(cast.client("classmate"), cast.art(cast.kid))
    assert response.status_code == 400
    assert "Stars are turned off in your class." in response.content.decode()
    assert not Star.objects.exists()


def test_art_waiting_for_the_teacher_cannot_be_starred(cast):
    artwork = cast.art(cast.kid, status=Artwork.Status.PENDING)
    assert star(cast.client("classmate"), artwork).status_code == 404
    with pytest.raises(NotAllowed):
        do_star(cast.classmate, artwork)


def test_kids_of_another_class_cannot_star_even_featured_art(cast):
    cast.classroom.public_featuring_allowed = True
    cast.classroom.save()
    artwork = cast.art(cast.kid, featured=True)
    response = star(cast.client("outsider"), artwork)
    assert response.status_code == 403
    assert not Star.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "guest_user", "teacher"])
def test_only_kids_give_stars(cast, who):
    response = star(cast.client(who), cast.art(cast.kid))
    assert response.status_code == 403
    assert not Star.objects.exists()


def test_star_errors_are_gallery_errors_with_kid_friendly_messages(cast):
    with pytest.raises(GalleryError) as error:
        do_star(cast.kid, cast.art(cast.kid))
    assert error.value.code == "own_artwork"
