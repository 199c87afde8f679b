"""Car world: a side-view car (sedan, hatchback, van, pickup, sports, bubble) on a sunny road,
each kind in its own paint (a red sports car, a yellow bubble car, a white van)."""
import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    darker,
    from_hsv,
    lay_ground,
    lighter,
    pick,
    rng_for,
    skyline,
    vary,
    vertical_gradient,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import band, ellipse, mirror, rounded_rect, smooth

PAINT = {"sedan": (40, 100, 220), "hatchback": (60, 170, 80), "van": (236, 236, 236),
         "pickup": (250, 130, 30), "sports": (220, 40, 45), "bubble": (250, 200, 40)}
TYRE = (32, 32, 36)
GLASS = (185, 225, 248)

# Side outlines as key points (x along the car 0..1 from the back, y: 0 = beltline, -1 = roof,
# 1 = body bottom), and the cabin (rear base, rear roof, front roof, front base) for the windows.
BODIES = {
    "sedan": ([(0, 1), (0, 0.05), (0.03, 0), (0.24, -0.02), (0.33, -1), (0.6, -1), (0.76, 0),
               (0.97, 0.12), (1, 0.45), (1, 1)], [(0.27, 0), (0.35, -1), (0.59, -1), (0.73, 0)]),
    "hatchback": ([(0, 1), (0, -0.1), (0.1, -0.95), (0.55, -1), (0.72, 0), (0.97, 0.15),
                   (1, 0.5), (1, 1)], [(0.05, 0), (0.13, -0.92), (0.54, -0.97), (0.68, 0)]),
    "van": ([(0, 1), (0, -1.25), (0.05, -1.35), (0.7, -1.35), (0.86, -0.05), (1, 0.2), (1, 1)],
            [(0.38, 0), (0.38, -1.2), (0.69, -1.22), (0.81, 0)]),
    "pickup": ([(0, 1), (0, 0), (0.46, 0), (0.47, -1), (0.66, -1), (0.78, 0), (0.98, 0.1),
                (1, 0.45), (1, 1)], [(0.5, 0), (0.5, -0.92), (0.65, -0.92), (0.75, 0)]),
    "sports": ([(0, 1), (0, 0.05), (0.18, -0.1), (0.36, -0.8), (0.54, -0.85), (0.74, 0),
                (1, 0.3), (1, 1)], [(0.25, -0.05), (0.38, -0.74), (0.53, -0.78), (0.69, 0)]),
    "bubble": ([(0, 1), (0, 0.2), (0.2, -0.6), (0.4, -1.15), (0.62, -1.1), (0.82, -0.2),
                (1, 0.3), (1, 1)], [(0.2, -0.1), (0.4, -0.95), (0.62, -0.9), (0.78, -0.1)]),
}
CABIN_HEIGHT = {"sports": 0.75, "van": 0.85, "bubble": 1.0}


def paint(seed: int) -> WorldSample:
    rng = rng_for(seed)
    ground = rng.uniform(150, 195)
    canvas = _sunny_day(rng, ground)
    _road(canvas, rng, ground)
    canvas.begin_subject()
    _car(canvas, rng, ground)
    return canvas.finish()


def _sunny_day(rng, ground) -> Canvas:
    """Sky, sun and clouds, far hills: everything in it is drawn too, so a model can follow it."""
    horizon = ground - rng.uniform(35, 70)
    sky = from_hsv(rng.uniform(200, 215), rng.uniform(0.4, 0.55), rng.uniform(0.88, 0.96))
    pixels = vertical_gradient(sky, lighter(sky, 0.7), 0, horizon)
    canvas = Canvas(rng, pixels)
    if rng.random() < 0.6:
        sun_x, sun_y = rng.uniform(20, SIZE - 20), rng.uniform(15, 50)
        canvas.glow(sun_x, sun_y, 40, 40, (255, 244, 190), 0.6)
        canvas.fill(ellipse(sun_x, sun_y, 14, 14), (255, 220, 70), edge=(230, 170, 40))
    for _ in range(int(rng.integers(1, 4))):
        canvas.cloud(rng.uniform(20, SIZE - 20), rng.uniform(20, horizon - 30), rng.uniform(40, 60))
    hills = from_hsv(rng.uniform(95, 115), 0.45, 0.7)
    hill_line = skyline(rng, horizon, 14)
    lay_ground(canvas.pixels, hill_line, hills, darker(hills, 0.25), softness=3, end=ground)
    canvas.horizon(hill_line)
    return canvas


