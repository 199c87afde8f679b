"""Every gallery state change as a do_* function; each one fires badges via award_badges.

Views, consumers, admin actions and management commands all call these, so a change and its
side effects (XP, streaks, badges and their pop-ups) happen in one place.
"""
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from drawapp.models import Generation
from inference.categories import CATEGORIES
from inference.rasterize import rasterize

from . import rules
from .badges import award_badges
from .models import (
    NOTE_MAX,
    PROMPT_MAX,
    TITLE_MAX,
    Artwork,
    Challenge,
    ChallengeEntry,
    Classroom,
    KidProfile,
    Star,
    Teacher,
    level_for_xp,
    new_join_code,
    only_weekend_between,
)
from .names import KidNameError, parse_kid_name
from .pins import LOCKOUT_MINUTES, MAX_WRONG_PINS, hash_pin, pin_matches, random_pin

XP_PER_STROKE = 1
XP_DRAWING_MAX = 20
XP_KEEP = 10
XP_STAR_RECEIVED = 2
XP_FEATURED = 25
XP_ENTER = 15
XP_WIN = 50

MAX_KIDS_PER_CLASS = 60


class GalleryError(Exception):
    """A change that cannot happen, with a short message a child or teacher can read."""

    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class NotAllowed(GalleryError):
    """The person asking may not make this change."""

    status = 403


class Conflict(GalleryError):
    """The change clashes with what is already there (a second star, a second entry)."""

    status = 409


# ---- teachers and classrooms ------------------------------------------------------------------


def can_curate(classroom: Classroom, user) -> bool:
    """The class's teacher curates it; site admins (superusers) run every class."""
    return classroom.is_taught_by(user) or bool(user and user.is_superuser)


def _require_teacher_of(classroom: Classroom, user) -> None:
    if not can_curate(classroom, user):
        raise NotAllowed("not_your_class", "Only this class's teacher can do that.")


def do_create_teacher(user, display_name: str = "") -> Teacher:
    """Make a signed-up (or admin-made) user a teacher."""
    return Teacher.objects.create(user=user, display_name=display_name.strip())


def do_create_classroom(teacher: Teacher, name: str) -> Classroom:
    name = name.strip()
    if not name:
        raise GalleryError("name_needed", "Give the class a name.")
    for _ in range(10):  # 31^6 codes: a clash is rare, ten in a row is impossible in practice
        try:
            with transaction.atomic():
                return Classroom.objects.create(teacher=teacher, name=name,
                                                join_code=new_join_code())
        except IntegrityError:
            continue
    raise GalleryError("no_code", "Could not make a class code. Please try again.")


def do_update_classroom_settings(
    classroom: Classroom, by_user, *, approval_required: bool, stars_enabled: bool,
    public_featuring_allowed: bool,
) -> Classroom:
    _require_teacher_of(classroom, by_user)
    classroom.approval_required = approval_required
    classroom.stars_enabled = stars_enabled
    classroom.public_featuring_allowed = public_featuring_allowed
    classroom.save(update_fields=["approval_required", "stars_enabled",
                                  "public_featuring_allowed"])
    return classroom


@dataclass(frozen=True)
class NewPin:
    kid: KidProfile
    pictures: tuple[str, ...]


def _new_kid_user(first_name: str, last_initial: str):
    user = get_user_model()(
        username=f"kid-{secrets.token_hex(6)}", first_name=first_name, last_name=last_initial
    )
    user.set_unusable_password()
    user.save()
    return user


