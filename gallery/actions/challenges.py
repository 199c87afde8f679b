"""Challenges: setting one, entering a picture and crowning winners."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inference.categories import CATEGORIES

from .. import rules
from ..badges import award_badges
from ..category_names import category_name
from ..models import PROMPT_MAX, Artwork, Challenge, ChallengeEntry, Classroom, KidProfile
from .classrooms import require_teacher_of
from .errors import Conflict, GalleryError, NotAllowed
from .progress import XP_ENTER, XP_WIN, add_xp


def do_create_challenge(
    by_user, *, classroom: Classroom | None, prompt: str, category: str, starts: date,
    ends: date,
) -> Challenge:
    """A class challenge by its teacher, or one for everyone by a site admin."""
    if classroom is None:
        if not (by_user and by_user.is_superuser):
            raise NotAllowed("admins_only", _("Only site admins can set a challenge for everyone."))
    else:
        require_teacher_of(classroom, by_user)
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise GalleryError("prompt_needed", _("Write what the kids should draw."))
    if len(prompt) > PROMPT_MAX:
        raise GalleryError("prompt_too_long", _("A prompt can have at most %(most)d letters.")
                           % {"most": PROMPT_MAX})
    if category and category not in CATEGORIES:
        raise GalleryError("bad_category", _("That is not one of the picture kinds."))
    if ends < starts:
        raise GalleryError("ends_before_start", _("The last day must not be before the first."))
    return Challenge.objects.create(classroom=classroom, prompt=prompt, category=category,
                                    starts=starts, ends=ends, created_by=by_user)


def do_enter_challenge(kid: KidProfile, challenge: Challenge, artwork: Artwork,
                       day: date | None = None) -> ChallengeEntry:
    day = day or timezone.localdate()
    if challenge.classroom_id not in (None, kid.classroom_id):
        raise NotAllowed("not_your_challenge", _("That challenge is for another class."))
    if artwork.kid_id != kid.pk:
        raise NotAllowed("not_yours", _("You can only enter your own pictures."))
    if not challenge.is_open(day):
        raise GalleryError("closed", _("This challenge is not open today."))
    if artwork.status in (Artwork.Status.HIDDEN, Artwork.Status.RETURNED):
        raise GalleryError("not_shown", _("Pick a picture that is in your gallery."))
    if challenge.category and artwork.category != challenge.category:
        raise GalleryError("wrong_category", _("This challenge wants a %(category)s!")
                           % {"category": category_name(challenge.category)})
    try:
        with transaction.atomic():
            entry = ChallengeEntry.objects.create(challenge=challenge, artwork=artwork, kid=kid)
            add_xp(kid, XP_ENTER)
            award_badges(kid, rules.ENTERED)
    except IntegrityError:
        raise Conflict("already_entered", _("You already entered this challenge!")) from None
    return entry


def can_pick_winner(user, entry: ChallengeEntry) -> bool:
    """Staff who may change entries crown the winner of any challenge; a class challenge's own
    teacher crowns its winner. No teacher crowns a challenge for everyone."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff and user.has_perm("gallery.change_challengeentry"):
        return True
    classroom = entry.challenge.classroom
    return classroom is not None and classroom.is_taught_by(user)


def do_pick_winner(entry: ChallengeEntry, by_user) -> ChallengeEntry:
    """Crown the one winner of the entry's challenge (crowning the same entry again is a no-op)."""
    if not can_pick_winner(by_user, entry):
        if entry.challenge.classroom_id is None:
            raise NotAllowed("staff_only", _("Only the site's staff pick the winner of a "
                                           "challenge for everyone."))
        raise NotAllowed("not_your_class", _("Only this class's teacher can pick winners."))
    if entry.artwork.status != Artwork.Status.APPROVED:
        raise GalleryError("not_approved", _("Approve the picture before it can win."))
    with transaction.atomic():
        # The challenge's row is the lock: two crownings at once cannot both find no winner.
        Challenge.objects.select_for_update().get(pk=entry.challenge_id)
        entry = ChallengeEntry.objects.select_related("kid").get(pk=entry.pk)
        if entry.is_winner:
            return entry
        if ChallengeEntry.objects.filter(challenge_id=entry.challenge_id,
                                         is_winner=True).exists():
            raise Conflict("has_winner", _("This challenge already has a winner."))
        entry.is_winner = True
        entry.save(update_fields=["is_winner"])
        add_xp(entry.kid, XP_WIN)
        award_badges(entry.kid, rules.WON)
    return entry
