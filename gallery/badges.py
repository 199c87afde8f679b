"""The one place badges are earned: run the data-driven Badge rules for a kid after an event."""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction

from . import rules
from .models import Artwork, AwardedBadge, Badge, ChallengeEntry, KidProfile, Star

log = logging.getLogger(__name__)


def kid_group(kid_id) -> str:
    """The channel-layer group every badge socket of one kid listens on."""
    return f"kid.{kid_id}"


def _pictures_kept(kid: KidProfile) -> int:
    return kid.artworks.count()


def _categories_tried(kid: KidProfile) -> int:
    return kid.artworks.values("category").distinct().count()


def _streak_days(kid: KidProfile) -> int:
    return kid.streak


def _stars_received(kid: KidProfile) -> int:
    return Star.objects.filter(artwork__kid=kid).count()


def _challenges_entered(kid: KidProfile) -> int:
    return kid.entries.count()


def _challenges_won(kid: KidProfile) -> int:
    return ChallengeEntry.objects.filter(kid=kid, is_winner=True).count()


def _artworks_featured(kid: KidProfile) -> int:
    return kid.artworks.filter(featured=True, status=Artwork.Status.APPROVED).count()


COUNTERS = {
    rules.PICTURES_KEPT: _pictures_kept,
    rules.CATEGORIES_TRIED: _categories_tried,
    rules.STREAK_DAYS: _streak_days,
    rules.STARS_RECEIVED: _stars_received,
    rules.CHALLENGES_ENTERED: _challenges_entered,
    rules.CHALLENGES_WON: _challenges_won,
    rules.ARTWORKS_FEATURED: _artworks_featured,
}


def award_badges(kid: KidProfile, event: str) -> list[Badge]:
    """Award every badge whose rule this event can change and whose threshold the kid now
    meets, each at most once; returns the new ones and, once the transaction commits, pushes
    each to the kid's open pages as {"type": "badge.awarded", "badge": {...}}."""
    if event not in rules.RULES_FOR_EVENT:
        raise ValueError(f"unknown badge event {event!r}")
    candidates = Badge.objects.filter(rule__in=rules.RULES_FOR_EVENT[event]).exclude(
        awards__kid=kid
    )
    counts: dict[str, int] = {}
    new_badges = []
    for badge in candidates:
        if badge.rule not in counts:
            counts[badge.rule] = COUNTERS[badge.rule](kid)
        if counts[badge.rule] < max(badge.threshold, 1):
            continue
        try:
            with transaction.atomic():
                AwardedBadge.objects.create(kid=kid, badge=badge)
        except IntegrityError:  # a simultaneous event awarded it first
            continue
        new_badges.append(badge)
    for badge in new_badges:
        message = {"type": "badge.awarded", "badge": badge.as_message()}
        transaction.on_commit(lambda message=message: push_to_kid(kid.pk, message))
    return new_badges


def push_to_kid(kid_id, message: dict) -> None:
    """Send an event to every open page of the kid; a missing listener is not an error."""
    try:
        async_to_sync(get_channel_layer().group_send)(kid_group(kid_id), message)
    except Exception:  # the badge is saved; the pop-up also shows on the next page load
        log.exception("could not push %s to kid %s", message.get("type"), kid_id)
