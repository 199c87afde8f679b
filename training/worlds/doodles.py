"""A world picture drawn other ways than its world draws it: with a child's doodles added
(speed lines, sun, clouds, stars, hearts, hatching, letters, outlines traced twice, sloppy
corners, wobbly or ruler-straight lines) or plain (the main outlines only). The picture, the
truth, stays the world's; only the drawing changes."""
import math

import numpy as np
from PIL import Image, ImageDraw
from scipy.ndimage import distance_transform_edt

from inference.rasterize import SKETCH_STROKE_SIZE
from training.worlds.base import SIZE, WorldSample
from training.worlds.hand import ChildHand
from training.worlds.shapes import ellipse, polyline_length, resample, star

DRAWINGS = ("clean", "doodled", "plain")
# How a robust training set draws each picture: the world's way, doodled, plain, or the same
# outlines by another hand (ruled or wobbly, any pen width, some lines traced twice).
TRAINING_MIX = {"clean": 0.35, "doodled": 0.3, "plain": 0.15, "restyled": 0.2}
TRAINING_SALT = 101  # keeps a training drawing's randomness apart from the suite's
DOODLES = ("speed_lines", "sky_things", "hatching", "letters")
PLAIN_MIN_LENGTH = 30.0  # px: a five-year-old leaves out outline bits shorter than this
HATCH_MIN_AREA = 700.0  # px^2: only shapes at least this big get shading scribbled in
HATCH_SPACING = (7.0, 12.0)  # px between hatching lines
PEN_WIDTHS = (0.7, 2.6)  # pen diameters of a real canvas, as multiples of the default pen
SAMPLE_STEP = 1.5  # px between points when clipping a doodle line to a shape