def _road(canvas: Canvas, rng, ground) -> None:
    top, bottom = ground - rng.uniform(18, 32), ground + rng.uniform(14, 30)
    asphalt = vary(rng, (95, 98, 108), 10)
    road = canvas.fill([(-5, top), (SIZE + 5, top), (SIZE + 5, bottom), (-5, bottom)], asphalt,
                       to=darker(asphalt, 0.2), edge=darker(asphalt, 0.3))
    middle, offset = (top + bottom) / 2, rng.uniform(0, 50)
    for x in np.arange(-50 + offset, SIZE + 10, 50):
        canvas.fill(rounded_rect(x, middle - 2, x + 26, middle + 2, 2), (245, 245, 235),
                    edge=None, clip=road, sketch=False)
    if bottom < SIZE:
        canvas.fill([(-5, bottom), (SIZE + 5, bottom), (SIZE + 5, SIZE + 5), (-5, SIZE + 5)],
                    (110, 170, 80), to=(80, 140, 60), edge=None)  # the verge: its edge is drawn


def _car(canvas: Canvas, rng, ground) -> None:
    kind = pick(rng, list(BODIES))
    outline, cabin = BODIES[kind]
    length = rng.uniform(175, 236)
    x0 = SIZE / 2 - length / 2 + rng.uniform(-1, 1) * (SIZE - length) / 2 * 0.8
    wheel = length * rng.uniform(0.11, 0.135)
    bottom = ground - wheel * rng.uniform(0.6, 0.85)
    belt = bottom - length * rng.uniform(0.17, 0.23)
    roof_height = length * rng.uniform(0.17, 0.22) * CABIN_HEIGHT.get(kind, 0.9)
    facing_left = rng.random() < 0.5

    def place(points):  # unit body coordinates -> canvas pixels, facing the chosen way
        xs = x0 + np.array([p[0] for p in points]) * length
        ys = np.array([belt + p[1] * roof_height if p[1] < 0 else belt + p[1] * (bottom - belt)
                       for p in points])
        placed = np.stack([xs, ys], axis=1)
        return mirror(placed, x0 + length / 2) if facing_left else placed

    colour = vary(rng, PAINT[kind], 10)
    canvas.glow(x0 + length / 2, ground, length * 0.55, 6, (20, 20, 25), 0.55)
    body = canvas.fill(smooth(place(outline), 3), lighter(colour, 0.15), to=darker(colour, 0.3),
                       edge=darker(colour, 0.55), edge_width=1.8)
    canvas.line(place([(0.02, 0.2), (0.98, 0.2)]), lighter(colour, 0.6), 3, opacity=0.5,
                clip=body, sketch=False)
    _windows(canvas, rng, place, cabin, body)
    _lights_and_trim(canvas, rng, place, body, colour, kind)
    for at in (0.19, 0.8) if kind != "van" else (0.17, 0.83):
        centre = place([(at, 1)])[0]
        canvas.fill(ellipse(centre[0], ground - wheel, wheel * 1.12, wheel * 1.12),
                    darker(colour, 0.7), edge=None, clip=body, sketch=False)
        _wheel(canvas, rng, centre[0], ground - wheel, wheel)


