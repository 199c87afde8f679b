"""Badges are data, run by one function on events, awarded once each, and pushed to the kid."""
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from gallery import rules
from gallery.actions import (
    do_create_challenge,
    do_enter_challenge,
    do_pick_winner,
    do_record_drawing_activity,
    do_review_artwork,
    do_star,
)
from gallery.badges import award_badges, kid_group
from gallery.models import AwardedBadge, Badge, KidProfile

pytestmark = pytest.mark.django_db

DEFAULT_SLUGS = {
    "first-picture", "ten-pictures", "fifty-pictures", "every-category", "streak-3",
    "streak-7", "first-star", "ten-stars", "first-challenge", "challenge-winner", "featured",
}


def badges_of(kid) -> list[str]:
    return sorted(AwardedBadge.objects.filter(kid=kid).values_list("badge__slug", flat=True))


def test_the_migration_seeds_the_default_badges_with_valid_rules(db):
    assert set(Badge.objects.values_list("slug", flat=True)) == DEFAULT_SLUGS
    rule_names = {name for name, _ in rules.RULE_CHOICES}
    for badge in Badge.objects.all():
        assert badge.rule in rule_names and badge.threshold >= 1 and badge.icon


def test_every_rule_is_run_by_some_event():
    reachable = {rule for rules_of_event in rules.RULES_FOR_EVENT.values()
                 for rule in rules_of_event}
    assert reachable == {name for name, _ in rules.RULE_CHOICES}


def test_first_picture_badge_is_awarded_once(cast):
    cast.art(cast.kid)
    assert badges_of(cast.kid) == ["first-picture"]
    cast.art(cast.kid)
    assert AwardedBadge.objects.filter(kid=cast.kid, badge__slug="first-picture").count() == 1
    assert award_badges(cast.kid, rules.KEPT) == []


def test_ten_pictures_badge_comes_with_the_tenth_picture(cast):
    for _ in range(9):
        cast.art(cast.kid)
    assert "ten-pictures" not in badges_of(cast.kid)
    cast.art(cast.kid)
    assert "ten-pictures" in badges_of(cast.kid)
    assert "fifty-pictures" not in badges_of(cast.kid)


def test_fifty_pictures_badge_uses_its_threshold_from_the_data(cast):
    Badge.objects.filter(slug="fifty-pictures").update(threshold=3)
    for _ in range(3):
        cast.art(cast.kid)
    assert "fifty-pictures" in badges_of(cast.kid)


def test_trying_every_category_earns_a_badge(cast):
    for category in ("panda", "car", "shoe", "gemstone", "space"):
        cast.art(cast.kid, category=category)
        cast.art(cast.kid, category=category)
    assert "every-category" not in badges_of(cast.kid)
    cast.art(cast.kid, category="maplestory")
    assert "every-category" in badges_of(cast.kid)


def test_three_and_seven_day_streaks(cast):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 14)
    for offset in range(2):
        do_record_drawing_activity(cast.kid, monday + timedelta(days=offset))
    assert "streak-3" not in badges_of(cast.kid)
    do_record_drawing_activity(cast.kid, monday + timedelta(days=2))
    assert "streak-3" in badges_of(cast.kid) and "streak-7" not in badges_of(cast.kid)
    for offset in range(3, 7):
        do_record_drawing_activity(cast.kid, monday + timedelta(days=offset))
    assert "streak-7" in badges_of(cast.kid)
    assert badges_of(cast.kid).count("streak-3") == 1


def test_stars_received_badge_goes_to_the_artist_not_the_giver(cast):
    artwork = cast.art(cast.kid)
    do_star(cast.classmate, artwork)
    assert "first-star" in badges_of(cast.kid)
    assert "first-star" not in badges_of(cast.classmate)


def test_first_challenge_entry_and_winner_badges(cast):
    today = timezone.localdate()
    challenge = do_create_challenge(cast.teacher.user, classroom=cast.classroom,
                                    prompt="A panda", category="", starts=today, ends=today)
    entry = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    assert {"first-challenge"} <= set(badges_of(cast.kid))
    assert "challenge-winner" not in badges_of(cast.kid)
    do_pick_winner(entry, cast.teacher.user)
    do_pick_winner(entry, cast.teacher.user)  # picking again changes nothing
    assert badges_of(cast.kid).count("challenge-winner") == 1


def test_featured_artwork_badge(cast):
    artwork = cast.art(cast.kid)
    do_review_artwork(artwork, cast.teacher.user, "approve")
    assert "featured" not in badges_of(cast.kid)
    do_review_artwork(artwork, cast.teacher.user, "feature")
    assert "featured" in badges_of(cast.kid)


def test_an_admin_made_badge_works_without_code(cast):
    Badge.objects.create(slug="two-stars", name="Two stars", icon="✨", description="2 stars",
                         rule=rules.STARS_RECEIVED, threshold=2)
    artwork = cast.art(cast.kid)
    do_star(cast.classmate, artwork)
    assert "two-stars" not in badges_of(cast.kid)
    extra = KidProfile.objects.create(user=type(cast.kid.user).objects.create(username="kid-z"),
                                      classroom=cast.classroom, first_name="Zed",
                                      last_initial="Q", pin_hash="")
    do_star(extra, artwork)
    assert "two-stars" in badges_of(cast.kid)


def test_unknown_events_are_a_programming_error(cast):
    with pytest.raises(ValueError, match="unknown badge event"):
        award_badges(cast.kid, "sneezed")


def test_new_badges_are_pushed_to_the_kid_group_after_commit(
    cast, in_memory_layer, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(kid_group(cast.kid.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cast.art(cast.kid)
    assert callbacks, "the push waits for the commit"
    for callback in callbacks:
        callback()
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "badge.awarded", "badge": {
        "slug": "first-picture", "name": "First picture", "icon": "🎨", "icon_name": "palette",
        "description": "You kept your first picture!"}}


def test_no_push_when_no_badge_is_new(cast, django_capture_on_commit_callbacks):
    cast.art(cast.kid)
    with django_capture_on_commit_callbacks() as callbacks:
        award_badges(cast.kid, rules.KEPT)
    assert callbacks == []
