"""The picture kinds in the page's language (the database and URLs keep the English ids); the
same "category" entries as drawapp's buttons, so a kind has one name everywhere."""
from django.utils.functional import lazy

from drawapp.labels import CATEGORY_NAMES


def category_name(category: str) -> str:
    """'panda' -> '판다' on a Korean page; a kind without a name here is shown as it is."""
    if category not in CATEGORY_NAMES:
        return category
    return str(CATEGORY_NAMES[category])


category_name_lazy = lazy(category_name, str)  # for choices made when the module loads
