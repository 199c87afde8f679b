"""Strokes to the black-on-white edge image the generators see, and to colour-hint channels
(user-guided colourization, Zhang et al. 2017); 1-px edges to the same pen look."""
import math
from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw

from inference.palette import DEFAULT_COLOR, rgb

SKETCH_STROKE_SIZE = 3.0  # default pen diameter in 256-px units; training sketches use it too
STROKE_SIZE_UNITS = 256  # a stroke "size" is a diameter on a 256-px canvas
SUPERSAMPLE = 4  # lines are drawn this many times larger, then box-averaged down (anti-aliasing)
MAX_RASTER_SIZE = 4096
BLACK, WHITE = 0, 255
TOOL_INK = {"pen": BLACK, "eraser": WHITE}
# Points are clamped to this band around the [0, 1] canvas so wild coordinates stay cheap to draw.
COORDINATE_LIMITS = (-1.0, 2.0)
# Colour hints: red, green and blue (0-1) where a coloured stroke lies, and a mask (1 there).
HINT_CHANNELS = 4
SKETCH_CHANNELS = 1
HINTED_CHANNELS = SKETCH_CHANNELS + HINT_CHANNELS  # what a model with hint input takes


def rasterize(strokes: Sequence[dict], size: int = 256) -> Image.Image:
    """The strokes drawn in order as a size x size "L" image: black (0) lines on white (255).

    Each stroke is a wire-format dict {"points": [[x, y], ...] in [0, 1] with y down,
    "size": pen diameter in 256-px units, "tool": "pen" | "eraser"}; the eraser paints white.
    Caps and joins are round; a one-point stroke is a dot.
    """
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_RASTER_SIZE:
        raise ValueError(f"size must be an integer in [1, {MAX_RASTER_SIZE}], got {size!r}")
    if isinstance(strokes, str | bytes) or not isinstance(strokes, Sequence):
        raise ValueError("strokes must be a list of stroke dicts")
    side = size * SUPERSAMPLE
    canvas = Image.new("L", (side, side), WHITE)
    draw = ImageDraw.Draw(canvas)
    for number, stroke in enumerate(strokes):
        points, diameter, ink = _parse_stroke(stroke, number)
        # Wider than this covers the whole canvas from any clamped point anyway.
        width = min(_pixel_width(diameter * side / STROKE_SIZE_UNITS), 4 * side)
        _draw_round_path(draw, points * side, width, ink)
    return canvas.reduce(SUPERSAMPLE)


def rasterize_hints(strokes: Sequence[dict], size: int = 256) -> np.ndarray:
    """The colour-hint channels of the strokes: HINT_CHANNELS x size x size float32, the
    stroke's colour (RGB in [0, 1]) and a mask of 1 where a coloured stroke lies, 0 elsewhere.

    A stroke is coloured when its "color" (a palette name or #rrggbb) is not the default
    black pen; later strokes paint over earlier ones and the eraser wipes hints away too.
    """
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_RASTER_SIZE:
        raise ValueError(f"size must be an integer in [1, {MAX_RASTER_SIZE}], got {size!r}")
    if isinstance(strokes, str | bytes) or not isinstance(strokes, Sequence):
        raise ValueError("strokes must be a list of stroke dicts")
    colours = Image.new("RGB", (size, size), (0, 0, 0))
    mask = Image.new("L", (size, size), 0)
    paint, cover = ImageDraw.Draw(colours), ImageDraw.Draw(mask)
    for number, stroke in enumerate(strokes):
        points, diameter, ink = _parse_stroke(stroke, number)
        colour = _hint_colour(stroke, number)
        if ink == WHITE:  # the eraser
            colour = None
        elif colour is None:
            continue
        width = min(_pixel_width(diameter * size / STROKE_SIZE_UNITS), 4 * size)
        _draw_round_path(paint, points * size, width, colour or (0, 0, 0))
        _draw_round_path(cover, points * size, width, 0 if colour is None else 255)
    hints = np.empty((HINT_CHANNELS, size, size), np.float32)
    hints[:3] = np.asarray(colours, np.float32).transpose(2, 0, 1) / 255.0
    hints[3] = np.asarray(mask, np.float32) / 255.0
    return hints


