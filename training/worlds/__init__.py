"""Procedural category worlds: a seeded painter per category that makes a picture and the
child's drawing of it, so every category can be trained without downloading any data.

The drawing carries no colour, and a generator paints one picture per drawing: a colour the
drawing cannot show (a coin toss per seed) would teach it the muddy average of all paints.
So every large painted area takes its colour from something drawn (the kind of car, the cut
of a gem, a shoe's stripes, a planet's surface, a hairstyle), and the world's variety of
colours comes from the variety of things drawn; unseen details only nudge the shade.
"""
from collections.abc import Callable

from PIL import Image

from inference.categories import CATEGORIES
from inference.rasterize import rasterize
from training.worlds import car, gemstone, maplestory, panda, shoe, space
from training.worlds.base import WorldSample

WORLDS: dict[str, Callable[[int], WorldSample]] = {
    "panda": panda.paint,
    "car": car.paint,
    "shoe": shoe.paint,
    "gemstone": gemstone.paint,
    "space": space.paint,
    "maplestory": maplestory.paint,
}


def sketch_of(sample: WorldSample) -> Image.Image:
    """The drawing as the server would see it: the strokes through the serving rasterizer."""
    return rasterize(sample.strokes)


def paint(category: str, seed: int) -> WorldSample:
    """The category's picture and drawing for this seed."""
    if category not in WORLDS:
        raise ValueError(f"no world for category {category!r}; expected one of "
                         f"{', '.join(CATEGORIES)}")
    return WORLDS[category](seed)
