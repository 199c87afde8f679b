"""Artworks: keeping a drawing, titles, the teacher's review and classmates' stars."""
import secrets
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from drawapp.models import Drawing, Generation
from inference.categories import CATEGORIES
from inference.rasterize import rasterize

from .. import rules
from ..badges import award_badges
from ..models import NOTE_MAX, TITLE_MAX, Artwork, KidProfile, Star
from .classrooms import require_teacher_of
from .errors import Conflict, GalleryError, NotAllowed
from .progress import XP_FEATURED, XP_KEEP, XP_STAR_RECEIVED, add_xp, do_record_drawing_activity


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
            add_xp(kid, XP_KEEP)
            award_badges(kid, rules.KEPT)
    except Exception:
        artwork.sketch.delete(save=False)
        artwork.picture.delete(save=False)
        raise
    return artwork


@dataclass(frozen=True)
class Kept:
    """What keeping did: made a "new" artwork, "updated" the drawing's artwork, gave the kept
    picture of this very revision a new title ("renamed"), or nothing as it was kept already
    ("same")."""

    artwork: Artwork
    outcome: str


def do_keep_artwork(kid: KidProfile, drawing, title: str = "", as_new: bool = False) -> Kept:
    """Keep the drawing as it is now, with the picture of its current revision. Keeping a
    drawing again after more strokes updates its artwork; `as_new` keeps a second one."""
    if drawing.owner_user_id != kid.user_id:
        raise NotAllowed("not_yours", "That drawing is not yours.")
    strokes = drawing.visible_strokes()
    if not strokes:
        raise GalleryError("empty", "Draw something first!")
    existing = Artwork.objects.filter(drawing=drawing, drawing_revision=drawing.revision).first()
    if existing is not None:
        title = clean_title(title)
        if title and title != existing.title:  # named after keeping: the same picture
            existing.title = title
            existing.save(update_fields=["title"])
            return Kept(existing, "renamed")
        return Kept(existing, "same")
    generation = Generation.objects.filter(drawing=drawing, revision=drawing.revision).first()
    picture_file = generation and Path(settings.MEDIA_ROOT) / generation.image
    if generation is None or not picture_file.is_file():
        raise Conflict("no_picture", "Wait for your picture, then keep it!")
    earlier = None if as_new else (
        Artwork.objects.filter(drawing=drawing, kid=kid).order_by("-created", "-pk").first())
    sketch_png, picture_png = png_bytes(rasterize(strokes)), picture_file.read_bytes()
    if earlier is not None:
        artwork = _replace_artwork_picture(
            earlier, strokes=strokes, sketch_png=sketch_png, picture_png=picture_png,
            generation=generation, drawing_revision=drawing.revision, title=title)
        return Kept(artwork, "updated")
    try:
        artwork = do_add_artwork(
            kid, strokes=strokes, sketch_png=sketch_png, picture_png=picture_png,
            category=generation.category, model_version=generation.model_version, title=title,
            drawing=drawing, drawing_revision=drawing.revision,
        )
    except IntegrityError:  # the same revision kept twice at once: the other one won
        existing = Artwork.objects.filter(drawing=drawing, drawing_revision=drawing.revision)
        return Kept(existing.get(), "same")
    return Kept(artwork, "new")


def _replace_artwork_picture(artwork: Artwork, *, strokes, sketch_png: bytes, picture_png: bytes,
                             generation, drawing_revision: int, title: str) -> Artwork:
    """The drawing changed since it was kept: its artwork shows it as it is now, and goes back
    to the teacher where the class wants pictures checked (no XP: it is not a new picture)."""
    old_files = (artwork.sketch.name, artwork.picture.name)
    token = secrets.token_hex(8)
    artwork.sketch.save(f"{token}-sketch.png", ContentFile(sketch_png), save=False)
    artwork.picture.save(f"{token}-picture.png", ContentFile(picture_png), save=False)
    artwork.strokes = strokes
    artwork.category = generation.category
    artwork.model_version = generation.model_version
    artwork.drawing_revision = drawing_revision
    if title:
        artwork.title = clean_title(title)
    if artwork.classroom.approval_required:
        artwork.status = Artwork.Status.PENDING
        artwork.featured = False
    elif artwork.status == Artwork.Status.RETURNED:
        artwork.status = Artwork.Status.APPROVED
    try:
        artwork.save()
    except Exception:
        artwork.sketch.delete(save=False)
        artwork.picture.delete(save=False)
        raise
    storage = artwork.picture.storage
    for name in old_files:
        storage.delete(name)
    return artwork


def do_reopen_artwork(kid: KidProfile, artwork: Artwork, session_key: str = ""):
    """The drawing behind one of the kid's artworks, to change it (a picture the teacher sent
    back, say). Where the drawing is gone, a new one starts from the artwork's strokes and
    becomes the artwork's drawing, so keeping it again updates the same artwork."""
    if artwork.kid_id != kid.pk:
        raise NotAllowed("not_yours", "That picture is not yours.")
    drawing = artwork.drawing
    if drawing is not None and drawing.owner_user_id == kid.user_id:
        return drawing
    drawing = Drawing.objects.create(
        owner_user=kid.user, owner_session=session_key, category=artwork.category,
        strokes=list(artwork.strokes), revision=len(artwork.strokes),
    )
    artwork.drawing = drawing
    artwork.drawing_revision = None
    artwork.save(update_fields=["drawing", "drawing_revision"])
    return drawing


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
    require_teacher_of(artwork.classroom, by_user)
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
            add_xp(artwork.kid, XP_FEATURED)
            award_badges(artwork.kid, rules.FEATURED)
    return artwork


def do_approve_all_waiting(classroom, by_user, artwork_ids=None) -> list[Artwork]:
    """Approve every picture waiting in the class, or only those among `artwork_ids` (the ones
    the teacher's page showed, so a picture kept meanwhile is not approved unseen); each goes
    through do_review_artwork, so each fires what an approval fires. Returns those approved."""
    require_teacher_of(classroom, by_user)
    waiting = classroom.artworks.filter(status=Artwork.Status.PENDING)
    if artwork_ids is not None:
        waiting = waiting.filter(pk__in=list(artwork_ids))
    waiting = list(waiting)
    return [do_review_artwork(artwork, by_user, "approve") for artwork in waiting]


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
            add_xp(artwork.kid, XP_STAR_RECEIVED)
            award_badges(artwork.kid, rules.STARRED)
    except IntegrityError:
        raise Conflict("already_starred", "You already gave this picture a star!") from None
    return star
