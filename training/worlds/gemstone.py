"""Gemstone world: faceted gems (brilliant, step and profile cuts) sparkling on dark velvet,
each cut its own stone (a ruby oval, an emerald step cut, a sapphire pear)."""
import math

import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    darker,
    lighter,
    mix,
    pick,
    rng_for,
    smooth_noise,
    vary,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import ellipse, leaf, resample, rounded_rect

STONES = {"profile": (80, 210, 235), "round": (215, 235, 250), "oval": (225, 30, 60),
          "pear": (40, 85, 225), "heart": (250, 110, 185), "marquise": (150, 60, 215),
          "princess": (250, 185, 40), "emerald": (30, 185, 105)}
CUTS = ("profile", "profile", "round", "oval", "pear", "heart", "marquise", "princess",
        "emerald")  # side views twice as often
VELVET = (34, 14, 48)  # one deep plum cloth: the drawing never shows the cloth
LIGHT_ANGLE = -135.0  # degrees: light from the upper left


def paint(seed: int) -> WorldSample:
    rng = rng_for(seed)
    canvas = Canvas(rng, _velvet(rng))
    gems = _layout(rng)
    canvas.begin_subject()
    for cx, cy, size in gems:
        cut = pick(rng, CUTS)
        stone = vary(rng, STONES[cut], 10)
        canvas.glow(cx + size * 0.1, cy + size * 0.2, size * 0.7, size * 0.55, stone, 0.35)
        if cut == "profile":
            _profile(canvas, rng, cx, cy, size, stone)
        elif cut == "emerald":
            _step_cut(canvas, rng, cx, cy, size, stone)
        else:
            _brilliant(canvas, rng, _girdle(cut, cx, cy, size, rng), stone)
        for _ in range(int(rng.integers(1, 4))):  # drawn like the twinkles: a child draws shine
            at = (cx + rng.uniform(-0.35, 0.35) * size, cy + rng.uniform(-0.35, 0.2) * size)
            canvas.sparkle(*at, rng.uniform(0.08, 0.14) * size, angle=rng.uniform(-10, 10),
                           sketch=True)
    for _ in range(int(rng.integers(0, 4))):  # twinkles around the gems, drawn as little stars
        x, y = rng.uniform(15, SIZE - 15), rng.uniform(15, SIZE - 15)
        if all(math.hypot(x - cx, y - cy) > 0.62 * size for cx, cy, size in gems):
            canvas.sparkle(x, y, rng.uniform(7, 12), sketch=True)
    return canvas.finish()


def _velvet(rng) -> np.ndarray:
    cloth = vary(rng, VELVET, 6)
    folds = smooth_noise(rng, 4)
    axis = np.arange(SIZE, dtype=np.float32) + 0.5
    centre = SIZE / 2 + rng.uniform(-30, 30, 2)
    spot = np.outer(np.exp(-(axis - centre[1]) ** 2 / (2 * 90.0 ** 2)),
                    np.exp(-(axis - centre[0]) ** 2 / (2 * 90.0 ** 2)))
    light = 0.55 + 0.6 * spot + 0.25 * folds
    grain = 0.92 + 0.16 * rng.random((SIZE, SIZE), dtype=np.float32)
    return np.array(cloth, np.float32) * (light * grain)[..., None]


def _layout(rng) -> list[tuple[float, float, float]]:
    """(x, y, size) of each gem: mostly one big gem, sometimes a small group."""
    if rng.random() < 0.7:
        size = rng.uniform(130, 200)
        return [(SIZE / 2 + rng.uniform(-1, 1) * (SIZE - size) / 2 * 0.7,
                 SIZE / 2 + rng.uniform(-1, 1) * (SIZE - size) / 2 * 0.7, size)]
    gems = []
    for _ in range(int(rng.integers(2, 4))):
        for _ in range(20):
            size = rng.uniform(75, 115)
            x, y = (rng.uniform(size / 2, SIZE - size / 2) for _ in range(2))
            if all(math.hypot(x - gx, y - gy) > 0.5 * (size + gs) for gx, gy, gs in gems):
                gems.append((x, y, size))
                break
    return gems


