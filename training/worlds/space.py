"""Space world: banded and ringed planets, cratered moons and stars in glowing nebula night;
a planet's paint follows its drawn surface (golden ringed giants, orange banded ones, rusty
cratered worlds, blue ocean worlds)."""
import math

import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    blend,
    darker,
    from_hsv,
    lighter,
    pick,
    rng_for,
    smooth_noise,
    vary,
    vertical_gradient,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import blob, ellipse, rotate, star

# kind of planet -> its body, band and light colours (a little banded planet is "small")
PALETTES = {
    "ringed": [(250, 205, 95), (228, 148, 62), (255, 236, 170)],
    "banded": [(232, 178, 120), (196, 120, 78), (245, 220, 170)],
    "small": [(130, 220, 190), (60, 160, 150), (200, 245, 225)],
    "rocky": [(205, 115, 80), (160, 80, 60), (235, 165, 125)],
    "earthy": [(120, 170, 240), (80, 115, 215), (175, 215, 250)],
}
SURFACES = {"ringed": "banded", "banded": "banded", "small": "banded", "rocky": "craters",
            "earthy": "ocean"}
RING = (225, 205, 160)
NEBULA = (150, 60, 210)  # one violet glow: the drawing never shows the nebula


def paint(seed: int) -> WorldSample:
    rng = rng_for(seed)
    canvas = Canvas(rng, _night_sky(rng))
    bodies = _layout(rng)
    canvas.begin_subject()
    for kind, cx, cy, radius in bodies:
        if kind == "moon":
            _moon(canvas, rng, cx, cy, radius)
        else:
            _planet(canvas, rng, cx, cy, radius, kind)
    for _ in range(int(rng.integers(0, 5))):
        x, y = rng.uniform(12, SIZE - 12), rng.uniform(12, SIZE - 12)
        if all(math.hypot(x - bx, y - by) > radius * _reach(kind) + 14
               for kind, bx, by, radius in bodies):
            _cartoon_star(canvas, rng, x, y, rng.uniform(6, 12))
    return canvas.finish()


def _reach(kind: str) -> float:
    return 2.2 if kind == "ringed" else 1.0


def _night_sky(rng) -> np.ndarray:
    """Deep blue-black with soft nebula clouds and a scatter of pin-prick stars."""
    top = from_hsv(rng.uniform(220, 260), 0.8, rng.uniform(0.08, 0.16))
    pixels = vertical_gradient(top, darker(top, 0.5))
    for _ in range(int(rng.integers(1, 3))):
        cloud = smooth_noise(rng, int(rng.integers(3, 6))) ** 2.5
        blend(pixels, vary(rng, NEBULA, 15), cloud * rng.uniform(0.3, 0.5))
    count = int(rng.integers(120, 260))
    xs, ys = rng.integers(0, SIZE, count), rng.integers(0, SIZE, count)
    brightness = rng.uniform(90, 255, count) * rng.uniform(0.4, 1.0, count)
    pixels[ys, xs] = np.maximum(pixels[ys, xs], brightness[:, None])
    big = brightness > 200
    for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
        yy, xx = np.clip(ys[big] + dy, 0, SIZE - 1), np.clip(xs[big] + dx, 0, SIZE - 1)
        pixels[yy, xx] = np.maximum(pixels[yy, xx], 0.5 * brightness[big, None])
    return pixels


def _layout(rng) -> list[tuple[str, float, float, float]]:
    """(kind, x, y, radius): one big planet, maybe a smaller one and a few moons."""
    kind = pick(rng, ["ringed", "ringed", "banded", "rocky", "earthy"])
    radius = rng.uniform(36, 55) if kind == "ringed" else rng.uniform(50, 88)
    reach = radius * _reach(kind)
    x = rng.uniform(min(reach, SIZE / 2), max(SIZE - reach, SIZE / 2))
    y = rng.uniform(radius + 12, SIZE - radius - 12)
    bodies = [(kind, x, y, radius)]
    for _ in range(int(rng.integers(0, 4))):
        small = rng.uniform(9, 24)
        for _ in range(12):
            bx, by = rng.uniform(small + 4, SIZE - small - 4, 2)
            if all(math.hypot(bx - ox, by - oy) > small + r * _reach(k) + 8
                   for k, ox, oy, r in bodies):
                bodies.append(("moon" if rng.random() < 0.7 else "banded", bx, by, small))
                break
    return bodies


def _planet(canvas: Canvas, rng, cx, cy, radius, kind: str) -> None:
    tilt = rng.uniform(-25, 25)
    # the sunlight comes from the upper left, as in a picture book (its side is never drawn)
    light = np.radians(rng.uniform(-155, -115))
    ringed = kind == "ringed"
    kind = "small" if radius < 30 else kind
    palette = [vary(rng, colour, 10) for colour in PALETTES[kind]]
    canvas.glow(cx, cy, radius * 1.15, radius * 1.15, lighter(palette[0], 0.3), 0.35)
    ring_parts = _ring(canvas, rng, cx, cy, radius, tilt) if ringed else None
    if ring_parts:
        ring_parts("back")
    body = canvas.fill(ellipse(cx, cy, radius, radius), palette[0], shade=0.2,
                       edge=darker(palette[0], 0.5), edge_width=1.6)
    if kind == "small":
        _bands(canvas, rng, cx, cy, radius, tilt, palette, body, count=2)
    else:
        _surface(canvas, rng, cx, cy, radius, tilt, palette, body, SURFACES[kind])
    dark = (cx - math.cos(light) * radius, cy - math.sin(light) * radius)
    canvas.glow(*dark, radius * 1.0, radius * 1.0, (5, 5, 20), 0.75, clip=body)
    shine = (cx + math.cos(light) * radius * 0.45, cy + math.sin(light) * radius * 0.45)
    canvas.glow(*shine, radius * 0.35, radius * 0.35, (255, 255, 255), 0.3, clip=body)
    if ring_parts:
        ring_parts("front")