def _hint_colour(stroke: dict, number: int) -> tuple[int, int, int] | None:
    colour = stroke.get("color")
    if colour is None or colour == DEFAULT_COLOR:
        return None
    try:
        return rgb(colour)
    except ValueError as error:
        raise ValueError(f"stroke {number}: {error}") from error


def model_input(sketch: Image.Image, hints: np.ndarray | None, channels: int) -> torch.Tensor:
    """The 1 x channels x H x W tensor a model takes: the sketch (as to_tensor) alone, or with
    the hint channels after it (all zero when there are no hints)."""
    tensor = to_tensor(sketch)
    if channels == SKETCH_CHANNELS:
        return tensor
    if channels != HINTED_CHANNELS:
        raise ValueError(f"a model takes {SKETCH_CHANNELS} or {HINTED_CHANNELS} input "
                         f"channels, not {channels}")
    shape = (HINT_CHANNELS, sketch.height, sketch.width)
    if hints is None:
        hints = np.zeros(shape, np.float32)
    elif hints.shape != shape:
        raise ValueError(f"hints must be {shape}, got {hints.shape}")
    return torch.cat([tensor, torch.from_numpy(np.asarray(hints, np.float32))[None]], dim=1)


def _parse_stroke(stroke: dict, number: int) -> tuple[np.ndarray, float, int]:
    if not isinstance(stroke, dict):
        raise ValueError(f"stroke {number} must be a dict, got {type(stroke).__name__}")
    tool = stroke.get("tool", "pen")
    if tool not in TOOL_INK:
        raise ValueError(f"stroke {number}: tool must be one of {sorted(TOOL_INK)}, got {tool!r}")
    diameter = stroke.get("size", SKETCH_STROKE_SIZE)
    if isinstance(diameter, bool) or not isinstance(diameter, int | float) \
            or not math.isfinite(diameter) or diameter <= 0:
        raise ValueError(f"stroke {number}: size must be a positive number, got {diameter!r}")
    try:
        points = np.asarray(stroke.get("points"), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"stroke {number}: points must be a list of [x, y] numbers") from error
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"stroke {number}: points must be a non-empty list of [x, y] pairs")
    if not np.isfinite(points).all():
        raise ValueError(f"stroke {number}: points must be finite numbers")
    return np.clip(points, *COORDINATE_LIMITS), float(diameter), TOOL_INK[tool]


def _pixel_width(diameter: float) -> int:
    return max(1, math.floor(diameter + 0.5))


def _disk_corner(centres: np.ndarray, width: int) -> np.ndarray:
    """Top-left pixel index of a width-px disk centred there (pixel k spans [k, k + 1])."""
    return np.floor(centres - width / 2 + 0.5).astype(np.int64)


def _line_index(centres: np.ndarray, width: int) -> np.ndarray:
    """Pillow line coordinates whose width-px band is centred like _disk_corner's disks.

    Pillow centres an odd-width line on the middle of pixel y and an even-width one on the
    corner below it; the shifts below make both agree with the disks to the pixel.
    """
    return np.floor(centres - (0.5 if width % 2 == 0 else 0.0)).astype(np.int64)


def _draw_round_path(draw: ImageDraw.ImageDraw, points: np.ndarray, width: int,
                     ink: int | tuple[int, int, int]) -> None:
    """Segments of the given width plus a disk on every point: round caps and joins."""
    if len(points) > 1:
        draw.line([tuple(point) for point in _line_index(points, width).tolist()],
                  fill=ink, width=width)
    corners = _disk_corner(points, width)
    moved = np.ones(len(corners), dtype=bool)
    moved[1:] = (corners[1:] != corners[:-1]).any(axis=1)  # slow hands repeat points
    last = width - 1
    for x0, y0 in corners[moved].tolist():
        draw.ellipse((x0, y0, x0 + last, y0 + last), fill=ink)


