"""Colour hints for training and scoring, sampled from the truth picture the way a child colours:
a few crayon scribbles or short strokes inside regions of one colour, now and then along an
outline, often none at all, each in the crayon-box colour nearest the region's paint."""
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import binary_erosion, label
from skimage.color import rgb2lab
from skimage.measure import find_contours

from inference.palette import DEFAULT_COLOR, PALETTE
from training.worlds.shapes import polyline_length, resample

NO_HINT_SHARE = 0.4  # at least a third of training sketches have no colour at all
MAX_HINTS = 4  # coloured strokes on one sketch at most
MIN_REGION_PIXELS = 250  # at 256 px: smaller patches of one colour get no hint
REGION_MARGIN_PX = 3  # at 256 px: hints keep this far inside their region
CRAYON_SIZES = (5.0, 12.0)  # crayon diameters in 256-px stroke units
HINT_KINDS = {"scribble": 0.5, "stroke": 0.3, "outline": 0.2}
PATH_STEP = 1.5  # px between the points of a hint path at 256 px
FIT_TRIES = 4  # a hint that sticks out of its region is tried again this often, smaller
FIT_SHRINK = 0.7
SCALE_SIZE = 256
# Black is the pen every line is drawn with, so it is never a hint; white paper neither.
HINT_COLOURS = tuple(name for name in PALETTE if name != DEFAULT_COLOR)
_PALETTE_LAB = rgb2lab(np.array([[PALETTE[name] for name in PALETTE]], np.uint8))[0]


@dataclass
class Hints:
    """Coloured wire-format strokes and the truth regions (H x W bool) they colour."""

    strokes: list[dict]
    region: np.ndarray


def palette_map(picture: np.ndarray) -> np.ndarray:
    """H x W index into HINT_COLOURS of each pixel's nearest crayon (CIELAB), -1 where the
    nearest is the black pen."""
    lab = rgb2lab(picture)
    distances = np.linalg.norm(lab[:, :, None, :] - _PALETTE_LAB[None, None], axis=3)
    nearest = np.argmin(distances, axis=2)
    names = list(PALETTE)
    lookup = np.array([HINT_COLOURS.index(name) if name in HINT_COLOURS else -1
                       for name in names])
    return lookup[nearest]


def hint_regions(picture: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(crayon name, region mask, inner mask the hints stay in) for every connected region the
    truth paints in one crayon colour, big enough to colour in."""
    scale = picture.shape[1] / SCALE_SIZE
    crayons = palette_map(picture)
    regions = []
    for index, name in enumerate(HINT_COLOURS):
        pieces, count = label(crayons == index)
        if count == 0:
            continue
        sizes = np.bincount(pieces.ravel())[1:]
        for number in np.flatnonzero(sizes >= MIN_REGION_PIXELS * scale ** 2) + 1:
            region = pieces == number
            inner = binary_erosion(region, iterations=max(1, round(REGION_MARGIN_PX * scale)))
            if inner.any():
                regions.append((name, region, inner))
    return regions


def sample_hints(picture: np.ndarray, rng: np.random.Generator, *,
                 always: bool = False) -> Hints:
    """Hints for the H x W x 3 uint8 truth: none for NO_HINT_SHARE of the calls (never when
    `always`), else one to MAX_HINTS coloured strokes in regions picked by their size."""
    height, width = picture.shape[:2]
    empty = Hints([], np.zeros((height, width), bool))
    if not always and rng.random() < NO_HINT_SHARE:
        return empty
    regions = hint_regions(picture)
    if not regions:
        return empty
    sizes = np.array([region.sum() for _, region, _ in regions], np.float64)
    count = min(len(regions), int(rng.integers(1, MAX_HINTS + 1)))
    picked = rng.choice(len(regions), size=count, replace=False, p=sizes / sizes.sum())
    strokes, covered = [], empty.region.copy()
    scale = width / SCALE_SIZE
    for index in picked:
        name, region, inner = regions[index]
        kind = str(rng.choice(list(HINT_KINDS), p=list(HINT_KINDS.values())))
        path = _fitted(PATHS[kind], inner, rng, scale)
        if path is None:
            continue
        strokes.append({"points": np.round(path / width, 4).tolist(),
                        "size": round(float(rng.uniform(*CRAYON_SIZES)), 2), "tool": "pen",
                        "color": name})
        covered |= region
    return Hints(strokes, covered)


def _start(inner: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ys, xs = np.nonzero(inner)
    pick = int(rng.integers(len(xs)))
    return np.array([xs[pick] + 0.5, ys[pick] + 0.5])


def _scribble(inner, rng, scale) -> np.ndarray:
    """A zigzag back and forth, as a child colours a patch in."""
    centre = _start(inner, rng)
    angle = rng.uniform(0, np.pi)
    along = np.array([np.cos(angle), np.sin(angle)])
    across = np.array([-along[1], along[0]])
    length = rng.uniform(20, 50) * scale
    turns = int(rng.integers(4, 11))
    step = rng.uniform(3.0, 5.0) * scale
    points = [centre + across * (k - turns / 2) * step + along * length / 2 * (1 if k % 2 else -1)
              for k in range(turns)]
    return np.array(points)


def _stroke(inner, rng, scale) -> np.ndarray:
    """One short straight-ish crayon line."""
    start = _start(inner, rng)
    angle = rng.uniform(0, 2 * np.pi)
    end = start + np.array([np.cos(angle), np.sin(angle)]) * rng.uniform(20, 60) * scale
    middle = (start + end) / 2 + rng.normal(0, 2 * scale, 2)
    return np.array([start, middle, end])


def _outline(inner, rng, scale) -> np.ndarray:
    """A stretch just inside the region's edge, as a child traces a shape in colour."""
    contours = find_contours(inner.astype(np.float32), 0.5)
    if not contours:
        return _stroke(inner, rng, scale)
    contour = max(contours, key=len)[:, ::-1] + 0.5  # (row, column) -> (x, y)
    start = int(rng.integers(len(contour)))
    return np.roll(contour, -start, axis=0)[:max(3, int(rng.uniform(30, 90) * scale))]


PATHS = {"scribble": _scribble, "stroke": _stroke, "outline": _outline}


def _fitted(make, inner: np.ndarray, rng: np.random.Generator, scale: float):
    """A hint path wholly inside the mask: tried FIT_TRIES times, smaller each time, then
    the longest stretch of the last try that lies inside."""
    size = scale
    for _ in range(FIT_TRIES):
        path = make(inner, rng, size)
        clipped = _clip(path, inner, scale)
        if clipped is not None and len(clipped) == len(resample(path, PATH_STEP * scale, False)):
            return clipped
        size *= FIT_SHRINK
    return clipped


def _clip(path: np.ndarray, inner: np.ndarray, scale: float) -> np.ndarray | None:
    """The longest stretch of the path inside the mask, or None when too little is left."""
    points = resample(path, PATH_STEP * scale, closed=False)
    cells = np.floor(points).astype(np.int64)
    height, width = inner.shape
    inside = (cells[:, 0] >= 0) & (cells[:, 1] >= 0) & (cells[:, 0] < width) \
        & (cells[:, 1] < height)
    inside[inside] = inner[cells[inside, 1], cells[inside, 0]]
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(np.int8), [0]])))
    if len(edges) == 0:
        return None
    start, stop = max(zip(edges[0::2], edges[1::2], strict=True), key=lambda run: run[1] - run[0])
    piece = points[start:stop]
    return piece if len(piece) >= 2 and polyline_length(piece) >= 3 * scale else None
