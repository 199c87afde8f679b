"""The daily challenge: one prompt a day from a pool, picked by date, made on first request."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Challenge

# (prompt, category): the pool walks round in this order, one a day, so the same prompt comes
# back only after every other one has had its day.
DAILY_PROMPTS = (
    ("A panda having a picnic", "panda"),
    ("The fastest car in the world", "car"),
    ("A shoe for a giant", "shoe"),
    ("A gem that glows in the dark", "gemstone"),
    ("A rocket going to a new planet", "space"),
    ("A brave hero on an adventure", "maplestory"),
    ("A panda who loves to dance", "panda"),
    ("A car that can fly", "car"),
    ("Shoes for running on the moon", "shoe"),
    ("A treasure chest of jewels", "gemstone"),
    ("An alien's home", "space"),
    ("A friendly monster", "maplestory"),
    ("A sleepy panda in a tree", "panda"),
    ("A race car with big wheels", "car"),
    ("A boot for splashing in puddles", "shoe"),
    ("A crystal crown", "gemstone"),
    ("Stars and a comet", "space"),
    ("A castle in the clouds", "maplestory"),
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
