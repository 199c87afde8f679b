"""The ready-made titles a kid can give a picture with one tap, a few for each category."""
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES

# Per category: (sprite icon, or None for the category's own picture; title). The first is
# the category's own picture, so the row starts with what the kid drew.
TITLES = {
    "panda": ((None, _("My panda")), ("heart", _("A happy panda")),
              ("sun", _("Panda in the sun")), ("rainbow", _("Rainbow panda"))),
    "car": ((None, _("My car")), ("heart", _("A red car")),
            ("rocket", _("A fast car")), ("sun", _("Car in the sun"))),
    "shoe": ((None, _("My shoe")), ("shining-star", _("A new shoe")),
             ("rainbow", _("Rainbow shoe")), ("go", _("Running shoe"))),
    "gemstone": ((None, _("My gem")), ("shining-star", _("A shiny gem")),
                 ("rainbow", _("Rainbow gem")), ("trophy", _("Treasure"))),
    "space": ((None, _("Into space")), ("rocket", _("My rocket")),
              ("star", _("A shining star")), ("sun", _("Far from the sun"))),
    "maplestory": ((None, _("My hero")), ("medal", _("A brave hero")),
                   ("heart", _("My friend")), ("party", _("Adventure time"))),
}


def titles_by_category(current: str) -> list[dict]:
    """Each category's title buttons; only the current category's show at first."""
    return [{"category": category, "current": category == current,
             "titles": [{"icon": icon, "title": title} for icon, title in TITLES[category]]}
            for category in CATEGORIES]
