"""Every gallery model is in the admin with list columns, filters and search that work."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from gallery.actions import do_create_challenge, do_enter_challenge
from gallery.models import Artwork, ChallengeEntry

from .conftest import text

pytestmark = pytest.mark.django_db


def test_every_gallery_model_is_registered_with_columns_filters_and_search():
    for model in apps.get_app_config("gallery").get_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, f"{model.__name__} is not in the admin"
        assert len(model_admin.list_display) > 1, model.__name__
        assert model_admin.search_fields, model.__name__
        if model.__name__ != "Teacher":
            assert model_admin.list_filter, model.__name__


def test_every_changelist_loads_with_a_search_and_a_filter(cast, admin_client):
    cast.art(cast.kid, title="Admin panda")
    for model in apps.get_app_config("gallery").get_models():
        url = reverse(f"admin:gallery_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        assert admin_client.get(url, {"q": "a"}).status_code == 200, url
    artworks = admin_client.get(reverse("admin:gallery_artwork_changelist"),
                                {"status__exact": "approved"})
    assert "Admin panda" in artworks.content.decode()


def test_admin_curation_goes_through_the_same_action(cast, admin_client):
    artwork = cast.art(cast.kid, status=Artwork.Status.PENDING)
    admin_client.post(reverse("admin:gallery_artwork_changelist"),
                      {"action": "feature", "_selected_action": [artwork.pk]})
    artwork.refresh_from_db()
    assert artwork.featured and artwork.status == "approved"
    assert cast.kid.awarded_badges.filter(badge__slug="featured").exists()


def test_admin_picks_challenge_winners_through_the_action(cast, admin_client, admin_user):
    today = timezone.localdate()
    challenge = do_create_challenge(admin_user, classroom=None, prompt="All", category="",
                                    starts=today, ends=today)
    entry = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    admin_client.post(reverse("admin:gallery_challengeentry_changelist"),
                      {"action": "pick_as_winners", "_selected_action": [entry.pk]})
    assert ChallengeEntry.objects.get(pk=entry.pk).is_winner
    assert cast.kid.awarded_badges.filter(badge__slug="challenge-winner").exists()


def test_an_admin_action_that_may_not_happen_is_a_message_not_a_500(cast, client,
                                                                     django_user_model):
    from django.contrib.auth.models import Permission

    helper = django_user_model.objects.create_user("helper", password="pw", is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_artwork", "change_artwork"]))
    client.force_login(helper)
    artwork = cast.art(cast.kid, status=Artwork.Status.PENDING)
    for action in ("approve", "feature", "hide"):
        response = client.post(reverse("admin:gallery_artwork_changelist"),
                               {"action": action, "_selected_action": [artwork.pk]},
                               follow=True)
        assert response.status_code == 200
        page = text(response)
        assert "Only this class's teacher can do that." in page
        assert f"{action.capitalize()}: 0 of 1 pictures." in page
    artwork.refresh_from_db()
    assert artwork.status == Artwork.Status.PENDING and not artwork.featured


def admin_form_data(kid, admin_user) -> dict:
    """What the admin's change form for this kid posts when nothing is changed."""
    from django.test import RequestFactory

    from gallery.models import KidProfile

    request = RequestFactory().get("/")
    request.user = admin_user
    form = admin.site._registry[KidProfile].get_form(request, kid)(instance=kid)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = "on" if value is True else ("" if value is False else value)
    return data


def test_the_admin_saves_a_one_word_name_with_no_initial(cast, admin_client, admin_user):
    """Kids are added with one-word names ("Maya"); the admin's kid form takes them too, where
    it used to insist on a last initial."""
    kid = cast.classmate
    data = {**admin_form_data(kid, admin_user), "first_name": "maya", "last_initial": ""}
    response = admin_client.post(reverse("admin:gallery_kidprofile_change", args=[kid.pk]), data)
    assert response.status_code == 302, text(response)[:2000]
    kid.refresh_from_db()
    assert (kid.first_name, kid.last_initial, kid.display_name) == ("Maya", "", "Maya")


def test_the_admin_refuses_a_namesake_in_the_class_with_a_message_not_a_500(
    cast, admin_client, admin_user
):
    from gallery.actions import do_add_kids

    do_add_kids(cast.classroom, cast.teacher.user, [("Zoe", "")])
    data = {**admin_form_data(cast.classmate, admin_user), "first_name": "Zoe",
            "last_initial": ""}
    response = admin_client.post(
        reverse("admin:gallery_kidprofile_change", args=[cast.classmate.pk]), data)
    assert response.status_code == 200
    assert "A kid of that name is already in this class." in text(response)
