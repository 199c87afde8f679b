"""The HED-to-child bridge: an edge sketch of a photo redrawn the way a child would draw it.

HED and Canny sketches of photos hold 12-24 % ink in dozens of texture fragments; a child's
drawing holds 3-5 % ink in a few closed outlines. The bridge keeps the longest lines (the
object's outline and its main inner lines), closes small gaps, drops texture fragments,
simplifies the curves and redraws them with a child's pen and hand (training.worlds.hand).
"""
import numpy as np
from PIL import Image
from scipy.ndimage import binary_closing, label
from skimage.measure import approximate_polygon
from skimage.morphology import thin

from inference.rasterize import SKETCH_STROKE_SIZE, rasterize
from training.worlds.base import SIZE as HAND_SIZE
from training.worlds.hand import ChildHand

BRIDGED_EDGE_METHODS = ("hed", "canny")  # edge sketches of photos, which the bridge redraws
LINE_GREY_LEVEL = 128  # a sketch pixel darker than this is on a line
GAP_CLOSE_PX = 1  # line ends this close (each way) are joined before anything is measured
MIN_LINE_PX = 12  # at 256 px: connected lines shorter than this are texture
MAX_LINES = 30  # the worlds' child drawings hold 1-16 separate lines
MAX_LINE_LENGTH_PX = 2600  # at 256 px: about 12 % ink at the canvas pen, as the worlds' children
MIN_KEPT_LENGTH_PX = 60  # at 256 px: less than this left means there was no object to draw
MAX_RAW_INK = 0.35  # an edge sketch inkier than this is noise, not a photo's edges
SIMPLIFY_PX = 1.5  # Douglas-Peucker tolerance of the redrawn curves
MIN_PATH_POINTS = 3
CHILD_PEN = (0.8, 1.6)  # multiples of the canvas pen
EMPTY_REASON = "the HED-to-child bridge left no drawing (a blank photo or noise)"

NEIGHBOURS = [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]


def line_statistics(sketch: Image.Image) -> dict:
    """Ink share (0-1) and the number of separate line pieces (8-connected) of a sketch."""
    ink = np.asarray(sketch.convert("L")) < LINE_GREY_LEVEL
    _, pieces = label(ink, structure=np.ones((3, 3)))
    return {"ink": float(ink.mean()), "fragments": int(pieces)}


def bridge_sketch(sketch: Image.Image, rng: np.random.Generator) -> Image.Image | None:
    """The sketch as a child would draw it (same size, "L"), or None when nothing is left to
    draw (a blank photo, or noise that is all texture)."""
    ink = np.asarray(sketch.convert("L")) < LINE_GREY_LEVEL
    if ink.mean() > MAX_RAW_INK:
        return None
    scale = ink.shape[1] / HAND_SIZE
    lines = thin(binary_closing(ink, iterations=GAP_CLOSE_PX, border_value=0) | ink)
    kept = _main_lines(lines, scale)
    if kept is None:
        return None
    runs = [(path / scale, closed, False) for path, closed in _trace(kept)]
    if not runs:
        return None
    hand = ChildHand(rng, SKETCH_STROKE_SIZE * rng.uniform(*CHILD_PEN), skip_details=0.0)
    drawn = rasterize(hand.draw(runs), ink.shape[1])
    return drawn if drawn.size == sketch.size else drawn.resize(sketch.size, Image.BICUBIC)


def _main_lines(lines: np.ndarray, scale: float) -> np.ndarray | None:
    """The longest connected lines, up to MAX_LINES and MAX_LINE_LENGTH_PX in all."""
    pieces, count = label(lines, structure=np.ones((3, 3)))
    if count == 0:
        return None
    lengths = np.bincount(pieces.ravel())[1:]
    keep, total = [], 0.0
    for index in np.argsort(-lengths)[:MAX_LINES]:
        if lengths[index] < MIN_LINE_PX * scale or total >= MAX_LINE_LENGTH_PX * scale:
            break
        keep.append(index + 1)
        total += lengths[index]
    if total < MIN_KEPT_LENGTH_PX * scale:
        return None
    return np.isin(pieces, keep)


def _trace(lines: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """1-px lines as polylines of (x, y) pixel centres, simplified; a path that comes back
    beside its start is a closed loop. Walks start at line ends, then at what is left (loops)."""
    remaining = lines.copy()
    height, width = lines.shape
    padded = np.pad(lines, 1).astype(np.int8)
    degree = sum(padded[1 + dy:1 + dy + height, 1 + dx:1 + dx + width]
                 for dy, dx in NEIGHBOURS)
    ends = list(zip(*np.nonzero(lines & (degree == 1)), strict=True))
    paths = []
    for start in ends + list(zip(*np.nonzero(lines), strict=True)):
        if not remaining[start]:
            continue
        path = _walk(remaining, start)
        if len(path) < MIN_PATH_POINTS:
            continue
        points = np.array(path, dtype=np.float64)[:, ::-1] + 0.5
        closed = len(path) > 8 and np.abs(points[0] - points[-1]).max() <= 1.5
        simple = approximate_polygon(points, SIMPLIFY_PX)
        paths.append((simple[:-1] if closed and len(simple) > 3 else simple, closed))
    return paths


def _walk(remaining: np.ndarray, start: tuple[int, int]) -> list[tuple[int, int]]:
    """Follow unvisited line pixels from start (straight neighbours first), marking them."""
    height, width = remaining.shape
    path = [start]
    remaining[start] = False
    y, x = start
    while True:
        for dy, dx in NEIGHBOURS:
            ny, nx = y + dy, x + dx
            if 0 <= ny < height and 0 <= nx < width and remaining[ny, nx]:
                remaining[ny, nx] = False
                path.append((ny, nx))
                y, x = ny, nx
                break
        else:
            return path
