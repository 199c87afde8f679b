"""Shared basics of the procedural worlds: the sample a painter returns, seeded randomness,
colour helpers and smooth backgrounds."""
import colorsys
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

SIZE = 256  # pictures and sketches are SIZE x SIZE; strokes use SIZE-px units

Colour = tuple[int, int, int]
WHITE: Colour = (255, 255, 255)
BLACK: Colour = (0, 0, 0)


@dataclass
class WorldSample:
    """A painted picture (PIL RGB SIZE x SIZE) and the child's drawing of it (wire strokes).

    `runs` are the clean outlines the drawing was made from, (points in px, closed, detail),
    so the same picture can be drawn again another way; `subject` is a SIZE x SIZE bool mask
    of the painted subject (the panda, the car), the scene around it excluded. `view` names
    the way the world showed its subject (a car from the front); `parts` are SIZE x SIZE bool
    masks of named parts a view adds (a weapon, a pet), where they still show.
    """

    picture: Image.Image
    strokes: list[dict]
    runs: list[tuple[np.ndarray, bool, bool]] = field(default_factory=list)
    subject: np.ndarray | None = None
    view: str = ""
    parts: dict[str, np.ndarray] = field(default_factory=dict)


def rng_for(seed: int) -> np.random.Generator:
    """The random generator a painter draws everything from: same seed, same picture."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


VIEW_SALT = 307  # keeps the choice of view apart from the rest of a picture's randomness


def pick_view(seed: int, views, shares: dict[str, float]) -> str:
    """The view a seed's picture is painted in, among `views` (None: all of `shares`), drawn
    with weights `shares` from a stream of its own, so the picture's other draws, and so
    every picture of a world's first view, stay what they were before there were views."""
    wanted = list(shares) if views is None else list(views)
    unknown = [view for view in wanted if view not in shares]
    if not wanted or unknown or isinstance(views, str):
        raise ValueError(f"views must be some of {', '.join(shares)}, got {views!r}")
    chosen = [view for view in shares if view in wanted]  # the table's order: same seed, same view
    weights = np.array([shares[view] for view in chosen], dtype=np.float64)
    choice = np.random.default_rng([int(seed), VIEW_SALT]).choice(len(chosen),
                                                                   p=weights / weights.sum())
    return chosen[int(choice)]


# ---- colours -------------------------------------------------------------------------------

def mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))


def lighter(colour: Colour, amount: float) -> Colour:
    return mix(colour, WHITE, amount)


def darker(colour: Colour, amount: float) -> Colour:
    return mix(colour, BLACK, amount)


def line_on(colour: Colour, amount: float = 0.35) -> Colour:
    """A line colour that shows on `colour`: darker on light paint, lighter on dark paint."""
    luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    return lighter(colour, amount) if luminance < 90 else darker(colour, amount)


def from_hsv(hue: float, saturation: float, value: float) -> Colour:
    """hue in degrees, saturation and value in [0, 1]."""
    red, green, blue = colorsys.hsv_to_rgb((hue % 360) / 360, saturation, value)
    return int(red * 255), int(green * 255), int(blue * 255)


def vary(rng: np.random.Generator, colour: Colour, spread: float = 12) -> Colour:
    """The colour nudged a little, so no two pictures share exactly the same paint."""
    return tuple(int(np.clip(c + rng.normal(0, spread), 0, 255)) for c in colour)


def pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


# ---- backgrounds ---------------------------------------------------------------------------

def vertical_gradient(top: Colour, bottom: Colour, start: float = 0, end: float = SIZE,
                      ) -> np.ndarray:
    """SIZE x SIZE x 3 float pixels going from `top` at row `start` to `bottom` at row `end`."""
    t = np.clip((np.arange(SIZE, dtype=np.float32) + 0.5 - start) / max(end - start, 1), 0, 1)
    top_, bottom_ = np.array(top, np.float32), np.array(bottom, np.float32)
    column = top_ + (bottom_ - top_) * t[:, None]
    return np.repeat(column[:, None, :], SIZE, axis=1)


def smooth_noise(rng: np.random.Generator, cells: int = 6) -> np.ndarray:
    """SIZE x SIZE float noise in [0, 1] with about `cells` soft blobs across (bicubic grid)."""
    grid = rng.random((cells + 3, cells + 3)).astype(np.float32)
    big = Image.fromarray(grid, mode="F").resize((SIZE + 2 * SIZE // cells,) * 2, Image.BICUBIC)
    margin = SIZE // cells
    noise = np.asarray(big)[margin:margin + SIZE, margin:margin + SIZE]
    low, high = float(noise.min()), float(noise.max())
    return (noise - low) / max(high - low, 1e-6)


def skyline(rng: np.random.Generator, level: float, height: float) -> np.ndarray:
    """One row per column: a gently rolling line (far hills) up to `height` px above `level`."""
    x = np.linspace(0, 2 * np.pi, SIZE, dtype=np.float32)
    waves = sum(rng.uniform(0.2, 0.6) * np.sin(k * x + rng.uniform(0, 2 * np.pi))
                for k in (1, 2, 3))
    return level - height * (waves - waves.min()) / max(float(np.ptp(waves)), 1e-6)


def lay_ground(pixels: np.ndarray, level, top: Colour, bottom: Colour, softness: float = 3.0,
               end: float = SIZE) -> None:
    """Paint a gradient (`top` at `level`, `bottom` at row `end`) over everything below `level`,
    a row or one row per column (a skyline), in place, with a soft edge `softness` px wide."""
    rows = np.arange(SIZE, dtype=np.float32)[:, None] + 0.5
    alpha = np.clip((rows - np.asarray(level, dtype=np.float32)) / softness + 0.5, 0, 1)
    ground = vertical_gradient(top, bottom, float(np.min(level)), end)
    pixels += (ground - pixels) * alpha[..., None]


def blend(pixels: np.ndarray, colour: Colour, alpha: np.ndarray) -> None:
    """Paint `colour` over the pixels in place with a per-pixel alpha (H x W in [0, 1])."""
    pixels += (np.array(colour, np.float32) - pixels) * alpha[..., None]
