"""The drawing pages: starting a drawing, owning it, and nobody else seeing it."""
import json
import re

import pytest
from django.test import Client

from drawapp import protocol
from drawapp.models import Drawing

pytestmark = pytest.mark.django_db


def test_new_drawing_redirects_to_a_canvas_owned_by_this_session(client):
    response = client.get("/draw/")
    drawing = Drawing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/draw/{drawing.pk}/"
    assert drawing.owner_session == client.session.session_key


def test_owner_sees_the_canvas_page_with_its_state(client):
    client.get("/draw/")
    drawing = Drawing.objects.get()
    page = client.get(f"/draw/{drawing.pk}/")
    assert page.status_code == 200
    assert page.context["ws_path"] == f"/ws/draw/{drawing.pk}/"
    assert page.context["initial_state"]["id"] == str(drawing.pk)
    assert b'id="drawing-state"' in page.content


def test_canvas_page_reads_the_stroke_limits_from_the_protocol_module(client):
    client.get("/draw/")
    page = client.get(f"/draw/{Drawing.objects.get().pk}/").content.decode()
    found = re.search(r'<script id="drawing-protocol" type="application/json">(.*?)</script>', page)
    limits = json.loads(found.group(1))
    assert limits["max_points_per_stroke"] == protocol.MAX_POINTS_PER_STROKE
    assert limits["max_messages_per_second"] == protocol.MAX_MESSAGES_PER_SECOND
    assert limits["message_burst"] == protocol.MESSAGE_BURST
    assert limits["tools"] == list(protocol.TOOLS)


def test_another_browser_gets_not_found_for_someone_elses_drawing(client):
    client.get("/draw/")
    drawing = Drawing.objects.get()
    assert Client().get(f"/draw/{drawing.pk}/").status_code == 404


def test_signed_in_users_drawing_belongs_to_the_user(client, django_user_model):
    user = django_user_model.objects.create_user("ada", password="pw-for-tests-only")
    client.force_login(user)
    client.get("/draw/")
    drawing = Drawing.objects.get()
    assert drawing.owner_user == user
    other = Client()
    other.force_login(django_user_model.objects.create_user("bob", password="pw-for-tests-only"))
    assert other.get(f"/draw/{drawing.pk}/").status_code == 404


def test_starting_a_drawing_needs_get(client):
    assert client.post("/draw/").status_code == 405


def test_opening_draw_again_reuses_the_untouched_canvas_instead_of_making_rows(client):
    first = client.get("/draw/")["Location"]
    assert [client.get("/draw/")["Location"] for _ in range(5)] == [first] * 5
    assert Drawing.objects.count() == 1


def test_a_canvas_with_a_change_saved_is_not_reused(client):
    client.get("/draw/")
    used = Drawing.objects.get()
    Drawing.objects.filter(pk=used.pk).update(revision=1)
    again = client.get("/draw/")["Location"]
    assert again != f"/draw/{used.pk}/" and Drawing.objects.count() == 2


def test_an_untouched_canvas_of_another_browser_or_user_is_never_handed_out(
    client, django_user_model
):
    client.get("/draw/")
    other = Client()
    other.get("/draw/")
    user = django_user_model.objects.create_user("kid", password="pw-long-enough-1")
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.get("/draw/")
    assert Drawing.objects.count() == 3
    assert Drawing.objects.filter(owner_user=user).count() == 1