def _surface(canvas: Canvas, rng, cx, cy, radius, tilt, palette, body, surface: str) -> None:
    if surface == "banded":
        _bands(canvas, rng, cx, cy, radius, tilt, palette, body, count=int(rng.integers(3, 6)))
        if rng.random() < 0.5:  # a great storm
            spot = rotate([(rng.uniform(-0.4, 0.4) * radius, rng.uniform(0.1, 0.4) * radius)],
                          tilt)[0] + (cx, cy)
            canvas.fill(ellipse(*spot, radius * 0.2, radius * 0.11, angle=tilt),
                        darker(palette[1], 0.15), shade=0.3, edge=darker(palette[1], 0.45),
                        clip=body, detail=True)
    elif surface == "craters":
        for _ in range(int(rng.integers(3, 7))):
            _crater(canvas, rng, cx, cy, radius, palette[1], body)
    else:  # oceans and islands
        canvas.fill(ellipse(cx, cy, radius, radius), (50, 110, 220), shade=0.2, edge=None,
                    clip=body, sketch=False)
        for _ in range(int(rng.integers(2, 5))):
            angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.8) * radius
            green = vary(rng, (80, 175, 85), 15)
            canvas.fill(blob(cx + math.cos(angle) * distance, cy + math.sin(angle) * distance,
                             radius * rng.uniform(0.2, 0.35), rng), green,
                        edge=darker(green, 0.4), clip=body, detail=True)


def _bands(canvas: Canvas, rng, cx, cy, radius, tilt, palette, body, count: int) -> None:
    """Wavy stripes across the planet, turned with its tilt."""
    xs = np.linspace(-1.3 * radius, 1.3 * radius, 40)
    edges = np.sort(rng.uniform(-0.85, 0.85, 2 * count)) * radius
    for k in range(count):
        top, bottom = edges[2 * k], edges[2 * k + 1]
        if bottom - top < radius * 0.08:
            continue
        upper, lower = (level + radius * 0.04 * np.sin(xs / radius * rng.uniform(3, 6)
                                                       + rng.uniform(0, 6.3))
                        for level in (top, bottom))
        band_points = np.vstack([np.stack([xs, upper], 1), np.stack([xs, lower], 1)[::-1]])
        colour = palette[1 + k % 2]
        canvas.fill(rotate(band_points, tilt) + (cx, cy), colour, edge=darker(colour, 0.25),
                    edge_width=1.2, clip=body, detail=k > 0)


def _crater(canvas: Canvas, rng, cx, cy, radius, colour, body) -> None:
    angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.75) * radius
    size = radius * rng.uniform(0.1, 0.22)
    x, y = cx + math.cos(angle) * distance, cy + math.sin(angle) * distance
    canvas.fill(ellipse(x, y, size, size * rng.uniform(0.8, 1.0)), darker(colour, 0.15),
                shade=0.25, light=(0.4, 0.5), edge=darker(colour, 0.4), edge_width=1.2,
                clip=body, detail=True)


def _ring(canvas: Canvas, rng, cx, cy, radius, tilt):
    """Paints the ring in two halves around the planet: call with "back", then "front"."""
    outer = radius * rng.uniform(1.8, 2.1)
    flat = rng.uniform(0.22, 0.34)
    width = radius * rng.uniform(0.22, 0.36)
    middle = outer - width / 2
    colour = vary(rng, RING, 10)
    reach = outer * 1.5
    # the back half reaches a little past the middle so the two halves meet without a seam
    halves = {name: canvas.region(rotate([(-reach, start), (reach, start), (reach, sign * reach),
                                          (-reach, sign * reach)], tilt) + (cx, cy))
              for name, sign, start in (("back", -1, 1.5), ("front", 1, 0.0))}

    def rim(r: float) -> np.ndarray:
        return ellipse(cx, cy, r, r * flat, angle=tilt)

    def paint_half(name: str) -> None:
        half = halves[name]
        canvas.line(rim(middle), darker(colour, 0.45), width + 2, closed=True, clip=half,
                    sketch=False)
        canvas.line(rim(middle), colour, width, closed=True, clip=half, sketch=False)
        canvas.line(rim(middle - width * 0.15), darker(colour, 0.2), width * 0.12, closed=True,
                    clip=half, sketch=False)
        canvas.outline(rim(outer), clip=half)
        canvas.outline(rim(outer - width), clip=half, detail=True)

    return paint_half


def _moon(canvas: Canvas, rng, cx, cy, radius) -> None:
    grey = vary(rng, pick(rng, [(200, 200, 205), (215, 200, 170), (190, 180, 200)]), 10)
    moon = canvas.fill(ellipse(cx, cy, radius, radius), grey, shade=0.3,
                       edge=darker(grey, 0.5), edge_width=1.4)
    for _ in range(int(rng.integers(1, 4))):
        _crater(canvas, rng, cx, cy, radius, grey, moon)


def _cartoon_star(canvas: Canvas, rng, x, y, size) -> None:
    yellow = vary(rng, (255, 236, 140), 8)
    canvas.glow(x, y, size * 1.2, size * 1.2, yellow, 0.45)
    canvas.fill(star(x, y, size, size * 0.45, angle=-90 + rng.uniform(-15, 15)), yellow,
                shade=0.2, edge=darker(yellow, 0.35), edge_width=1.2)
