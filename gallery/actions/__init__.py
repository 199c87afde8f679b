"""Every gallery state change as a do_* function; each one fires badges via award_badges.

Views, consumers, admin actions and management commands all call these, so a change and its
side effects (XP, streaks, badges and their pop-ups) happen in one place. One module per
subject: classrooms (teachers, classes, kids), signin (PIN checks, lockouts, sign-in alerts),
progress (XP, streaks), artworks (keep, titles, review, stars) and challenges; the names are
re-exported here for callers.
"""
from .artworks import (
    REVIEW_ACTIONS,
    Kept,
    clean_title,
    do_add_artwork,
    do_approve_all_waiting,
    do_keep_artwork,
    do_reopen_artwork,
    do_review_artwork,
    do_set_title,
    do_star,
    png_bytes,
)
from .challenges import can_pick_winner, do_create_challenge, do_enter_challenge, do_pick_winner
from .classrooms import (
    MAX_KIDS_PER_CLASS,
    NewPin,
    can_curate,
    do_add_kids,
    do_create_classroom,
    do_create_teacher,
    do_update_classroom_settings,
)
from .errors import Conflict, GalleryError, NotAllowed
from .progress import (
    XP_DRAWING_MAX,
    XP_ENTER,
    XP_FEATURED,
    XP_KEEP,
    XP_PER_STROKE,
    XP_STAR_RECEIVED,
    XP_WIN,
    do_record_drawing_activity,
)
from .signin import (
    PinCheck,
    do_alert_device_stopped,
    do_check_pin,
    do_reset_pin,
    do_resolve_alert,
    do_unlock_kid,
)

__all__ = [
    "MAX_KIDS_PER_CLASS", "REVIEW_ACTIONS", "XP_DRAWING_MAX", "XP_ENTER", "XP_FEATURED",
    "XP_KEEP", "XP_PER_STROKE", "XP_STAR_RECEIVED", "XP_WIN", "Conflict", "GalleryError", "Kept",
    "NewPin", "NotAllowed", "PinCheck", "can_curate", "can_pick_winner", "clean_title",
    "do_add_artwork", "do_add_kids", "do_approve_all_waiting", "do_alert_device_stopped",
    "do_check_pin",
    "do_create_challenge", "do_create_classroom", "do_create_teacher", "do_enter_challenge",
    "do_keep_artwork", "do_pick_winner", "do_record_drawing_activity", "do_reopen_artwork",
    "do_reset_pin",
    "do_resolve_alert", "do_review_artwork", "do_set_title", "do_star", "do_unlock_kid",
    "do_update_classroom_settings", "png_bytes",
]
