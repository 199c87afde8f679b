"""The gallery's pieces on shared pages: Keep it! and badge pop-ups for kids, nothing for others."""
import pytest
from django.urls import reverse

from drawapp.models import Drawing

pytestmark = pytest.mark.django_db


def drawing_page(client, owner_user=None):
    response = client.get(reverse("drawapp:new"))
    assert response.status_code == 302
    drawing = Drawing.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert drawing.owner_user == owner_user
    return client.get(response.url).content.decode(), drawing


def test_a_kid_sees_keep_it_and_the_badge_socket_on_the_drawing_page(cast):
    page, drawing = drawing_page(cast.client("kid"), cast.kid.user)
    assert 'data-testid="keep"' in page
    assert f'action="{reverse("gallery:keep", args=[drawing.pk])}"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'data-socket-path="/ws/kid/"' in page and "gallery/notify.js" in page


@pytest.mark.parametrize("who", ["anonymous", "guest_user", "teacher"])
def test_others_get_neither_keep_it_nor_the_badge_socket(cast, who):
    client = cast.client(who)
    user = None if who == "anonymous" else (
        cast.guest_user if who == "guest_user" else cast.teacher.user)
    page, _ = drawing_page(client, user)
    assert 'data-testid="keep"' not in page and "gallery/keep.js" not in page
    assert "/ws/kid/" not in page and "gallery/notify.js" not in page
    assert 'data-testid="save"' in page  # guests can still download their picture


def test_badge_socket_is_on_every_page_a_kid_opens(cast):
    client = cast.client("kid")
    for url in (reverse("home"), reverse("gallery:mine"), reverse("gallery:profile")):
        assert 'data-socket-path="/ws/kid/"' in client.get(url).content.decode(), url


def test_home_offers_joining_to_visitors_and_galleries_to_kids(cast):
    anonymous = cast.client("anonymous").get(reverse("home")).content.decode()
    assert 'data-testid="home-join"' in anonymous and 'data-testid="start-drawing"' in anonymous
    kid = cast.client("kid").get(reverse("home")).content.decode()
    assert 'data-testid="home-mine"' in kid and 'data-testid="home-join"' not in kid
