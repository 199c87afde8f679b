"""Who sees what: a kid never sees another class's unpublished art; guests see only the wall."""
import pytest
from django.urls import reverse

from gallery.access import ASK_FOR_A_CODE, visible_artworks
from gallery.models import Artwork

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Artwork.Status.PENDING, Artwork.Status.APPROVED
HIDDEN, RETURNED = Artwork.Status.HIDDEN, Artwork.Status.RETURNED


def opens(client, artwork) -> bool:
    status = client.get(artwork.get_absolute_url()).status_code
    assert status in (200, 404)
    return status == 200


@pytest.mark.parametrize("status", [PENDING, HIDDEN, RETURNED, APPROVED])
def test_a_kid_never_sees_another_classes_art_unless_it_is_on_the_wall(cast, status):
    artwork = cast.art(cast.outsider, status=status)
    assert not opens(cast.client("kid"), artwork)
    assert artwork not in visible_artworks(cast.kid.user)


def test_another_classes_gallery_is_not_found_for_a_kid(cast):
    cast.art(cast.outsider, status=APPROVED, title="Bluebell art")
    response = cast.client("kid").get(reverse("gallery:class", args=[cast.other_classroom.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("status", [PENDING, HIDDEN, RETURNED])
def test_classmates_do_not_see_art_that_is_not_approved(cast, status):
    artwork = cast.art(cast.kid, status=status, title="Not yet")
    assert not opens(cast.client("classmate"), artwork)
    page = cast.client("classmate").get(reverse("gallery:class", args=[cast.classroom.pk]))
    assert artwork not in page.context["artworks"]


def test_the_class_gallery_shows_approved_art_to_classmates_and_the_teacher(cast):
    approved = cast.art(cast.kid, status=APPROVED, title="Sunny panda")
    cast.art(cast.kid, status=PENDING, title="Pending panda")
    for who in ("classmate", "kid", "teacher"):
        page = cast.client(who).get(reverse("gallery:class", args=[cast.classroom.pk]))
        assert list(page.context["artworks"]) == [approved]
        assert "Pending panda" not in page.content.decode()
    assert opens(cast.client("classmate"), approved)


def test_a_kid_sees_all_their_own_art_with_its_state(cast):
    mine = [cast.art(cast.kid, status=status) for status in (PENDING, HIDDEN, RETURNED, APPROVED)]
    page = cast.client("kid").get(reverse("gallery:mine"))
    assert set(page.context["artworks"]) == set(mine)
    assert all(opens(cast.client("kid"), artwork) for artwork in mine)
    assert not cast.client("classmate").get(reverse("gallery:mine")).context["artworks"]


def test_a_teacher_sees_all_art_of_their_class_and_none_of_another(cast):
    pending = cast.art(cast.kid, status=PENDING)
    elsewhere = cast.art(cast.outsider, status=PENDING)
    assert opens(cast.client("teacher"), pending)
    assert not opens(cast.client("teacher"), elsewhere)
    response = cast.client("teacher").get(reverse("gallery:class",
                                                  args=[cast.other_classroom.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "guest_user"])
def test_guests_see_only_the_featured_wall(cast, who):
    cast.classroom.public_featuring_allowed = True
    cast.classroom.save()
    on_wall = cast.art(cast.kid, featured=True, title="Wall panda")
    approved = cast.art(cast.kid, status=APPROVED, title="Class panda")
    pending = cast.art(cast.classmate, status=PENDING, title="Queue panda")
    client = cast.client(who)

    home = client.get(reverse("home"))
    assert list(home.context["featured"]) == [on_wall]
    text = home.content.decode()
    assert "Wall panda" in text and "Class panda" not in text and "Queue panda" not in text
    assert opens(client, on_wall)
    assert "Sunflowers" not in client.get(on_wall.get_absolute_url()).content.decode()
    assert not opens(client, approved) and not opens(client, pending)
    assert client.get(reverse("gallery:class", args=[cast.classroom.pk])).status_code == 404
    for name in ("gallery:mine", "gallery:profile", "gallery:challenges"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert str(ASK_FOR_A_CODE) in response.content.decode()


def test_the_wall_shows_featured_art_only_from_classes_that_allow_it(cast):
    cast.other_classroom.public_featuring_allowed = True
    cast.other_classroom.save()
    kept_inside = cast.art(cast.kid, featured=True)  # its class keeps featured art inside
    allowed = cast.art(cast.outsider, featured=True)
    cast.art(cast.outsider, status=APPROVED)  # approved but not featured
    hidden = cast.art(cast.outsider, status=HIDDEN, featured=True)  # never shown once hidden
    home = cast.client("anonymous").get(reverse("home"))
    assert list(home.context["featured"]) == [allowed]
    assert not opens(cast.client("anonymous"), kept_inside)
    assert not opens(cast.client("anonymous"), hidden)


def test_titles_and_names_are_escaped_everywhere(cast):
    cast.classroom.public_featuring_allowed = True
    cast.classroom.save()
    artwork = cast.art(cast.kid, featured=True, title='<script>alert("hi")</script>')
    for who, url in [("anonymous", reverse("home")), ("kid", artwork.get_absolute_url()),
                     ("kid", reverse("gallery:mine")), ("teacher",
                     reverse("gallery:teacher-queue", args=[cast.classroom.pk]))]:
        text = cast.client(who).get(url).content.decode()
        assert '<script>alert("hi")' not in text
        assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in text
