"""XP, levels and streaks: drawing, keeping, entering and winning all count; weekends are free."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gallery.actions import (
    XP_DRAWING_MAX,
    XP_ENTER,
    XP_KEEP,
    XP_WIN,
    do_create_challenge,
    do_enter_challenge,
    do_pick_winner,
    do_record_drawing_activity,
)
from gallery.models import KidProfile, level_for_xp, xp_for_level

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 2)


def test_levels_need_more_xp_each_time():
    assert [xp_for_level(n) for n in range(1, 5)] == [0, 100, 300, 600]
    assert [level_for_xp(xp) for xp in (0, 99, 100, 299, 300, 600)] == [1, 1, 2, 2, 3, 4]


def test_keeping_a_picture_gives_xp_for_drawing_and_keeping(cast):
    cast.art(cast.kid)  # one stroke
    kid = KidProfile.objects.get(pk=cast.kid.pk)
    assert kid.xp == 1 + XP_KEEP


def test_drawing_xp_is_capped_per_picture(cast):
    do_record_drawing_activity(cast.kid, MONDAY, stroke_count=500)
    assert KidProfile.objects.get(pk=cast.kid.pk).xp == XP_DRAWING_MAX


def test_entering_and_winning_give_xp_and_levels_follow(cast):
    today = timezone.localdate()
    challenge = do_create_challenge(cast.teacher.user, classroom=cast.classroom, prompt="Go",
                                    category="", starts=today, ends=today)
    artwork = cast.art(cast.kid)
    before = KidProfile.objects.get(pk=cast.kid.pk).xp
    entry = do_enter_challenge(cast.kid, challenge, artwork)
    do_pick_winner(entry, cast.teacher.user)
    kid = KidProfile.objects.get(pk=cast.kid.pk)
    assert kid.xp == before + XP_ENTER + XP_WIN
    assert kid.level == level_for_xp(kid.xp)


def test_streak_grows_on_consecutive_days_and_not_twice_a_day(cast):
    for offset in (0, 0, 1, 2):
        do_record_drawing_activity(cast.kid, MONDAY + timedelta(days=offset))
    kid = KidProfile.objects.get(pk=cast.kid.pk)
    assert (kid.streak, kid.best_streak, kid.last_drawn_date) == (3, 3, MONDAY + timedelta(2))


def test_a_missed_school_day_starts_the_streak_again(cast):
    for day in (MONDAY, MONDAY + timedelta(1), MONDAY + timedelta(3)):
        do_record_drawing_activity(cast.kid, day)
    kid = KidProfile.objects.get(pk=cast.kid.pk)
    assert (kid.streak, kid.best_streak) == (1, 2)


def test_a_weekend_does_not_break_the_streak(cast):
    friday, next_monday = MONDAY + timedelta(4), MONDAY + timedelta(7)
    for day in (MONDAY + timedelta(3), friday, next_monday):
        do_record_drawing_activity(cast.kid, day)
    assert KidProfile.objects.get(pk=cast.kid.pk).streak == 3


def test_an_older_day_does_not_move_the_streak_back(cast):
    do_record_drawing_activity(cast.kid, MONDAY + timedelta(1))
    do_record_drawing_activity(cast.kid, MONDAY)
    kid = KidProfile.objects.get(pk=cast.kid.pk)
    assert (kid.streak, kid.last_drawn_date) == (1, MONDAY + timedelta(1))


def test_the_streak_shown_today_is_zero_once_a_school_day_was_missed(cast, monkeypatch):
    next_monday = MONDAY + timedelta(days=7)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: next_monday)
    kid = KidProfile(streak=4)
    for last_drawn, shown in [(next_monday, 4), (MONDAY + timedelta(days=4), 4),
                              (MONDAY + timedelta(days=3), 0), (None, 0)]:
        kid.last_drawn_date = last_drawn
        assert kid.current_streak == shown, last_drawn


def test_profile_shows_level_xp_streak_and_badges(cast):
    cast.art(cast.kid)
    page = cast.client("kid").get("/gallery/me/")
    assert page.status_code == 200
    badges = {item["badge"].slug: item["award"] for item in page.context["badges"]}
    assert badges["first-picture"] is not None and badges["streak-7"] is None
    text = page.content.decode()
    assert 'data-testid="badge-first-picture" data-earned="true"' in text
    assert f"{1 + XP_KEEP} / 100 XP" in text
