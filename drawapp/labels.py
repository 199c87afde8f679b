"""What a child sees for the things the code names by id: picture categories and crayons."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inference.categories import CATEGORIES

# A category's name on its button, and what several of it are called in a sentence.
CATEGORY_NAMES = {
    "panda": pgettext_lazy("category", "panda"),
    "car": pgettext_lazy("category", "car"),
    "shoe": pgettext_lazy("category", "shoe"),
    "gemstone": pgettext_lazy("category", "gemstone"),
    "space": pgettext_lazy("category", "space"),
    "maplestory": pgettext_lazy("category", "MapleStory"),
}
CATEGORY_PLURALS = {
    "panda": _("pandas"),
    "car": _("cars"),
    "shoe": _("shoes"),
    "gemstone": _("gemstones"),
    "space": _("space pictures"),
    "maplestory": _("MapleStory friends"),
}
CRAYON_NAMES = {
    "black": _("black crayon"),
    "red": _("red crayon"),
    "orange": _("orange crayon"),
    "yellow": _("yellow crayon"),
    "green": _("green crayon"),
    "blue": _("blue crayon"),
    "purple": _("purple crayon"),
    "pink": _("pink crayon"),
    "brown": _("brown crayon"),
    "grey": _("grey crayon"),
}


def categories_named() -> list[dict]:
    """Every category in button order, with its names in the page's language."""
    return [{"id": category, "name": CATEGORY_NAMES[category],
             "plural": CATEGORY_PLURALS[category]} for category in CATEGORIES]


def crayons_named(palette: dict[str, str]) -> list[dict]:
    """The crayon box in order: id, colour and name in the page's language."""
    return [{"id": name, "hex": hex_colour, "name": CRAYON_NAMES[name]}
            for name, hex_colour in palette.items()]
