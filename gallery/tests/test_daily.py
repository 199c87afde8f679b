"""The daily challenge: picked from the pool by date, the same for everyone, made on first ask."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from gallery.daily import DAILY_PROMPTS, daily_prompt_for, get_daily_challenge
from gallery.models import Challenge
from inference.categories import CATEGORIES

DAY = date(2026, 3, 14)


def test_the_same_day_always_gets_the_same_prompt():
    assert daily_prompt_for(DAY) == daily_prompt_for(date(2026, 3, 14))


def test_the_pool_comes_round_only_after_every_prompt_had_its_day():
    days = [DAY + timedelta(days=n) for n in range(len(DAILY_PROMPTS))]
    assert len({daily_prompt_for(day) for day in days}) == len(DAILY_PROMPTS)
    assert daily_prompt_for(DAY + timedelta(days=len(DAILY_PROMPTS))) == daily_prompt_for(DAY)


def test_every_pool_prompt_uses_a_real_category():
    assert {category for _, category in DAILY_PROMPTS} <= set(CATEGORIES)


@pytest.mark.django_db
def test_the_daily_challenge_is_made_once_on_first_request():
    assert not Challenge.objects.exists()
    first = get_daily_challenge(DAY)
    again = get_daily_challenge(DAY)
    assert first.pk == again.pk and Challenge.objects.count() == 1
    assert (first.prompt, first.category) == daily_prompt_for(DAY)
    assert (first.starts, first.ends, first.daily_for, first.classroom) == (DAY, DAY, DAY, None)
    assert first.is_daily and first.is_open(DAY) and not first.is_open(DAY + timedelta(1))


@pytest.mark.django_db
def test_the_challenge_page_shows_todays_daily_challenge(cast):
    page = cast.client("kid").get(reverse("gallery:challenges"))
    daily = page.context["daily"]
    assert daily.is_daily and daily.prompt in page.content.decode().replace("&#x27;", "'")
    assert cast.client("classmate").get(reverse("gallery:challenges")).context["daily"] == daily
    assert Challenge.objects.filter(daily_for__isnull=False).count() == 1
