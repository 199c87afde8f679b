"""The daily challenge: one prompt a day from a pool, picked by date, made on first request."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import Challenge

# (prompt, category): kept in English, shown in the page's language (gallery_tags.prompt_text).
# The pool walks round in this order, one a day, so the same prompt comes back only after every
# other one has had its day.
DAILY_PROMPTS = (
    (gettext_noop("A panda having a picnic"), "panda"),
    (gettext_noop("The fastest car in the world"), "car"),
    (gettext_noop("A shoe for a giant"), "shoe"),
    (gettext_noop("A gem that glows in the dark"), "gemstone"),
    (gettext_noop("A rocket going to a new planet"), "space"),
    (gettext_noop("A brave hero on an adventure"), "maplestory"),
    (gettext_noop("A panda who loves to dance"), "panda"),
    (gettext_noop("A car that can fly"), "car"),
    (gettext_noop("Shoes for running on the moon"), "shoe"),
    (gettext_noop("A treasure chest of jewels"), "gemstone"),
    (gettext_noop("An alien's home"), "space"),
    (gettext_noop("A friendly monster"), "maplestory"),
    (gettext_noop("A sleepy panda in a tree"), "panda"),
    (gettext_noop("A race car with big wheels"), "car"),
    (gettext_noop("A boot for splashing in puddles"), "shoe"),
    (gettext_noop("A crystal crown"), "gemstone"),
    (gettext_noop("Stars and a comet"), "space"),
    (gettext_noop("A castle in the clouds"), "maplestory"),
)


def daily_prompt_for(day: date) -> tuple[str, str]:
    """The (prompt, category) of `day`: the same for everyone, every time it is asked."""
    return DAILY_PROMPTS[day.toordinal() % len(DAILY_PROMPTS)]


def get_daily_challenge(day: date | None = None) -> Challenge:
    """Today's challenge for everyone, made the first time anyone asks (no cron needed)."""
    day = day or timezone.localdate()
    existing = Challenge.objects.filter(daily_for=day).first()
    if existing is not None:
        return existing
    prompt, category = daily_prompt_for(day)
    try:
        with transaction.atomic():
            return Challenge.objects.create(
                classroom=None, prompt=prompt, category=category, starts=day, ends=day,
                daily_for=day,
            )
    except IntegrityError:  # another request made it a moment ago
        return Challenge.objects.get(daily_for=day)
