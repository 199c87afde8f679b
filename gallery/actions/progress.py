"""XP, levels and streaks: what a kid earns for drawing, keeping, stars, entries and wins."""
from datetime import date

from django.db import transaction
from django.utils import timezone

from .. import rules
from ..badges import award_badges
from ..models import KidProfile, level_for_xp, only_weekend_between

XP_PER_STROKE = 1
XP_DRAWING_MAX = 20
XP_KEEP = 10
XP_STAR_RECEIVED = 2
XP_FEATURED = 25
XP_ENTER = 15
XP_WIN = 50


def add_xp(kid: KidProfile, amount: int) -> None:
    """Add XP on the locked row and copy the result onto the caller's object."""
    locked = KidProfile.objects.select_for_update().get(pk=kid.pk)
    locked.xp += amount
    locked.level = level_for_xp(locked.xp)
    locked.save(update_fields=["xp", "level"])
    kid.xp, kid.level = locked.xp, locked.level


def do_record_drawing_activity(kid: KidProfile, day: date | None = None,
                               stroke_count: int = 0) -> KidProfile:
    """A kid made a picture on `day`: XP for the drawing and the day's streak. A streak counts
    school days, so a weekend without drawing does not break it."""
    day = day or timezone.localdate()
    with transaction.atomic():
        locked = KidProfile.objects.select_for_update().get(pk=kid.pk)
        last = locked.last_drawn_date
        if last is None or last < day:
            if last is not None and only_weekend_between(last, day):
                locked.streak += 1
            else:
                locked.streak = 1
            locked.best_streak = max(locked.best_streak, locked.streak)
            locked.last_drawn_date = day
        locked.xp += min(stroke_count * XP_PER_STROKE, XP_DRAWING_MAX)
        locked.level = level_for_xp(locked.xp)
        locked.save(update_fields=["streak", "best_streak", "last_drawn_date", "xp", "level"])
        for field in ("streak", "best_streak", "last_drawn_date", "xp", "level"):
            setattr(kid, field, getattr(locked, field))
        award_badges(kid, rules.DREW)
    return kid
