"""A kid signing in with a picture PIN: checking it, lockouts that grow, the teacher's help (new
pictures, unlocking) and the sign-in alerts the teacher sees on the class page."""
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Classroom, KidProfile, SignInAlert
from ..pins import hash_pin, pin_matches, random_pin
from ..throttle import MAX_WRONG_PINS, kid_lockout, let_try_again
from .classrooms import NewPin, require_teacher_of
from .errors import GalleryError

# The most stopped devices one alert remembers (each a throttle key the teacher can clear).
MAX_CLIENTS_PER_ALERT = 20
LOCKOUT_FIELDS = ["failed_pin_attempts", "locked_until", "pin_lockouts"]


def _lift_lockout(kid: KidProfile) -> None:
    kid.failed_pin_attempts = 0
    kid.locked_until = None
    kid.pin_lockouts = 0


def do_reset_pin(kid: KidProfile, by_user) -> NewPin:
    """A new random PIN for a kid who forgot theirs; also lifts a lockout."""
    require_teacher_of(kid.classroom, by_user)
    pictures = random_pin()
    kid.pin_hash = hash_pin(pictures)
    _lift_lockout(kid)
    with transaction.atomic():
        kid.save(update_fields=["pin_hash", *LOCKOUT_FIELDS])
        _resolve_kid_alerts(kid)
    return NewPin(kid, pictures)


def do_unlock_kid(kid: KidProfile, by_user) -> KidProfile:
    """The teacher lets a locked-out kid try again, with lockouts starting short again."""
    require_teacher_of(kid.classroom, by_user)
    _lift_lockout(kid)
    with transaction.atomic():
        kid.save(update_fields=LOCKOUT_FIELDS)
        _resolve_kid_alerts(kid)
    return kid


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked: bool = False
    tries_left: int = 0


def do_check_pin(kid: KidProfile, picture_ids, now=None) -> PinCheck:
    """Check a sign-in try. Wrong PINs count per kid: the MAX_WRONG_PINS-th locks the kid out
    (and tells the teacher), each lockout twice as long as the one before, until the kid gets
    in or the teacher unlocks them."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = KidProfile.objects.select_for_update().get(pk=kid.pk)
        if locked.is_locked(now):
            kid.locked_until = locked.locked_until
            return PinCheck(ok=False, locked=True)
        if pin_matches(picture_ids, locked.pin_hash):
            if locked.failed_pin_attempts or locked.locked_until or locked.pin_lockouts:
                _lift_lockout(locked)
                locked.save(update_fields=LOCKOUT_FIELDS)
            return PinCheck(ok=True)
        locked.failed_pin_attempts += 1
        if locked.failed_pin_attempts >= MAX_WRONG_PINS:
            locked.failed_pin_attempts = 0
            locked.locked_until = now + kid_lockout(locked.pin_lockouts)
            locked.pin_lockouts += 1
            locked.save(update_fields=LOCKOUT_FIELDS)
            _alert(locked.classroom_id, SignInAlert.Kind.KID_LOCKED, kid=locked)
            kid.locked_until = locked.locked_until
            return PinCheck(ok=False, locked=True)
        locked.save(update_fields=["failed_pin_attempts"])
        return PinCheck(ok=False, tries_left=MAX_WRONG_PINS - locked.failed_pin_attempts)


def do_alert_device_stopped(classroom: Classroom, client_keys: list[str]) -> SignInAlert:
    """A device was stopped after wrong pictures on kids of this class: tell the teacher, and
    keep the device's throttle keys so that the teacher can let it try again."""
    return _alert(classroom.pk, SignInAlert.Kind.DEVICE_STOPPED, clients=client_keys)


def _alert(classroom_id: int, kind: str, kid: KidProfile | None = None,
           clients: list[str] = ()) -> SignInAlert:
    """Open an alert, or gather this one onto the class's open alert of the same kind."""
    with transaction.atomic():
        alert = (SignInAlert.objects.select_for_update()
                 .filter(classroom_id=classroom_id, kind=kind, kid=kid, resolved_at__isnull=True)
                 .first())
        if alert is None:
            return SignInAlert.objects.create(classroom_id=classroom_id, kind=kind, kid=kid,
                                              clients=list(clients)[:MAX_CLIENTS_PER_ALERT])
        alert.times += 1
        known = [key for key in alert.clients if key not in clients]
        alert.clients = (list(clients) + known)[:MAX_CLIENTS_PER_ALERT]
        alert.save(update_fields=["times", "clients", "updated"])
        return alert


def _resolve_kid_alerts(kid: KidProfile) -> None:
    SignInAlert.objects.filter(kid=kid, resolved_at__isnull=True).update(
        resolved_at=timezone.now())


def do_resolve_alert(alert: SignInAlert, by_user, *, let_in: bool) -> SignInAlert:
    """The teacher has seen an alert. `let_in`: unlock the kid, or let the stopped devices try
    again; otherwise the alert is only put away (the lockouts run their course)."""
    require_teacher_of(alert.classroom, by_user)
    if alert.resolved_at is not None:
        raise GalleryError("already_resolved", _("That alert was already dealt with."))
    if let_in and alert.kid is not None:
        do_unlock_kid(alert.kid, by_user)
    elif let_in:
        let_try_again(alert.clients)
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["resolved_at", "updated"])
    return alert
