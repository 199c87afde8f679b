"""The picture kinds in the page's language (the database and URLs keep the English slugs)."""
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

CATEGORY_NAMES = {
    "panda": gettext_noop("panda"),
    "car": gettext_noop("car"),
    "shoe": gettext_noop("shoe"),
    "gemstone": gettext_noop("gemstone"),
    "space": gettext_noop("space"),
    "maplestory": gettext_noop("maplestory"),
}


def category_name(category: str) -> str:
    """'panda' -> '판다' in Korean; a kind without a name here is shown as it is."""
    return gettext(CATEGORY_NAMES[category]) if category in CATEGORY_NAMES else category


category_name_lazy = lazy(category_name, str)  # for choices made when the module loads