def do_add_kids(classroom: Classroom, by_user, names: list[tuple[str, str]]) -> list[NewPin]:
    """Add kids by (first name, initial); each gets a random picture PIN, returned once so the
    teacher can hand out sign-in cards (only its hash is kept)."""
    _require_teacher_of(classroom, by_user)
    with transaction.atomic():
        taken = {(kid.first_name.casefold(), kid.last_initial.casefold())
                 for kid in classroom.kids.all()}
        if len(taken) + len(names) > MAX_KIDS_PER_CLASS:
            raise GalleryError(
                "class_full", f"A class holds at most {MAX_KIDS_PER_CLASS} kids."
            )
        added = []
        for first_name, last_initial in names:
            try:
                first_name, last_initial = parse_kid_name(f"{first_name} {last_initial}")
            except KidNameError as error:
                raise GalleryError("bad_name", str(error)) from None
            key = (first_name.casefold(), last_initial.casefold())
            if key in taken:
                raise Conflict("name_taken",
                               f"{first_name} {last_initial}. is already in this class.")
            taken.add(key)
            pictures = random_pin()
            kid = KidProfile.objects.create(
                user=_new_kid_user(first_name, last_initial), classroom=classroom,
                first_name=first_name, last_initial=last_initial, pin_hash=hash_pin(pictures),
            )
            added.append(NewPin(kid, pictures))
    return added


def do_reset_pin(kid: KidProfile, by_user) -> NewPin:
    """A new random PIN for a kid who forgot theirs; also lifts a lockout."""
    _require_teacher_of(kid.classroom, by_user)
    pictures = random_pin()
    kid.pin_hash = hash_pin(pictures)
    kid.failed_pin_attempts = 0
    kid.locked_until = None
    kid.save(update_fields=["pin_hash", "failed_pin_attempts", "locked_until"])
    return NewPin(kid, pictures)


def do_unlock_kid(kid: KidProfile, by_user) -> KidProfile:
    _require_teacher_of(kid.classroom, by_user)
    kid.failed_pin_attempts = 0
    kid.locked_until = None
    kid.save(update_fields=["failed_pin_attempts", "locked_until"])
    return kid


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked: bool = False
    tries_left: int = 0


def do_check_pin(kid: KidProfile, picture_ids, now=None) -> PinCheck:
    """Check a sign-in attempt. Wrong PINs count per kid; the MAX_WRONG_PINS-th locks the kid
    out for LOCKOUT_MINUTES (or until the teacher helps)."""
    now = now or timezone.now()
    with transaction.atomic():
        kid = KidProfile.objects.select_for_update().get(pk=kid.pk)
        if kid.is_locked(now):
            return PinCheck(ok=False, locked=True)
        if pin_matches(picture_ids, kid.pin_hash):
            if kid.failed_pin_attempts or kid.locked_until:
                kid.failed_pin_attempts = 0
                kid.locked_until = None
                kid.save(update_fields=["failed_pin_attempts", "locked_until"])
            return PinCheck(ok=True)
        kid.failed_pin_attempts += 1
        if kid.failed_pin_attempts >= MAX_WRONG_PINS:
            kid.failed_pin_attempts = 0
            kid.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
            kid.save(update_fields=["failed_pin_attempts", "locked_until"])
            return PinCheck(ok=False, locked=True)
        kid.save(update_fields=["failed_pin_attempts"])
        return PinCheck(ok=False, tries_left=MAX_WRONG_PINS - kid.failed_pin_attempts)


# ---- XP, levels and streaks -------------------------------------------------------------------


def _add_xp(kid: KidProfile, amount: int) -> None:
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


# ---- artworks ---------------------------------------------------------------------------------


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise GalleryError("title_too_long", f"A title can have at most {TITLE_MAX} letters.")
    return title


