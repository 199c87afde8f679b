"""Shoe world: side-view sneakers, high-tops, boots, sandals, high heels and slippers on a studio
floor, each kind and stripe style in its own colourway (a canvas sneaker with a red sweep, a
high-top with orange stripes, a brown boot, a red high heel, a pink slipper)."""
import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    darker,
    from_hsv,
    lay_ground,
    lighter,
    line_on,
    pick,
    pick_view,
    rng_for,
    vary,
    vertical_gradient,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import band, bezier, ellipse, limb, mirror, rotate, rounded_rect, smooth

# Uppers as key points: x from heel (0) to toe (1), y in upper heights above the sole (-1 = a
# low sneaker's collar). The lace line runs between the two points of LACES.
UPPERS = {
    "sneaker": [(0.02, 0), (-0.02, -0.5), (0.03, -0.92), (0.12, -1.0), (0.25, -0.82),
                (0.36, -0.9), (0.4, -1.02), (0.5, -0.95), (0.64, -0.74), (0.8, -0.58),
                (0.93, -0.46), (1.0, -0.25), (1.01, 0)],
    "hightop": [(0.02, 0), (-0.02, -0.6), (0.02, -1.5), (0.08, -1.75), (0.3, -1.72),
                (0.38, -1.78), (0.43, -1.6), (0.48, -1.1), (0.64, -0.74), (0.8, -0.58),
                (0.93, -0.46), (1.0, -0.25), (1.01, 0)],
    "boot": [(0.02, 0), (-0.01, -0.6), (0.03, -1.4), (0.02, -2.1), (0.34, -2.1), (0.37, -1.6),
             (0.46, -1.0), (0.64, -0.72), (0.8, -0.58), (0.94, -0.46), (1.01, -0.22),
             (1.02, 0)],
}
LACES = {"sneaker": ((0.42, -0.98), (0.63, -0.76)), "hightop": ((0.43, -1.55), (0.63, -0.76)),
         "boot": ((0.36, -1.9), (0.63, -0.74))}
TONGUE = {"sneaker": (0.36, -1.2), "hightop": (0.38, -1.95), "boot": (0.3, -2.25)}
STYLES = ("sweep", "stripes", "badge")
WHITE_SOLE, GUM_SOLE = (248, 248, 246), (200, 150, 90)
# (kind, style) -> upper, accent, lace, sole. Canvas uppers with a coloured sweep, stripes or
# badge: the accent is drawn where it is painted, and a big upper in one colour the drawing
# cannot show would only teach the average of all paints.
CANVAS = (246, 246, 244)
COLOURWAYS = {
    ("sneaker", "sweep"): (CANVAS, (230, 50, 60), (250, 250, 250), WHITE_SOLE),
    ("sneaker", "stripes"): (CANVAS, (40, 110, 230), (250, 250, 250), WHITE_SOLE),
    ("sneaker", "badge"): (CANVAS, (60, 180, 90), (250, 250, 250), GUM_SOLE),
    ("hightop", "sweep"): (CANVAS, (40, 40, 50), (250, 250, 250), WHITE_SOLE),
    ("hightop", "stripes"): (CANVAS, (250, 140, 40), (250, 250, 250), WHITE_SOLE),
    ("hightop", "badge"): (CANVAS, (150, 80, 200), (40, 40, 45), WHITE_SOLE),
    ("boot", None): ((130, 82, 45), (91, 57, 31), (200, 160, 90), (60, 45, 35)),
    # upper (the straps, the plush), accent (buckle, lining, fur), lace (unused), sole
    ("sandal", None): ((235, 110, 60), (240, 200, 70), (235, 110, 60), (212, 172, 118)),
    ("high_heel", None): ((205, 30, 60), (236, 200, 172), (205, 30, 60), (60, 30, 35)),
    ("slipper", None): ((245, 160, 195), (250, 248, 244), (245, 160, 195), (180, 182, 196)),
}
# How often each view is painted: the laced kinds are the world as it was first painted (and
# keep their own mix of sneakers, high-tops and boots); every other view is one more kind.
VIEW_SHARES = {"sneaker_or_boot": 0.5, "sandal": 1 / 6, "high_heel": 1 / 6, "slipper": 1 / 6}
VIEWS = tuple(VIEW_SHARES)
ORIGINAL_VIEWS = ("sneaker_or_boot",)


