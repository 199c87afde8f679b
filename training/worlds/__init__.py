"""Procedural category worlds: a seeded painter per category that makes a picture and the
child's drawing of it, so every category can be trained without downloading any data.

The drawing carries no colour, and a generator paints one picture per drawing: a colour the
drawing cannot show (a coin toss per seed) would teach it the muddy average of all paints.
So every large painted area takes its colour from something drawn (the kind of car, the cut
of a gem, a shoe's stripes, a planet's surface, a hairstyle), and the world's variety of
colours comes from the variety of things drawn; unseen details only nudge the shade.

Some worlds show their subject several ways (VIEWS: a car from the side, the front or three-
quarters). A model trained before a view existed is scored on ORIGINAL_VIEWS: painted in
those, every seed gives exactly the picture it gave before the world had other views.
"""
from collections.abc import Callable

from PIL import Image

from inference.categories import CATEGORIES
from inference.rasterize import rasterize
from training.worlds import car, gemstone, maplestory, panda, shoe, space
from training.worlds.base import WorldSample

WORLDS: dict[str, Callable[..., WorldSample]] = {
    "panda": panda.paint,
    "car": car.paint,
    "shoe": shoe.paint,
    "gemstone": gemstone.paint,
    "space": space.paint,
    "maplestory": maplestory.paint,
}

# Worlds with several views: all their views, and the views their first starter models saw.
VIEWS: dict[str, tuple[str, ...]] = {
    "panda": panda.VIEWS, "car": car.VIEWS, "shoe": shoe.VIEWS, "maplestory": maplestory.VIEWS}
ORIGINAL_VIEWS: dict[str, tuple[str, ...]] = {
    "panda": panda.ORIGINAL_VIEWS, "car": car.ORIGINAL_VIEWS, "shoe": shoe.ORIGINAL_VIEWS,
    "maplestory": maplestory.ORIGINAL_VIEWS}


def sketch_of(sample: WorldSample) -> Image.Image:
    """The drawing as the server would see it: the strokes through the serving rasterizer."""
    return rasterize(sample.strokes)


def paint(category: str, seed: int, views: tuple[str, ...] | None = None) -> WorldSample:
    """The category's picture and drawing for this seed, in one of `views` (None: any of the
    world's views; a world with one view takes None only)."""
    if category not in WORLDS:
        raise ValueError(f"no world for category {category!r}; expected one of "
                         f"{', '.join(CATEGORIES)}")
    if views is None:
        return WORLDS[category](seed)
    if category not in VIEWS:
        raise ValueError(f"the {category} world has one view; views must be None")
    return WORLDS[category](seed, views=views)