# A stroke font for letters in a corner: each letter as polylines in a unit box (y down).
LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.25, 0.55), (0.75, 0.55)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "I": [[(0.5, 0), (0.5, 1)]],
    "L": [[(0, 0), (0, 1), (0.9, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "T": [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]],
    "V": [[(0, 0), (0.5, 1), (1, 0)]],
    "Z": [[(0, 0), (1, 0), (0, 1), (1, 1)]],
}

Run = tuple[np.ndarray, bool, bool]  # (points in px, closed, detail), as Canvas.visible_runs


def drawing(sample: WorldSample, kind: str, seed: int) -> list[dict]:
    """The sample's picture drawn as `kind` (one of DRAWINGS), in wire-format strokes."""
    if kind == "clean":
        return sample.strokes
    rng = np.random.default_rng([seed, DRAWINGS.index(kind)])
    if kind == "doodled":
        return doodled(sample.runs, rng, avoid=sample.subject)
    if kind == "plain":
        return plain(sample.runs, rng)
    raise ValueError(f"drawing kind must be one of {DRAWINGS}, got {kind!r}")


def training_drawing(sample: WorldSample, seed: int, index: int = 0) -> tuple[str, list[dict]]:
    """Drawing number `index` of the sample for a robust training set: (kind, strokes), the
    kind drawn from TRAINING_MIX. The picture stays the truth whatever the drawing."""
    rng = np.random.default_rng([seed, index, TRAINING_SALT])
    kind = str(rng.choice(list(TRAINING_MIX), p=list(TRAINING_MIX.values())))
    if kind == "clean":
        return kind, sample.strokes if index == 0 else ChildHand(rng).draw(sample.runs)
    if kind == "doodled":
        return kind, doodled(sample.runs, rng, avoid=sample.subject)
    if kind == "plain":
        return kind, plain(sample.runs, rng)
    return kind, restyled(sample.runs, rng)


def restyled(runs: list[Run], rng: np.random.Generator) -> list[dict]:
    """The same outlines by another hand: ruler-straight or wobbly, any pen width of a real
    canvas, some lines traced twice, corners overshot or left open."""
    ruled = rng.random() < 0.5
    return _hand(rng, shake=0.15 if ruled else rng.uniform(1.5, 3.5),
                 ruler=rng.uniform(2.0, 4.0) if ruled else 0.0,
                 sloppiness=rng.uniform(1.0, 3.0), retrace=rng.uniform(0.0, 0.4),
                 skip_details=rng.uniform(0.0, 0.3)).draw(runs)


def plain(runs: list[Run], rng: np.random.Generator) -> list[dict]:
    """Only the main outlines: no detail, no short bits, one steady pen."""
    main = [run for run in runs if not run[2] and polyline_length(run[0], run[1])
            >= PLAIN_MIN_LENGTH]
    return _hand(rng).draw(main or runs)


def doodled(runs: list[Run], rng: np.random.Generator, doodles: tuple[str, ...] | None = None,
            avoid: np.ndarray | None = None) -> list[dict]:
    """The outlines drawn by a sloppy hand (traced twice, overshooting, wobbly or ruled) with
    at least two kinds of doodle added (all of `doodles` when given); suns, clouds and letters
    stay off the `avoid` mask (the subject) where there is room."""
    if doodles is None:
        count = int(rng.integers(2, len(DOODLES) + 1))
        doodles = tuple(rng.choice(DOODLES, size=count, replace=False))
    extra: list[Run] = []
    for name in doodles:
        if name not in DOODLES:
            raise ValueError(f"doodle must be one of {DOODLES}, got {name!r}")
        extra += DOODLE_MAKERS[name](runs, rng, avoid)
    style = rng.choice(["wobbly", "ruler", "sloppy"])
    hand = _hand(rng, sloppiness=rng.uniform(2.0, 4.0), retrace=rng.uniform(0.2, 0.6),
                 shake=rng.uniform(2.0, 3.5) if style == "wobbly" else
                 (0.15 if style == "ruler" else None),
                 ruler=rng.uniform(2.0, 4.0) if style == "ruler" else 0.0)
    return hand.draw(runs + extra)


def _hand(rng: np.random.Generator, **knobs) -> ChildHand:
    """A child's hand with a pen width anywhere in a real canvas's range."""
    pen = SKETCH_STROKE_SIZE * rng.uniform(*PEN_WIDTHS)
    return ChildHand(rng, pen, **{"skip_details": 0.0, **knobs})


# ---- the doodles -------------------------------------------------------------------------

def speed_lines(runs: list[Run], rng: np.random.Generator, avoid=None) -> list[Run]:
    """Short level lines trailing behind the drawing's biggest thing, as if it moved."""
    x0, y0, x1, y1 = _bounds(_biggest(runs))
    behind_left = rng.random() < 0.5
    lines = []
    for _ in range(int(rng.integers(3, 9))):
        y = rng.uniform(y0 + 0.15 * (y1 - y0), y1 - 0.1 * (y1 - y0))
        length = rng.uniform(12, 40)
        gap = rng.uniform(4, 14)
        start = x0 - gap - length if behind_left else x1 + gap
        slant = rng.uniform(-0.15, 0.15) * length
        lines.append((np.array([[start, y], [start + length, y + slant]]), False, False))
    return _on_canvas(lines)


def sky_things(runs: list[Run], rng: np.random.Generator, avoid=None) -> list[Run]:
    """A sun with rays, clouds, stars or hearts in the emptiest places of the drawing."""
    things = []
    room = _room(runs, avoid)
    for _ in range(int(rng.integers(1, 4))):
        y, x = np.unravel_index(int(np.argmax(room)), room.shape)
        radius = float(np.clip(room[y, x] * 0.7, 7, 22))
        kind = rng.choice(["sun", "cloud", "star", "heart"])
        things += _sky_thing(kind, float(x) + 0.5, float(y) + 0.5, radius, rng)
        yy, xx = np.ogrid[:SIZE, :SIZE]
        room[(yy - y) ** 2 + (xx - x) ** 2 < (2.5 * radius) ** 2] = 0  # the next goes elsewhere
    return _on_canvas(things)


def _sky_thing(kind: str, x: float, y: float, radius: float, rng) -> list[Run]:
    if kind == "sun":
        rays = []
        for k in range(int(rng.integers(6, 11))):
            angle = 2 * math.pi * k / 8 + rng.uniform(-0.2, 0.2)
            direction = np.array([math.cos(angle), math.sin(angle)])
            rays.append((np.array([(x, y) + direction * radius * 1.3,
                                   (x, y) + direction * radius * 1.9]), False, False))
        return [(ellipse(x, y, radius, radius), True, False)] + rays
    if kind == "cloud":  # an ellipse with round bumps all along its edge
        t = np.linspace(0, 2 * math.pi, 64, endpoint=False)
        bumps = 1 + 0.22 * np.abs(np.sin(int(rng.integers(3, 6)) * t))
        return [(np.stack([x + 1.3 * radius * bumps * np.cos(t),
                           y + 0.75 * radius * bumps * np.sin(t)], axis=1), True, False)]
    if kind == "star":
        return [(star(x, y, radius, radius * 0.45, angle=rng.uniform(-110, -70)), True, False)]
    t = np.linspace(0, 2 * math.pi, 40, endpoint=False)  # a heart curve, point down
    heart = np.stack([16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t)
                                             - 2 * np.cos(3 * t) - np.cos(4 * t))], axis=1)
    return [(heart / 17 * radius + (x, y), True, False)]


def hatching(runs: list[Run], rng: np.random.Generator, avoid=None) -> list[Run]:
    """Shading scribbled inside one or two big shapes: parallel hatching or a zigzag."""
    shapes = [points for points, closed, _ in runs if closed and _area(points) >= HATCH_MIN_AREA]
    if not shapes:
        return []
    picked = rng.choice(len(shapes), size=min(len(shapes), int(rng.integers(1, 3))),
                        replace=False)
    return [line for index in picked for line in hatch_inside(_inside_mask(shapes[index]), rng)]