def paint(seed: int, views=None) -> WorldSample:
    """The picture and drawing for this seed, in one of `views` (default all of VIEWS)."""
    rng = rng_for(seed)
    view = pick_view(seed, views, VIEW_SHARES)
    if view == "sneaker_or_boot":
        kind = pick(rng, ["sneaker", "sneaker", "hightop", "boot"])
    canvas = _studio(rng)
    canvas.view = view
    canvas.begin_subject()
    if view == "sneaker_or_boot":
        _shoe(canvas, rng, kind)
    else:
        {"sandal": _sandal, "high_heel": _high_heel, "slipper": _slipper}[view](canvas, rng)
    return canvas.finish()


def _studio(rng) -> Canvas:
    """A warm studio wall meeting the floor along a line that is drawn too."""
    wall = from_hsv(rng.uniform(25, 45), rng.uniform(0.05, 0.14), rng.uniform(0.88, 0.95))
    floor_line = rng.uniform(150, 200)
    pixels = vertical_gradient(lighter(wall, 0.4), wall, 0, floor_line)
    lay_ground(pixels, floor_line, darker(wall, 0.18), darker(wall, 0.28), softness=1)
    canvas = Canvas(rng, pixels)
    canvas.horizon(np.full(SIZE, floor_line))
    return canvas


def _shoe(canvas: Canvas, rng, kind: str) -> None:
    length = rng.uniform(185, 232) if kind != "boot" else rng.uniform(160, 200)
    upper_height = length * rng.uniform(0.28, 0.35) * (0.8 if kind == "boot" else 1.0)
    sole = length * (rng.uniform(0.075, 0.11) if kind != "boot" else rng.uniform(0.09, 0.12))
    place = _placer(rng, length, upper_height, sole, min(point[1] for point in UPPERS[kind]))
    style = None if kind == "boot" else pick(rng, STYLES)
    colourway = _colourway(rng, kind, style)
    canvas.glow(*place([(0.5, sole)], 1.0)[0], length * 0.55, sole * 0.9, (0, 0, 0), 0.35)
    throat_start, throat_end = place(LACES[kind])
    tip = place([TONGUE[kind]])[0]
    tongue_colour = lighter(colourway["upper"], 0.25)
    canvas.fill(limb(throat_start + (throat_end - throat_start) * 0.25, tip, 0.3 * upper_height),
                tongue_colour, shade=0.15, edge=darker(tongue_colour, 0.55), edge_width=1.6)
    sunk = 0.5 * sole / upper_height  # the upper reaches into the sole: no gap between them
    outline = smooth(place(UPPERS[kind]), 3, closed=False)
    outline = np.vstack([outline, place([(1.0, sunk), (0.02, sunk)])])
    upper = canvas.fill(outline, colourway["upper"], shade=0.15, light=(-0.2, -0.6),
                        edge=darker(colourway["upper"], 0.55), edge_width=1.8)
    _decorations(canvas, rng, place, upper, kind, colourway, upper_height)
    _laces(canvas, rng, place, kind, colourway, upper_height)
    sole_points = [(-0.03, -0.15), (0.5, -0.1), (1.03, -0.2), (1.05, 0.4), (0.96, 1.0),
                   (0.1, 1.0), (-0.03, 0.85)]
    if kind == "boot":
        sole_points = [(-0.03, -0.12), (1.03, -0.12), (1.04, 0.6), (0.96, 1.0), (0.4, 1.0),
                       (0.36, 0.75), (0.27, 0.75), (0.25, 1.3), (0.0, 1.3), (-0.03, 0.9)]
    sole_colour = colourway["sole"]
    sole_shape = canvas.fill(smooth(place(sole_points, sole), 2), sole_colour,
                             to=darker(sole_colour, 0.15), edge=darker(sole_colour, 0.5),
                             edge_width=1.8)
    canvas.line(place([(0.0, 0.45), (1.0, 0.45)], sole), line_on(sole_colour), 1.4,
                clip=sole_shape, detail=True)