def png_bytes(image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def do_add_artwork(
    kid: KidProfile, *, strokes: list, sketch_png: bytes, picture_png: bytes, category: str,
    model_version: str = "", title: str = "", drawing=None, drawing_revision=None,
    day: date | None = None,
) -> Artwork:
    """Save a kid's picture into the gallery (pending or approved per the class setting) and
    count it for XP, streak and badges."""
    if category not in CATEGORIES:
        raise GalleryError("bad_category", "That is not one of the picture kinds.")
    title = clean_title(title)
    classroom = kid.classroom
    token = secrets.token_hex(8)
    artwork = Artwork(
        kid=kid, classroom=classroom, drawing=drawing, drawing_revision=drawing_revision,
        strokes=strokes, category=category, model_version=model_version, title=title,
        status=Artwork.Status.PENDING if classroom.approval_required else Artwork.Status.APPROVED,
    )
    artwork.sketch.save(f"{token}-sketch.png", ContentFile(sketch_png), save=False)
    artwork.picture.save(f"{token}-picture.png", ContentFile(picture_png), save=False)
    try:
        with transaction.atomic():
            artwork.save()
            do_record_drawing_activity(kid, day, len(strokes))
            _add_xp(kid, XP_KEEP)
            award_badges(kid, rules.KEPT)
    except Exception:
        artwork.sketch.delete(save=False)
        artwork.picture.delete(save=False)
        raise
    return artwork


def do_keep_artwork(kid: KidProfile, drawing, title: str = "") -> tuple[Artwork, bool]:
    """Keep the drawing as it is now, with the picture of its current revision. Returns the
    artwork and whether it is new (keeping the same revision twice gives the first one)."""
    if drawing.owner_user_id != kid.user_id:
        raise NotAllowed("not_yours", "That drawing is not yours.")
    strokes = drawing.visible_strokes()
    if not strokes:
        raise GalleryError("empty", "Draw something first!")
    existing = Artwork.objects.filter(drawing=drawing, drawing_revision=drawing.revision).first()
    if existing is not None:
        return existing, False
    generation = Generation.objects.filter(drawing=drawing, revision=drawing.revision).first()
    picture_file = generation and Path(settings.MEDIA_ROOT) / generation.image
    if generation is None or not picture_file.is_file():
        raise Conflict("no_picture", "Wait for your picture, then keep it!")
    try:
        artwork = do_add_artwork(
            kid, strokes=strokes, sketch_png=png_bytes(rasterize(strokes)),
            picture_png=picture_file.read_bytes(), category=generation.category,
            model_version=generation.model_version, title=title, drawing=drawing,
            drawing_revision=drawing.revision,
        )
    except IntegrityError:  # the same revision kept twice at once: the other one won
        existing = Artwork.objects.filter(drawing=drawing, drawing_revision=drawing.revision)
        return existing.get(), False
    return artwork, True


def do_set_title(artwork: Artwork, kid: KidProfile, title: str) -> Artwork:
    if artwork.kid_id != kid.pk:
        raise NotAllowed("not_yours", "That picture is not yours.")
    artwork.title = clean_title(title)
    artwork.save(update_fields=["title"])
    return artwork


REVIEW_ACTIONS = ("approve", "hide", "feature", "unfeature", "return")


def do_review_artwork(artwork: Artwork, by_user, action: str, note: str = "") -> Artwork:
    """The teacher's curation: approve, hide, feature (which also approves), unfeature, or
    return with a kind note the kid sees."""
    _require_teacher_of(artwork.classroom, by_user)
    if action not in REVIEW_ACTIONS:
        raise GalleryError("bad_action", "Choose approve, hide, feature or send back.")
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise GalleryError("note_too_long", f"A note can have at most {NOTE_MAX} letters.")
    if action == "return" and not note:
        raise GalleryError("note_needed", "Write a kind note so they know what to change.")
    newly_featured = False
    with transaction.atomic():
        artwork = Artwork.objects.select_for_update().select_related("kid").get(pk=artwork.pk)
        if action == "approve":
            artwork.status = Artwork.Status.APPROVED
        elif action == "feature":
            newly_featured = not (artwork.featured and artwork.status == Artwork.Status.APPROVED)
            artwork.status = Artwork.Status.APPROVED
            artwork.featured = True
        elif action == "unfeature":
            artwork.featured = False
        elif action == "hide":
            artwork.status = Artwork.Status.HIDDEN
            artwork.featured = False
        elif action == "return":
            artwork.status = Artwork.Status.RETURNED
            artwork.featured = False
        if action != "unfeature":
            artwork.teacher_note = note
        artwork.reviewed_by = by_user
        artwork.reviewed_at = timezone.now()
        artwork.save()
        if newly_featured:
            _add_xp(artwork.kid, XP_FEATURED)
            award_badges(artwork.kid, rules.FEATURED)
    return artwork


def do_star(kid: KidProfile, artwork: Artwork) -> Star:
    """A classmate's star: one per kid per artwork, never on their own."""
    if artwork.kid_id == kid.pk:
        raise GalleryError("own_artwork", "That's your own picture! Give stars to classmates.")
    if artwork.classroom_id != kid.classroom_id or artwork.status != Artwork.Status.APPROVED:
        raise NotAllowed("not_in_your_gallery", "You can star pictures in your class gallery.")
    if not artwork.classroom.stars_enabled:
        raise GalleryError("stars_off", "Stars are turned off in your class.")
    try:
        with transaction.atomic():
            star = Star.objects.create(kid=kid, artwork=artwork)
            _add_xp(artwork.kid, XP_STAR_RECEIVED)
            award_badges(artwork.kid, rules.STARRED)
    except IntegrityError:
        raise Conflict("already_starred", "You already gave this picture a star!") from None
    return star


# ---- challenges -------------------------------------------------------------------------------


def do_create_challenge(
    by_user, *, classroom: Classroom | None, prompt: str, category: str, starts: date,
    ends: date,
) -> Challenge:
    """A class challenge by its teacher, or one for everyone by a site admin."""
    if classroom is None:
        if not (by_user and by_user.is_superuser):
            raise NotAllowed("admins_only", "Only site admins can set a challenge for everyone.")
    else:
        _require_teacher_of(classroom, by_user)
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise GalleryError("prompt_needed", "Write what the kids should draw.")
    if len(prompt) > PROMPT_MAX:
        raise GalleryError("prompt_too_long", f"A prompt can have at most {PROMPT_MAX} letters.")
    if category and category not in CATEGORIES:
        raise GalleryError("bad_category", "That is not one of the picture kinds.")
    if ends < starts:
        raise GalleryError("ends_before_start", "The last day must not be before the first.")
    return Challenge.objects.create(classroom=classroom, prompt=prompt, category=category,
                                    starts=starts, ends=ends, created_by=by_user)


def do_enter_challenge(kid: KidProfile, challenge: Challenge, artwork: Artwork,
                       day: date | None = None) -> ChallengeEntry:
    day = day or timezone.localdate()
    if challenge.classroom_id not in (None, kid.classroom_id):
        raise NotAllowed("not_your_challenge", "That challenge is for another class.")
    if artwork.kid_id != kid.pk:
        raise NotAllowed("not_yours", "You can only enter your own pictures.")
    if not challenge.is_open(day):
        raise GalleryError("closed", "This challenge is not open today.")
    if artwork.status in (Artwork.Status.HIDDEN, Artwork.Status.RETURNED):
        raise GalleryError("not_shown", "Pick a picture that is in your gallery.")
    if challenge.category and artwork.category != challenge.category:
        raise GalleryError("wrong_category", f"This challenge wants a {challenge.category}!")
    try:
        with transaction.atomic():
            entry = ChallengeEntry.objects.create(challenge=challenge, artwork=artwork, kid=kid)
            _add_xp(kid, XP_ENTER)
            award_badges(kid, rules.ENTERED)
    except IntegrityError:
        raise Conflict("already_entered", "You already entered this challenge!") from None
    return entry


def can_pick_winner(user, entry: ChallengeEntry) -> bool:
    """Admins pick anywhere; a teacher picks among their own class's entries."""
    if user and user.is_superuser:
        return True
    return entry.artwork.classroom.is_taught_by(user)


def do_pick_winner(entry: ChallengeEntry, by_user) -> ChallengeEntry:
    if not can_pick_winner(by_user, entry):
        raise NotAllowed("not_your_class", "Only this class's teacher can pick winners.")
    if entry.artwork.status != Artwork.Status.APPROVED:
        raise GalleryError("not_approved", "Approve the picture before it can win.")
    with transaction.atomic():
        entry = ChallengeEntry.objects.select_for_update().select_related("kid").get(pk=entry.pk)
        if entry.is_winner:
            return entry
        entry.is_winner = True
        entry.save(update_fields=["is_winner"])
        _add_xp(entry.kid, XP_WIN)
        award_badges(entry.kid, rules.WON)
    return entry