def _facet_colour(rng, stone, centroid, centre) -> tuple:
    """Brighter where a facet faces the light, plus a little chance glitter."""
    angle = math.degrees(math.atan2(centroid[1] - centre[1], centroid[0] - centre[0]))
    facing = math.cos(math.radians(angle - LIGHT_ANGLE))
    brightness = float(np.clip(0.5 + 0.32 * facing + rng.normal(0, 0.13), 0, 1))
    if rng.random() < 0.1:
        brightness = 0.95
    return mix(darker(stone, 0.6), lighter(stone, 0.55), brightness)


def _facet(canvas: Canvas, rng, points, stone, centre) -> None:
    points = np.asarray(points, dtype=float)
    colour = _facet_colour(rng, stone, points.mean(axis=0), centre)
    canvas.fill(points, colour, edge=None, sketch=False)


def _ridges(canvas: Canvas, stone, lines, closed_lines=()) -> None:
    ridge = lighter(stone, 0.65)
    for line in lines:
        canvas.line(line, ridge, 1.1, opacity=0.85, detail=True)
    for line in closed_lines:
        canvas.line(line, ridge, 1.1, closed=True, opacity=0.85, detail=True)


def _rim(canvas: Canvas, stone, outline) -> None:
    canvas.line(outline, darker(stone, 0.65), 2.2, closed=True)


def _girdle(cut: str, cx: float, cy: float, size: float, rng) -> np.ndarray:
    """The outline of a top-view cut, 16 points evenly around it."""
    r = size / 2
    if cut == "round":
        outline = ellipse(cx, cy, r, r)
    elif cut == "oval":
        outline = ellipse(cx, cy, r * rng.uniform(0.65, 0.8), r, angle=rng.uniform(-20, 20))
    elif cut == "pear":
        bottom = ellipse(cx, cy + r * 0.25, r * 0.7, r * 0.7, start=-20, end=200)
        outline = np.vstack([bottom, [(cx, cy - r)]])
    elif cut == "heart":
        t = np.linspace(0, 2 * np.pi, 80, endpoint=False)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        outline = np.stack([cx + x * r / 17, cy + (y + 2) * r / 17], axis=1)
    elif cut == "marquise":
        outline = leaf((cx, cy - r), (cx, cy + r), r * rng.uniform(0.75, 0.95))
    else:  # princess
        outline = rounded_rect(cx - r * 0.82, cy - r * 0.82, cx + r * 0.82, cy + r * 0.82, 4)
    return resample(outline, 1.0, closed=True)


def _brilliant(canvas: Canvas, rng, outline: np.ndarray, stone) -> None:
    """Table, star, kite and girdle facets on any outline, as a brilliant cut seen from above."""
    centre = outline.mean(axis=0)
    from_top = int(np.argmin(outline[:, 1]))
    ring = np.roll(outline, -from_top, axis=0)
    girdle = ring[np.linspace(0, len(ring), 16, endpoint=False).astype(int)]
    table = centre + (girdle[0::2] - centre) * rng.uniform(0.45, 0.55)
    middle = centre + (girdle[1::2] - centre) * 0.8
    canvas.fill(outline, stone, edge=None, sketch=False)
    for i in range(8):
        j = (i + 1) % 8
        _facet(canvas, rng, [table[i], table[j], middle[i]], stone, centre)
        _facet(canvas, rng, [table[i], middle[i - 1], girdle[2 * i], middle[i]], stone, centre)
        _facet(canvas, rng, [middle[i], girdle[2 * i], girdle[2 * i + 1]], stone, centre)
        _facet(canvas, rng, [middle[i], girdle[2 * i + 1], girdle[(2 * i + 2) % 16]], stone,
               centre)
    table_colour = lighter(stone, 0.3)
    canvas.fill(table, table_colour, to=darker(stone, 0.15), angle=45, edge=None, sketch=False)
    stars = np.stack([table, middle], axis=1).reshape(-1, 2)
    kites = np.stack([girdle[0::2], middle], axis=1).reshape(-1, 2)
    spokes = [[middle[i], girdle[2 * i + 1]] for i in range(8)]
    _ridges(canvas, stone, spokes, [table, stars, kites])
    _rim(canvas, stone, outline)