def _placer(rng, length, upper_height, sole, top):
    """Where a shoe `length` long lands, turned a little, facing either way: its place(points,
    lift) maps x from heel (0) to toe (1) and y in `lift`s above the sole's top (negative up);
    `top` is its highest point in upper heights."""
    height = sole - top * upper_height
    x0 = (SIZE - length) / 2 + rng.uniform(-0.5, 0.5) * max(SIZE - length - 16, 0)
    floor = (SIZE + height) / 2 + rng.uniform(-0.3, 0.3) * max(SIZE - height - 30, 0) - sole
    tilt = rng.uniform(-8, 8)
    flip = rng.random() < 0.5

    def place(points, lift=upper_height):
        points = np.asarray(points, dtype=float)
        placed = np.stack([x0 + points[:, 0] * length, floor + points[:, 1] * lift], axis=1)
        placed = rotate(placed, tilt, (SIZE / 2, floor))
        return mirror(placed) if flip else placed
    return place


def _flat_sole(canvas: Canvas, place, sole, colour) -> None:
    points = [(-0.03, -0.2), (1.03, -0.25), (1.05, 0.5), (0.96, 1.0), (0.06, 1.0), (-0.03, 0.75)]
    shape = canvas.fill(smooth(place(points, sole), 2), colour, to=darker(colour, 0.15),
                        edge=darker(colour, 0.5), edge_width=1.8)
    canvas.line(place([(0.02, 0.45), (1.0, 0.45)], sole), line_on(colour), 1.4, clip=shape,
                detail=True)


def _sandal(canvas: Canvas, rng) -> None:
    """A cork footbed with straps arching over it: round the heel, over the toes, across."""
    length = rng.uniform(185, 225)
    height, sole = length * rng.uniform(0.2, 0.25), length * rng.uniform(0.08, 0.11)
    place = _placer(rng, length, height, sole, -1.1)
    colourway = _colourway(rng, "sandal", None)
    strap, edge = colourway["upper"], darker(colourway["upper"], 0.5)
    canvas.glow(*place([(0.5, sole)], 1.0)[0], length * 0.55, sole * 0.9, (0, 0, 0), 0.35)
    toe_reach = rng.uniform(0.85, 1.05)
    arches = [((0.03, 0.2), (-0.04, -0.55), (0.14, -1.05), 0.24),  # round the heel
              ((0.12, -0.98), (0.32, -0.9), (0.46, 0.2), 0.2),  # across the instep
              ((0.6, 0.2), (0.76, -toe_reach * 1.3), (0.95, 0.2), 0.34)]  # over the toes
    with canvas.part("straps"):
        for start, bend, end, width in arches:
            canvas.fill(band(bezier(*place([start, bend, end]), steps=18), width * height),
                        strap, shade=0.15, edge=edge, edge_width=1.6)
        buckle = place([(0.17, -0.95)])[0]
        canvas.fill(rounded_rect(buckle[0] - 0.14 * height, buckle[1] - 0.14 * height,
                                 buckle[0] + 0.14 * height, buckle[1] + 0.14 * height, 2),
                    colourway["accent"], shade=0.2, edge=darker(colourway["accent"], 0.5),
                    edge_width=1.2, detail=True)
    _flat_sole(canvas, place, sole, colourway["sole"])


