"""Car world: a car (sedan, hatchback, van, pickup, sports, bubble) on a sunny road, seen from
the side, the front or three-quarters, each kind in its own paint (a red sports car, a yellow
bubble car, a white van) and with its own shape from every side."""
import numpy as np
from PIL import Image, ImageDraw
from skimage.measure import find_contours

from training.worlds.base import (
    SIZE,
    WorldSample,
    darker,
    from_hsv,
    lay_ground,
    lighter,
    pick,
    pick_view,
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
# Front views, in car widths: body height (bumper to beltline), cabin height, roof width, the
# headlights' shape and the grille's, so each kind shows its own face.
FRONTS = {
    "sedan": (0.3, 0.3, 0.66, "wide", "slot"),
    "hatchback": (0.32, 0.34, 0.72, "round", "slot"),
    "van": (0.38, 0.5, 0.86, "square", "bars"),
    "pickup": (0.4, 0.34, 0.7, "square", "big"),
    "sports": (0.22, 0.22, 0.55, "slanted", "mouth"),
    "bubble": (0.34, 0.42, 0.6, "round", "none"),
}
# How often each view is painted; the side view is the world as it was first painted.
VIEW_SHARES = {"side": 0.5, "front": 0.25, "three_quarter": 0.25}
VIEWS = tuple(VIEW_SHARES)
ORIGINAL_VIEWS = ("side",)
SILHOUETTE_SCALE = 2  # the three-quarter silhouette is traced on a mask this much larger


def paint(seed: int, views=None) -> WorldSample:
    """The picture and drawing for this seed, in one of `views` (default all of VIEWS)."""
    rng = rng_for(seed)
    view = pick_view(seed, views, VIEW_SHARES)
    ground = rng.uniform(150, 195)
    canvas = _sunny_day(rng, ground)
    canvas.view = view
    _road(canvas, rng, ground)
    canvas.begin_subject()
    {"side": _car, "front": _front, "three_quarter": _three_quarter}[view](canvas, rng, ground)
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
    place = _placer(x0, length, belt, bottom, roof_height, facing_left)
    colour = vary(rng, PAINT[kind], 10)
    canvas.glow(x0 + length / 2, ground, length * 0.55, 6, (20, 20, 25), 0.55)
    _side(canvas, rng, place, kind, colour, ground, wheel)


def _placer(x0, length, belt, bottom, roof_height, facing_left):
    """Unit side-body coordinates -> canvas pixels, facing the chosen way."""
    def place(points):
        xs = x0 + np.array([p[0] for p in points]) * length
        ys = np.array([belt + p[1] * roof_height if p[1] < 0 else belt + p[1] * (bottom - belt)
                       for p in points])
        placed = np.stack([xs, ys], axis=1)
        return mirror(placed, x0 + length / 2) if facing_left else placed
    return place


def _side(canvas: Canvas, rng, place, kind, colour, ground, wheel):
    """The car's near side: body, windows, lights and trim, wheels; returns the body shape."""
    outline, cabin = BODIES[kind]
    body = canvas.fill(smooth(place(outline), 3), lighter(colour, 0.15), to=darker(colour, 0.3),
                       edge=darker(colour, 0.55), edge_width=1.8)
    canvas.line(place([(0.02, 0.2), (0.98, 0.2)]), lighter(colour, 0.6), 3, opacity=0.5,
                clip=body, sketch=False)
    _windows(canvas, rng, place, cabin, body)
    _lights_and_trim(canvas, rng, place, body, colour, kind)
    for at in _axles(kind):
        centre = place([(at, 1)])[0]
        canvas.fill(ellipse(centre[0], ground - wheel, wheel * 1.12, wheel * 1.12),
                    darker(colour, 0.7), edge=None, clip=body, sketch=False)
        _wheel(canvas, rng, centre[0], ground - wheel, wheel)
    return body


def _axles(kind) -> tuple[float, float]:
    return (0.19, 0.8) if kind != "van" else (0.17, 0.83)


def _three_quarter(canvas: Canvas, rng, ground) -> None:
    """The side view with depth: the far side shows behind and above, so the front face with
    its windscreen, both headlights and the grille, and the roof come into sight."""
    kind = pick(rng, list(BODIES))
    outline, cabin = BODIES[kind]
    length = rng.uniform(140, 180)
    depth = length * rng.uniform(0.42, 0.5)
    reach, rise = depth * rng.uniform(0.6, 0.8), depth * rng.uniform(0.16, 0.26)
    span = length + reach
    x0 = SIZE / 2 - span / 2 + rng.uniform(-1, 1) * max(SIZE - span - 8, 0) / 2
    wheel = length * rng.uniform(0.11, 0.13)
    bottom = ground - wheel * rng.uniform(0.6, 0.85)
    belt = bottom - length * rng.uniform(0.17, 0.23)
    roof_height = length * rng.uniform(0.17, 0.22) * CABIN_HEIGHT.get(kind, 0.9)
    facing_left = rng.random() < 0.5
    if facing_left:  # the far side reaches out to the left: the body starts further right
        x0 += reach
    place = _placer(x0, length, belt, bottom, roof_height, facing_left)
    away = np.array([-reach if facing_left else reach, -rise])  # towards the car's far side
    colour = vary(rng, PAINT[kind], 10)
    canvas.glow(*(place([(0.5, 1)])[0] + away / 2 + (0, wheel * 0.9)), length * 0.62, 8,
                (20, 20, 25), 0.55)
    far_wheel = place([(_axles(kind)[1], 1)])[0] + away
    _wheel(canvas, rng, far_wheel[0], ground - wheel - rise, wheel * 0.95)
    near = smooth(place(outline), 3)
    shade = darker(colour, 0.2)
    face = canvas.fill(_swept(near, away), lighter(shade, 0.1), to=darker(shade, 0.25), angle=0,
                       edge=darker(colour, 0.55), edge_width=1.8)
    _, _, front_roof, front_base = np.array(place(cabin), dtype=float)
    with canvas.part("windscreen"):
        pane = np.array([front_base, front_roof, front_roof + away, front_base + away])
        centre = pane.mean(axis=0)
        glass = vary(rng, GLASS, 8)
        canvas.fill(pane + (centre - pane) * 0.12, lighter(glass, 0.25), to=darker(glass, 0.2),
                    angle=60, edge=(60, 70, 90), edge_width=1.4)  # inside the face: unclipped
    with canvas.part("lights"):
        head = place([(0.99, 0.3)])[0]
        size = length * 0.04
        for t in (0.8,):  # the far headlight; the near one comes with the side
            light = head + away * t
            canvas.fill(ellipse(*light, size * 0.75, size * 0.6), (255, 236, 140), shade=0.3,
                        edge=(150, 120, 40), detail=True)
        grille = [head + away * 0.25, head + away * 0.58]
        canvas.fill(band(grille, size * 0.7), darker(colour, 0.6), edge=darker(colour, 0.75),
                    edge_width=1.2, clip=face, detail=True)
    _side(canvas, rng, place, kind, colour, ground, wheel)


def _swept(outline: np.ndarray, away: np.ndarray) -> np.ndarray:
    """The outline of everything the closed outline covers as it slides along `away`."""
    scale = SILHOUETTE_SCALE
    margin = SIZE * scale // 2  # room for a car that reaches past the picture's edge
    mask = Image.new("L", (SIZE * scale + 2 * margin,) * 2, 0)
    draw = ImageDraw.Draw(mask)
    shifted = outline + away
    for ring in (outline, shifted):
        draw.polygon([tuple(p) for p in (ring * scale + margin).tolist()], fill=255)
    for a, b, c, d in zip(outline, np.roll(outline, -1, 0), np.roll(shifted, -1, 0), shifted,
                          strict=True):
        draw.polygon([tuple(p) for p in (np.array([a, b, c, d]) * scale + margin).tolist()],
                     fill=255)
    contour = max(find_contours(np.asarray(mask, np.float32) / 255, 0.5), key=len)
    return smooth((contour[::2, ::-1] - margin) / scale, 1)


def _front(canvas: Canvas, rng, ground) -> None:
    """The car face on: wheels under the body's corners, the windscreen above the bonnet, a
    headlight each side of the grille, mirrors; each kind its own proportions and lights."""
    kind = pick(rng, list(BODIES))
    body_height, cabin_height, roof, lights, grille = FRONTS[kind]
    width = rng.uniform(150, 200) * (1.08 if kind == "sports" else 1.0)
    cx = SIZE / 2 + rng.uniform(-1, 1) * max(SIZE - width - 10, 0) / 2
    tyre = width * rng.uniform(0.12, 0.15)
    bottom = ground - tyre * rng.uniform(0.45, 0.6)
    belt = bottom - width * body_height
    top = belt - width * cabin_height
    colour = vary(rng, PAINT[kind], 10)
    half = width / 2
    canvas.glow(cx, ground, half * 1.15, 7, (20, 20, 25), 0.6)
    for side in (-1, 1):
        x = cx + side * (half - tyre * 0.75)
        canvas.fill(rounded_rect(x - tyre * 0.6, bottom - tyre * 0.6, x + tyre * 0.6, ground,
                                 tyre * 0.3), TYRE, shade=0.25, edge=(10, 10, 12))
    round_body = 3 if kind == "bubble" else 2
    roof_half, cabin_half = half * roof, half * (0.9 if kind != "van" else 0.97)
    shell = [(cx - half, bottom), (cx - half, belt + (bottom - belt) * 0.15),
             (cx - cabin_half, belt), (cx - roof_half, top), (cx + roof_half, top),
             (cx + cabin_half, belt), (cx + half, belt + (bottom - belt) * 0.15),
             (cx + half, bottom)]
    body = canvas.fill(smooth(shell, round_body), lighter(colour, 0.15), to=darker(colour, 0.3),
                       edge=darker(colour, 0.55), edge_width=1.8)
    with canvas.part("windscreen"):
        inset = width * 0.04
        pane = [(cx - cabin_half + inset * 1.2, belt - inset * 0.4),
                (cx - roof_half + inset, top + inset), (cx + roof_half - inset, top + inset),
                (cx + cabin_half - inset * 1.2, belt - inset * 0.4)]
        glass = vary(rng, GLASS, 8)
        screen = canvas.fill(smooth(pane, 2), lighter(glass, 0.25), to=darker(glass, 0.2),
                             angle=60, edge=(60, 70, 90), edge_width=1.4)
        canvas.line([(cx - roof_half * 0.4, belt - inset), (cx - roof_half * 0.1, top + inset * 2)],
                     (255, 255, 255), width * 0.05, opacity=0.45, clip=screen, sketch=False)
    for side in (-1, 1):  # wing mirrors
        canvas.fill(ellipse(cx + side * (cabin_half + width * 0.04), belt - width * 0.025,
                            width * 0.045, width * 0.03), darker(colour, 0.1), shade=0.2,
                    edge=darker(colour, 0.55), detail=True)
    level = belt + (bottom - belt) * 0.35
    with canvas.part("lights"):
        for side in (-1, 1):
            x = cx + side * half * 0.68
            canvas.glow(x, level, width * 0.1, width * 0.07, (255, 250, 200), 0.4)
            canvas.fill(_headlight(lights, x, level, width, side), (255, 236, 140), shade=0.3,
                        edge=(150, 120, 40))
    _grille(canvas, grille, cx, level, width, colour, body)
    bumper = [(cx - half * 0.96, bottom - width * 0.04), (cx + half * 0.96, bottom - width * 0.04)]
    canvas.fill(band(bumper, width * 0.05), (190, 192, 198), edge=(90, 90, 95), edge_width=1.2,
                clip=body, detail=True)
    canvas.fill(rounded_rect(cx - width * 0.1, bottom - width * 0.11, cx + width * 0.1,
                             bottom - width * 0.06, 1.5), (245, 245, 240), edge=(90, 90, 95),
                edge_width=1.2, clip=body, detail=True)  # the number plate


def _headlight(style, x, y, width, side) -> np.ndarray:
    size = width * 0.07
    if style == "round":
        return ellipse(x, y, size, size)
    if style == "square":
        return rounded_rect(x - size, y - size * 0.8, x + size, y + size * 0.8, size * 0.25)
    if style == "slanted":
        corners = [(-1.3, -0.2), (1.1, -0.7), (1.2, 0.1), (-1.2, 0.4)]  # narrowing outwards
        return smooth([(x + side * size * dx, y + size * dy) for dx, dy in corners], 2)
    return rounded_rect(x - size * 1.35, y - size * 0.55, x + size * 1.35, y + size * 0.55,
                        size * 0.4)  # wide


def _grille(canvas: Canvas, style, cx, y, width, colour, body) -> None:
    if style == "none":
        return
    dark = darker(colour, 0.6)
    half, tall = {"slot": (0.2, 0.045), "bars": (0.2, 0.07), "big": (0.22, 0.1),
                  "mouth": (0.17, 0.05)}[style]
    shape = canvas.fill(rounded_rect(cx - width * half, y - width * tall, cx + width * half,
                                     y + width * tall, width * 0.02), dark, edge=darker(dark, 0.4),
                        edge_width=1.2, clip=body, detail=True)
    if style in ("bars", "big"):
        for k in (-1, 0, 1):
            bar = y + k * width * tall * 0.55
            canvas.line([(cx - width * half, bar), (cx + width * half, bar)], (170, 172, 180),
                        2.0, clip=shape, detail=True)


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
