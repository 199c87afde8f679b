"""Kid names as the roster shows them: a first name and one initial ("Maya K."), or a one-word
name alone ("Maya"), nothing more."""
import re

from django.utils.translation import gettext as _

FIRST_NAME_MAX = 20

# Letters of any alphabet, with inner hyphens, apostrophes or single spaces ("Mary-Jo", "Zoë").
_LETTER = r"[^\W\d_]"
_FIRST_NAME = rf"{_LETTER}+(?:['’\- ]{_LETTER}+)*"
_ONE_WORD = rf"{_LETTER}+(?:['’\-]{_LETTER}+)*"  # no spaces: a surname never slips in alone
_KID_NAME = re.compile(
    rf"^(?:(?P<first>{_FIRST_NAME})\s+(?P<initial>{_LETTER})\.?|(?P<alone>{_ONE_WORD}))$")


class KidNameError(ValueError):
    """A line that is not a first name and one initial."""


def parse_kid_name(text: str) -> tuple[str, str]:
    """'maya k.' -> ('Maya', 'K'); 'maya' -> ('Maya', ''). Raises KidNameError with a message a
    teacher can act on."""
    cleaned = " ".join(text.split())
    match = _KID_NAME.match(cleaned)
    if not match:
        raise KidNameError(_("“%(line)s”: write a first name and one letter, like “Maya K.”")
                           % {"line": cleaned})
    first, initial = match["first"] or match["alone"], match["initial"] or ""
    if len(first) > FIRST_NAME_MAX:
        raise KidNameError(_("“%(line)s”: a first name can have at most %(most)d letters.")
                           % {"line": cleaned, "most": FIRST_NAME_MAX})
    return first[0].upper() + first[1:], initial.upper()