def _high_heel(canvas: Canvas, rng) -> None:
    """A low-cut pump on a tall heel: the foot's line rises from the toes to the heel seat."""
    length = rng.uniform(175, 215)
    height = length * rng.uniform(0.2, 0.24)
    lift = rng.uniform(1.1, 1.5)  # the heel's height, in upper heights
    sole = length * 0.03
    place = _placer(rng, length, height, sole, -lift - 0.7)
    colourway = _colourway(rng, "high_heel", None)
    leather, edge = colourway["upper"], darker(colourway["upper"], 0.55)
    ground = sole / height  # the floor, in upper heights below the sole's top
    canvas.glow(*place([(0.55, sole)], 1.0)[0], length * 0.5, sole * 3, (0, 0, 0), 0.35)
    if rng.random() < 0.5:  # a stiletto or a block heel
        heel = [(0.0, -lift), (0.17, -lift * 0.95), (0.13, ground), (0.09, ground)]
    else:
        heel = [(0.0, -lift), (0.2, -lift * 0.95), (0.18, ground), (0.04, ground)]
    with canvas.part("heel"):
        canvas.fill(place(heel), darker(leather, 0.12), to=darker(leather, 0.35), angle=0,
                    edge=edge, edge_width=1.6)
    canvas.fill(place([(0.08, ground - 0.12), (0.15, ground - 0.12), (0.15, ground),
                       (0.08, ground)]) if heel[2][0] < 0.15 else
                place([(0.04, ground - 0.12), (0.18, ground - 0.12), (0.18, ground),
                       (0.04, ground)]), (40, 30, 32), edge=None, sketch=False)  # its tip
    top = [(-0.01, -lift - 0.65), (0.12, -lift - 0.68), (0.3, -0.75 * lift - 0.5),
           (0.5, -0.45 * lift - 0.55), (0.64, -0.78), (0.8, -0.66), (0.95, -0.42), (1.03, -0.15),
           (1.03, 0.0)]
    foot = [(0.68, 0.02), (0.45, -0.5 * lift), (0.2, -0.95 * lift), (0.0, -lift),
            (-0.03, -lift - 0.2)]
    upper = canvas.fill(smooth(place(top + foot), 2), leather, shade=0.22, light=(-0.3, -0.6),
                        edge=edge, edge_width=1.8)
    lining = bezier(*place([(0.03, -lift - 0.55), (0.25, -0.85 * lift - 0.4),
                            (0.55, -0.42 * lift - 0.38)]), steps=14)
    canvas.line(lining, colourway["accent"], 0.16 * height, clip=upper, detail=True)
    canvas.fill(smooth(place([(0.62, -0.25), (1.03, -0.25), (1.03, 0.7), (0.95, 1.0),
                              (0.66, 1.0)], sole), 2), colourway["sole"], edge=None,
                sketch=False)


def _slipper(canvas: Canvas, rng) -> None:
    """A soft, plush slipper: a rounded upper, a fur cuff round the opening, a pompom."""
    length = rng.uniform(180, 220)
    height, sole = length * rng.uniform(0.24, 0.28), length * rng.uniform(0.05, 0.07)
    place = _placer(rng, length, height, sole, -1.5)
    colourway = _colourway(rng, "slipper", None)
    plush, fur = colourway["upper"], colourway["accent"]
    canvas.glow(*place([(0.5, sole)], 1.0)[0], length * 0.55, sole * 1.2, (0, 0, 0), 0.35)
    sunk = 0.5 * sole / height
    outline = [(0.02, sunk), (-0.03, -0.35), (0.03, -0.72), (0.3, -0.68), (0.55, -0.85),
               (0.78, -0.78), (0.94, -0.52), (1.03, -0.2), (1.03, sunk)]
    canvas.fill(fluffy(smooth(place(outline), 3), rng), plush, shade=0.2, light=(-0.2, -0.6),
                edge=darker(plush, 0.45), edge_width=1.8)
    cuff = bezier(*place([(-0.02, -0.74), (0.2, -0.62), (0.45, -0.78)]), steps=20)
    canvas.fill(fluffy(band(cuff, 0.3 * height), rng), fur, shade=0.12, edge=darker(fur, 0.3))
    with canvas.part("pompom"):
        centre = place([(rng.uniform(0.66, 0.76), -0.95)])[0]
        size = rng.uniform(0.36, 0.46) * height
        canvas.fill(fluffy(ellipse(*centre, size, size * 0.9), rng), fur, shade=0.2,
                    edge=darker(fur, 0.3))
    _flat_sole(canvas, place, sole, colourway["sole"])


