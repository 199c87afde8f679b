"""The picture kinds in the page's language (the database and URLs keep the English ids); the
same "category" entries as drawapp's buttons, so a kind has one name everywhere."""
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_noop

CATEGORY_NAMES = {
    "panda": pgettext_noop("category", "panda"),
    "car": pgettext_noop("category", "car"),
    "shoe": pgettext_noop("category", "shoe"),
    "gemstone": pgettext_noop("category", "gemstone"),
    "space": pgettext_noop("category", "space"),
    "maplestory": pgettext_noop("category", "MapleStory"),
}


def category_name(category: str) -> str:
    """'panda' -> '판다' on a Korean page; a kind without a name here is shown as it is."""
    if category not in CATEGORY_NAMES:
        return category
    return pgettext("category", CATEGORY_NAMES[category])


category_name_lazy = lazy(category_name, str)  # for choices made when the module loads
