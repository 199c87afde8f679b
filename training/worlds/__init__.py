"""Procedural category worlds: a seeded painter per category that makes a picture and the
child's drawing of it, so every category can be trained without downloading any data."""
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