def _colourway(rng, kind: str, style: str | None) -> dict:
    upper, accent, lace, sole = COLOURWAYS[kind, style]
    return {"upper": vary(rng, upper, 8), "accent": vary(rng, accent, 8), "lace": lace,
            "sole": vary(rng, sole, 6), "style": style}


def _decorations(canvas: Canvas, rng, place, upper, kind, colourway, height) -> None:
    accent = colourway["accent"]
    edge = darker(accent, 0.5)
    toe = place([(0.9, -0.2)], height)[0]
    canvas.fill(ellipse(toe[0], toe[1] + 0.1 * height, 0.16 * height * 2.2, 0.5 * height),
                lighter(accent, 0.1), edge=edge, clip=upper, detail=True)
    heel = place([(0.04, -0.4)], height)[0]
    canvas.fill(ellipse(heel[0], heel[1], 0.35 * height, 0.55 * height), accent, edge=edge,
                clip=upper, detail=True)
    if kind == "boot":
        if rng.random() < 0.5:  # a cosy fur cuff
            cuff = place([(-0.03, -2.1), (0.37, -2.1)], height)
            fur = vary(rng, (245, 240, 228), 6)
            canvas.fill(fluffy(band(bezier(*cuff, steps=24), 0.4 * height), rng), fur,
                        shade=0.15, edge=darker(fur, 0.3))
        tab = place([(0.0, -2.08), (0.06, -2.3), (0.13, -2.08)], height)
        canvas.line(bezier(*tab, steps=10), darker(colourway["upper"], 0.3), 3.0, detail=True)
        return
    style = colourway["style"]
    if style == "sweep":
        swoosh = place([(0.2, -0.2), (0.55, -0.15), (0.85, -0.62)], height)
        canvas.fill(band(bezier(*swoosh, steps=16), 0.22 * height), accent, edge=edge,
                    clip=upper)
    elif style == "stripes":
        for k in range(3):
            x = 0.38 + k * 0.08
            canvas.fill(band(place([(x, -0.1), (x + 0.1, -0.82)], height), 0.07 * height * 2.5),
                        accent, edge=edge, clip=upper)
    else:  # a round badge
        centre = place([(0.3, -0.45)], height)[0]
        canvas.fill(ellipse(*centre, 0.22 * height, 0.22 * height), accent, shade=0.2,
                    edge=edge, clip=upper)
        if kind == "hightop":
            star_centre = place([(0.22, -1.1)], height)[0]
            canvas.fill(ellipse(*star_centre, 0.25 * height, 0.25 * height), (250, 250, 250),
                        edge=edge, clip=upper, detail=True)


def fluffy(points: np.ndarray, rng) -> np.ndarray:
    """A soft, bumpy version of an outline (fur)."""
    bumps = rng.uniform(1.5, 3.0) * np.sin(np.arange(len(points)) * rng.uniform(1.6, 2.2))
    centre = points.mean(axis=0)
    away = (points - centre) / np.maximum(np.hypot(*(points - centre).T), 1e-6)[:, None]
    return smooth(points + away * bumps[:, None], 2)


def _laces(canvas: Canvas, rng, place, kind, colourway, height) -> None:
    """Lace bars across the throat, each from the opening down to its eyelet."""
    start, end = place(LACES[kind])
    along = (end - start) / max(np.hypot(*(end - start)), 1e-6)
    inward = np.array([-along[1], along[0]])
    if inward[1] < 0:
        inward = -inward
    count = {"sneaker": 4, "hightop": 6, "boot": 6}[kind] + int(rng.integers(0, 2))
    colour = colourway["lace"]
    for k in range(count):
        at = start + (end - start) * (k + 0.5) / count
        lace = [at - inward * 3, at + inward * 0.24 * height]
        canvas.line(lace, darker(colour, 0.45), 4.4, sketch=False)
        canvas.line(lace, colour, 2.8, detail=k % 2 == 1)
        canvas.fill(ellipse(*lace[1], 2.2, 2.2), (35, 35, 40), edge=None, sketch=False)
