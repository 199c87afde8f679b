"""The studio's own error pages and offline page, each with a way home; the service worker."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db

WAY_HOME = re.compile(r'<a [^>]*href="/"[^>]*data-testid="error-home"')


def test_a_missing_page_is_the_studios_404_with_a_way_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-page"' in page and WAY_HOME.search(page)


@pytest.mark.parametrize(("handler", "status", "words"), [
    (lambda request: permission_denied(request, PermissionDenied()), 403, "not for you"),
    (server_error, 500, "Something broke"),
])
def test_forbidden_and_broken_pages_are_the_studios_own(rf, handler, status, words):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()  # as the middleware leaves it for a visitor
    response = handler(request)
    page = response.content.decode()
    assert response.status_code == status and words in page
    assert WAY_HOME.search(page)


def test_offline_page_says_the_drawing_is_safe_and_offers_home(client):
    page = client.get("/offline/").content.decode()
    assert "Your drawing is safe" in page and WAY_HOME.search(page)


def test_service_worker_is_served_from_the_root_with_the_app_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    for part in ('"/offline/"', '"/static/draw/studio.js"', '"/static/gallery/icons.svg"'):
        assert part in script