def _windows(canvas: Canvas, rng, place, cabin, body) -> None:
    rear_base, rear_roof, front_roof, front_base = np.array(place(cabin), dtype=float)
    inset = 0.12
    centre = (rear_base + rear_roof + front_roof + front_base) / 4
    corners = [p + (centre - p) * inset for p in (rear_base, rear_roof, front_roof, front_base)]
    split = rng.uniform(0.45, 0.6)
    pillar = 0.05
    top_split = corners[1] + (corners[2] - corners[1]) * split
    base_split = corners[0] + (corners[3] - corners[0]) * split
    shift_top = (corners[2] - corners[1]) * pillar
    shift_base = (corners[3] - corners[0]) * pillar
    panes = [[corners[0], corners[1], top_split - shift_top, base_split - shift_base],
             [base_split + shift_base, top_split + shift_top, corners[2], corners[3]]]
    glass = vary(rng, GLASS, 8)
    for pane in panes:
        shape = canvas.fill(smooth(pane, 2), lighter(glass, 0.3), to=darker(glass, 0.25),
                            angle=60, edge=(60, 70, 90), edge_width=1.4)
        low, high = np.min(pane, axis=0), np.max(pane, axis=0)
        streak = [(low[0] + 0.25 * (high[0] - low[0]), high[1]), (low[0] + 0.6 * (high[0] - low[0]),
                                                                    low[1])]
        canvas.line(streak, (255, 255, 255), 0.22 * (high[0] - low[0]), opacity=0.45,
                    clip=shape, sketch=False)


def _lights_and_trim(canvas: Canvas, rng, place, body, colour, kind) -> None:
    head = place([(0.965, 0.3)])[0]
    tail = place([(0.015, 0.3)])[0]
    size = abs(place([(0.04, 0)])[0][0] - place([(0, 0)])[0][0])
    canvas.glow(*head, size * 1.4, size * 1.0, (255, 250, 200), 0.5)
    canvas.fill(ellipse(*head, size * 0.8, size * 0.65), (255, 236, 140), shade=0.3,
                edge=(150, 120, 40), clip=body, detail=True)
    canvas.fill(ellipse(*tail, size * 0.55, size * 0.7), (230, 40, 40), shade=0.3,
                edge=(120, 20, 20), clip=body, detail=True)
    door = place([(0.52, 0.08), (0.52, 0.85)]) if kind != "van" else \
        place([(0.6, -1.1), (0.6, 0.85)])
    canvas.line(door, darker(colour, 0.5), 1.3, clip=body, detail=True)
    handle = place([(0.42, 0.22)])[0]
    canvas.fill(rounded_rect(handle[0] - size * 0.6, handle[1] - 1.6, handle[0] + size * 0.6,
                             handle[1] + 1.6, 1.5), darker(colour, 0.35), edge=None,
                clip=body, detail=True)
    bumper = place([(0.9, 0.8), (1.01, 0.8)])
    canvas.fill(band(bumper, size * 0.5), (190, 192, 198), edge=(90, 90, 95), edge_width=1.2,
                detail=True)


def _wheel(canvas: Canvas, rng, cx, cy, radius) -> None:
    canvas.fill(ellipse(cx, cy, radius, radius), TYRE, shade=0.25, edge=(10, 10, 12))
    rim = vary(rng, (200, 204, 212), 12)
    canvas.fill(ellipse(cx, cy, radius * 0.55, radius * 0.55), rim, shade=0.35,
                edge=(90, 92, 100), edge_width=1.2)
    spokes, turn = int(rng.integers(4, 7)), rng.uniform(0, 360)
    for k in range(spokes):
        angle = np.radians(turn + 360 * k / spokes)
        tip = (cx + np.cos(angle) * radius * 0.45, cy + np.sin(angle) * radius * 0.45)
        canvas.line([(cx, cy), tip], darker(rim, 0.35), 1.6, sketch=False)
    canvas.fill(ellipse(cx, cy, radius * 0.15, radius * 0.15), darker(rim, 0.4), edge=None,
                detail=True)
