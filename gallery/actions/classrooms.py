"""Teachers, classrooms and their kids: creating them, class settings, and each kid's first PIN."""
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from ..models import Classroom, KidProfile, Teacher, new_join_code
from ..names import KidNameError, parse_kid_name
from ..pins import hash_pin, random_pin
from .errors import Conflict, GalleryError, NotAllowed

MAX_KIDS_PER_CLASS = 60


def can_curate(classroom: Classroom, user) -> bool:
    """The class's teacher curates it; site admins (superusers) run every class."""
    return classroom.is_taught_by(user) or bool(user and user.is_superuser)


def require_teacher_of(classroom: Classroom, user) -> None:
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
    require_teacher_of(classroom, by_user)
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
    require_teacher_of(classroom, by_user)
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
                name = f"{first_name} {last_initial}." if last_initial else first_name
                raise Conflict("name_taken", f"{name} is already in this class.")
            taken.add(key)
            pictures = random_pin()
            kid = KidProfile.objects.create(
                user=_new_kid_user(first_name, last_initial), classroom=classroom,
                first_name=first_name, last_initial=last_initial, pin_hash=hash_pin(pictures),
            )
            added.append(NewPin(kid, pictures))
    return added