def thicken(mask: np.ndarray, size: float = SKETCH_STROKE_SIZE) -> Image.Image:
    """A 1-px line mask (True = line) drawn with the canvas pen: an "L" image like rasterize's.

    The pen (diameter `size` in 256-px units, scaled to the mask width) puts a dot on every
    line pixel and draws a segment to each neighbouring line pixel, with the same primitives
    and supersampling as rasterize, so training sketches look like served ones.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype != np.bool_ or 0 in mask.shape:
        raise ValueError(f"mask must be a non-empty 2-D boolean array, got {mask.dtype} "
                         f"{mask.shape}")
    if isinstance(size, bool) or not isinstance(size, int | float) or not math.isfinite(size) \
            or size <= 0:
        raise ValueError(f"size must be a positive number, got {size!r}")
    height, width = mask.shape
    pen = _pixel_width(size * width * SUPERSAMPLE / STROKE_SIZE_UNITS)
    dot = _pen_footprint(pen, (0, 0))
    # covered[phase_y, phase_x, i, j]: supersampled pixel (4i + phase_y, 4j + phase_x) is inked
    covered = np.zeros((SUPERSAMPLE, SUPERSAMPLE, height, width), dtype=bool)
    _stamp(covered, mask, dot)
    for step, starts in _neighbour_links(mask):
        if starts.any():
            _stamp(covered, starts, _pen_footprint(pen, step) - dot)
    big = covered.transpose(2, 0, 3, 1).reshape(height * SUPERSAMPLE, width * SUPERSAMPLE)
    return Image.fromarray(np.where(big, BLACK, WHITE).astype(np.uint8)).reduce(SUPERSAMPLE)


def _neighbour_links(mask: np.ndarray) -> list[tuple[tuple[int, int], np.ndarray]]:
    """(step, flags): flags[i, j] when pixels (i, j) and (i, j) + step are both line pixels."""
    links = []
    for step_y, step_x in [(0, 1), (1, 0), (1, 1), (1, -1)]:
        starts = np.zeros_like(mask)
        rows = slice(0, mask.shape[0] - step_y)
        columns = slice(max(-step_x, 0), mask.shape[1] - max(step_x, 0))
        ends = mask[step_y:, max(step_x, 0):mask.shape[1] + min(step_x, 0)]
        starts[rows, columns] = mask[rows, columns] & ends
        links.append(((step_y, step_x), starts))
    return links


def _pen_footprint(pen: int, step: tuple[int, int]) -> frozenset[tuple[int, int]]:
    """The supersampled pixels rasterize inks for a stroke from pixel (0, 0)'s centre to pixel
    `step`'s centre, as (row, column) offsets from pixel (0, 0)'s top-left corner."""
    margin = pen + 2 * SUPERSAMPLE
    side = 2 * margin + SUPERSAMPLE
    canvas = Image.new("L", (side, side), WHITE)
    centre = margin + SUPERSAMPLE / 2
    path = np.array([[centre, centre],
                     [centre + SUPERSAMPLE * step[1], centre + SUPERSAMPLE * step[0]]])
    _draw_round_path(ImageDraw.Draw(canvas), path[:1] if step == (0, 0) else path, pen, BLACK)
    rows, columns = np.nonzero(np.asarray(canvas) == BLACK)
    return frozenset(zip((rows - margin).tolist(), (columns - margin).tolist(), strict=True))


def _stamp(covered: np.ndarray, flags: np.ndarray,
           footprint: frozenset[tuple[int, int]]) -> None:
    """OR the footprint, placed on every flagged pixel, into the phase planes of `covered`.

    Flagged pixels lie SUPERSAMPLE apart in the big picture, so each footprint pixel lands on
    one phase plane, shifted by whole pixels: one array OR per footprint pixel.
    """
    height, width = flags.shape
    for row, column in footprint:
        shift_y, phase_y = divmod(row, SUPERSAMPLE)
        shift_x, phase_x = divmod(column, SUPERSAMPLE)
        if abs(shift_y) >= height or abs(shift_x) >= width:
            continue
        target = covered[phase_y, phase_x]
        target[max(shift_y, 0):height + min(shift_y, 0), max(shift_x, 0):width + min(shift_x, 0)] \
            |= flags[max(-shift_y, 0):height - max(shift_y, 0),
                     max(-shift_x, 0):width - max(shift_x, 0)]


def to_tensor(image: Image.Image) -> torch.Tensor:
    """An "L" image as a 1 x 1 x H x W float tensor in [0, 1] (white = 1)."""
    if not isinstance(image, Image.Image) or image.mode != "L":
        raise ValueError(f"expected a PIL image in mode 'L', got {image!r}")
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    return torch.from_numpy(pixels)[None, None]
