"""The picture categories a child can choose, in the order the buttons show them."""

CATEGORIES = ("panda", "car", "shoe", "gemstone", "space", "maplestory")
DEFAULT_CATEGORY = "panda"


def queue_for(category: str) -> str:
    """The Celery queue whose workers serve this category."""
    return f"gen.{category}"