def _profile(canvas: Canvas, rng, cx, cy, size, stone) -> None:
    """The classic diamond seen from the side: a crown with a flat table over a pointed pavilion."""
    half = size / 2 * rng.uniform(0.9, 1.0)
    crown, pavilion = size * rng.uniform(0.2, 0.28), size * rng.uniform(0.45, 0.55)
    girdle_y = cy - (crown + pavilion) / 2 + crown
    top_y, culet = girdle_y - crown, np.array([cx, girdle_y + pavilion])
    table_half = half * rng.uniform(0.5, 0.62)
    crown_steps = 4
    top = [np.array([cx - table_half + 2 * table_half * k / crown_steps, top_y])
           for k in range(crown_steps + 1)]
    girdle = [np.array([cx - half + 2 * half * k / (2 * crown_steps), girdle_y])
              for k in range(2 * crown_steps + 1)]
    centre = np.array([cx, girdle_y - crown * 2])
    for k in range(crown_steps):
        _facet(canvas, rng, [top[k], top[k + 1], girdle[2 * k + 1]], stone, centre)
        _facet(canvas, rng, [top[k], girdle[2 * k], girdle[2 * k + 1]], stone, centre)
    _facet(canvas, rng, [top[-1], girdle[-1], girdle[-2]], stone, centre)
    for k in range(2 * crown_steps):
        _facet(canvas, rng, [girdle[k], girdle[k + 1], culet], stone, (cx, girdle_y))
    outline = np.array([top[0], top[-1], girdle[-1], culet, girdle[0]])
    zigzag = [point for k in range(crown_steps) for point in (top[k], girdle[2 * k + 1])]
    zigzag = [girdle[0]] + zigzag + [top[-1], girdle[-1]]
    spokes = [[girdle[k], culet] for k in range(2, 2 * crown_steps - 1, 2)]
    _ridges(canvas, stone, [[girdle[0], girdle[-1]], zigzag] + spokes)
    _rim(canvas, stone, outline)


def _step_cut(canvas: Canvas, rng, cx, cy, size, stone) -> None:
    """An emerald cut: an octagon of rings stepping down to a wide, flat table."""
    half_w, half_h = size / 2 * rng.uniform(0.6, 0.75), size / 2 * rng.uniform(0.85, 1.0)
    if rng.random() < 0.4:
        half_w, half_h = half_h, half_w
    corner = min(half_w, half_h) * 0.3
    octagon = np.array([(-half_w + corner, -half_h), (half_w - corner, -half_h),
                        (half_w, -half_h + corner), (half_w, half_h - corner),
                        (half_w - corner, half_h), (-half_w + corner, half_h),
                        (-half_w, half_h - corner), (-half_w, -half_h + corner)])
    rings = [octagon * scale + (cx, cy) for scale in (1.0, 0.78, 0.56)]
    for outer, inner in zip(rings, rings[1:], strict=False):
        for i in range(8):
            j = (i + 1) % 8
            _facet(canvas, rng, [outer[i], outer[j], inner[j], inner[i]], stone, (cx, cy))
    canvas.fill(rings[-1], lighter(stone, 0.25), to=darker(stone, 0.1), angle=60, edge=None,
                sketch=False)
    corners = [[rings[0][i], rings[1][i], rings[2][i]] for i in range(8)]
    _ridges(canvas, stone, corners, rings[1:])
    _rim(canvas, stone, rings[0])
