"""Picture PINs: a kid signs in by tapping 3 of 9 pictures; we keep only a salted hash."""
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PIN_LENGTH = 3  # how many wrong PINs lock a kid out: gallery.throttle

# (id, emoji, name): the ids are what a PIN is made of; the names are what screen readers say
# (in the page's language).
PIN_PICTURES = (
    ("cat", "🐱", gettext_lazy("cat")),
    ("dog", "🐶", gettext_lazy("dog")),
    ("sun", "🌞", gettext_lazy("sun")),
    ("star", "⭐", gettext_lazy("star")),
    ("apple", "🍎", gettext_lazy("apple")),
    ("rocket", "🚀", gettext_lazy("rocket")),
    ("fish", "🐟", gettext_lazy("fish")),
    ("flower", "🌸", gettext_lazy("flower")),
    ("car", "🚗", gettext_lazy("car")),
)
PIN_IDS = tuple(picture_id for picture_id, _, _ in PIN_PICTURES)
PICTURE_BY_ID = {picture_id: (emoji, name) for picture_id, emoji, name in PIN_PICTURES}


class PinHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds. A 3-of-9 PIN has only 84 values, so hashing cost cannot protect
    it (gallery.throttle does); fewer rounds keep adding a whole class to the roster quick. The
    stored string is ordinary pbkdf2_sha256 (its round count inside), checked by this hasher
    whatever PASSWORD_HASHERS lists."""

    iterations = 20_000


class PinError(ValueError):
    """A PIN that is not 3 different pictures out of the 9."""


def canonical_pin(picture_ids) -> str:
    """The PIN as stored before hashing: the chosen ids, sorted (tapping order does not matter)."""
    chosen = list(picture_ids)
    unknown = [picture for picture in chosen if picture not in PICTURE_BY_ID]
    if unknown:
        raise PinError(_("Pick pictures from the nine shown."))
    if len(set(chosen)) != len(chosen):
        raise PinError(_("Pick three different pictures."))
    if len(chosen) != PIN_LENGTH:
        raise PinError(_("Pick %(count)d pictures.") % {"count": PIN_LENGTH})
    return ",".join(sorted(chosen))


def hash_pin(picture_ids) -> str:
    return make_password(canonical_pin(picture_ids), hasher=PinHasher())


def pin_matches(picture_ids, pin_hash: str) -> bool:
    try:
        pin = canonical_pin(picture_ids)
    except PinError:
        return False
    hasher = PinHasher()
    if not (pin_hash or "").startswith(f"{hasher.algorithm}$"):
        return False
    return hasher.verify(pin, pin_hash)


def random_pin() -> tuple[str, ...]:
    """Three different pictures, in the order the kid's card shows them."""
    pool = list(PIN_IDS)
    return tuple(pool.pop(secrets.randbelow(len(pool))) for _ in range(PIN_LENGTH))


def pin_pictures(picture_ids) -> list[dict]:
    """The pictures of a PIN for a template: [{"id", "emoji", "name"}, ...]."""
    return [{"id": pid, "emoji": PICTURE_BY_ID[pid][0], "name": str(PICTURE_BY_ID[pid][1])}
            for pid in picture_ids]
