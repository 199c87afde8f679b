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