def hatch_inside(inside: np.ndarray, rng: np.random.Generator) -> list[Run]:
    """Hatching lines or one zigzag scribble across the SIZE x SIZE mask, clipped to it."""
    ys, xs = np.nonzero(inside)
    if len(xs) == 0:
        return []
    corners = np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.max() + 1]], dtype=np.float64)
    angle = math.radians(rng.uniform(20, 160))
    paths = _hatch_paths(corners, angle, rng.uniform(*HATCH_SPACING), rng.random() < 0.4)
    return _clipped(paths, inside)


def letters(runs: list[Run], rng: np.random.Generator, avoid=None) -> list[Run]:
    """Two to four letters (a name) along the emptier bottom or top edge."""
    word = rng.choice(list(LETTERS), size=int(rng.integers(2, 5)))
    height = rng.uniform(12, 20)
    width = height * 0.7
    room = _room(runs, avoid)
    top_row = room[: SIZE // 4].mean() > room[-SIZE // 4:].mean()
    y = rng.uniform(6, 14) if top_row else SIZE - height - rng.uniform(6, 14)
    x = rng.uniform(6, 20) if rng.random() < 0.5 else \
        SIZE - len(word) * width * 1.4 - rng.uniform(6, 20)
    strokes = []
    for number, letter in enumerate(word):
        left = x + number * width * 1.4
        for line in LETTERS[str(letter)]:
            points = np.array(line, dtype=np.float64) * (width, height) + (left, y)
            strokes.append((points, False, False))
    return _on_canvas(strokes)


DOODLE_MAKERS = {"speed_lines": speed_lines, "sky_things": sky_things, "hatching": hatching,
                 "letters": letters}


# ---- geometry helpers --------------------------------------------------------------------

def _biggest(runs: list[Run]) -> np.ndarray:
    """The points of the closed run with the largest area (all points when none is closed)."""
    closed = [points for points, is_closed, _ in runs if is_closed]
    if closed:
        return max(closed, key=_area)
    return np.vstack([points for points, _, _ in runs]) if runs else \
        np.array([[SIZE / 4, SIZE / 4], [3 * SIZE / 4, 3 * SIZE / 4]])


def _bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def _area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _room(runs: list[Run], avoid: np.ndarray | None = None) -> np.ndarray:
    """SIZE x SIZE: each pixel's distance (px) to the nearest outline, the canvas edge or the
    `avoid` mask (ignored when it leaves no room)."""
    ink = Image.new("1", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(ink)
    for points, closed, _ in runs:
        path = [tuple(point) for point in points.tolist()]
        draw.line(path + path[:1] if closed else path, fill=1, width=3)
    free = ~np.asarray(ink, dtype=bool)
    free[[0, -1], :] = False
    free[:, [0, -1]] = False
    if avoid is not None and (free & ~avoid).sum() > 0.1 * free.size:
        free &= ~avoid
    return distance_transform_edt(free)


def _inside_mask(points: np.ndarray, shrink: int = 3) -> np.ndarray:
    """SIZE x SIZE bool: inside the closed outline, `shrink` px away from it."""
    mask = Image.new("1", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    path = [tuple(point) for point in points.tolist()]
    draw.polygon(path, fill=1)
    draw.line(path + path[:1], fill=0, width=2 * shrink)
    return np.asarray(mask, dtype=bool)


def _hatch_paths(points: np.ndarray, angle: float, spacing: float, zigzag: bool) -> list:
    """Lines across the shape's bounding circle at `angle`, `spacing` apart (or one zigzag)."""
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    reach = float(np.hypot(*(points.max(axis=0) - points.min(axis=0)))) / 2
    along = np.array([math.cos(angle), math.sin(angle)])
    across = np.array([-along[1], along[0]])
    offsets = np.arange(-reach, reach, spacing)
    ends = [(centre + across * o - along * reach, centre + across * o + along * reach)
            for o in offsets]
    if zigzag:  # one back-and-forth scribble through the same lines
        turns = []
        for k, (start, end) in enumerate(ends):
            turns += [start, end] if k % 2 == 0 else [end, start]
        return [np.array(turns)] if turns else []
    return [np.array(pair) for pair in ends]


def _clipped(paths: list[np.ndarray], inside: np.ndarray) -> list[Run]:
    """The parts of each path that lie inside the mask, as open runs."""
    runs = []
    for path in paths:
        points = resample(path, SAMPLE_STEP, closed=False)
        cells = np.clip(points.astype(np.int64), 0, SIZE - 1)
        keep = inside[cells[:, 1], cells[:, 0]] & (points >= 0).all(axis=1) \
            & (points < SIZE).all(axis=1)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
        for start, stop in zip(edges[0::2], edges[1::2], strict=True):
            if stop - start >= 3:
                runs.append((points[start:stop], False, False))
    return runs


def _on_canvas(runs: list[Run]) -> list[Run]:
    """Runs clipped to the canvas (doodles placed near an edge may stick out)."""
    return _clipped([points for points, closed, _ in runs if not closed],
                    np.ones((SIZE, SIZE), bool)) + \
        [(np.clip(points, 1, SIZE - 1), True, False) for points, closed, _ in runs if closed]
