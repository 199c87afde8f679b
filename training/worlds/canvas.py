"""The canvas a painter works on: anti-aliased shapes on float pixels, each remembered as an
outline, so the drawing shows exactly the edges the picture shows."""
import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from training.worlds.base import SIZE, WHITE, Colour, WorldSample, blend, darker, lighter
from training.worlds.hand import ChildHand
from training.worlds.shapes import ellipse, polyline_length, resample, star

SUPERSAMPLE = 4  # shape masks are drawn this much larger, then averaged down (anti-aliasing)
OUTLINE_SPACING = 1.5  # px between outline points when testing what stays visible
MIN_RUN_LENGTH = 4.0  # px; visible bits of an outline shorter than this are not drawn


@dataclass
class Shape:
    """A painted shape: its outline and where its fill landed (for clipping later shapes)."""

    points: np.ndarray
    order: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, end exclusive
    inner: np.ndarray  # fill alpha (edge band excluded) over the box, in [0, 1]

    def alpha_in(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """This shape's fill alpha over another box (0 outside this shape's own box)."""
        x0, y0, x1, y1 = box
        out = np.zeros((y1 - y0, x1 - x0), np.float32)
        ax0, ay0, ax1, ay1 = max(x0, self.box[0]), max(y0, self.box[1]), \
            min(x1, self.box[2]), min(y1, self.box[3])
        if ax0 < ax1 and ay0 < ay1:
            out[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0] = \
                self.inner[ay0 - self.box[1]:ay1 - self.box[1], ax0 - self.box[0]:ax1 - self.box[0]]
        return out


@dataclass
class _Outline:
    points: np.ndarray
    closed: bool
    order: int
    detail: bool
    clip: Shape | None


class Canvas:
    """Paints anti-aliased shapes on float pixels and remembers each sketched outline, so the
    drawing shows exactly the edges the picture shows (outlines hidden by later shapes drop)."""

    def __init__(self, rng: np.random.Generator, background: np.ndarray):
        if background.shape != (SIZE, SIZE, 3):
            raise ValueError(f"background must be {SIZE}x{SIZE}x3, got {background.shape}")
        self.rng = rng
        self.pixels = np.array(background, dtype=np.float32)
        self._depth = Image.new("I", (SIZE, SIZE), 0)
        self._depth_draw = ImageDraw.Draw(self._depth)
        self._outlines: list[_Outline] = []
        self._order = 0
        self._subject_from: int | None = None
        self._parts: list[tuple[str, int, int]] = []  # name, first and last shape order
        self.view = ""

    def fill(self, points, colour: Colour, *, shade: float = 0.0, light=(-0.35, -0.45),
             to: Colour | None = None, angle: float = 90.0, edge: Colour | str | None = "auto",
             edge_width: float = 1.6, opacity: float = 1.0, clip: Shape | None = None,
             sketch: bool = True, detail: bool = False) -> Shape:
        """Paint a closed shape: flat, a linear gradient towards `to` along `angle` degrees, or
        shaded round (`shade` > 0, lit from `light`, in halves of its size from the centre),
        with a darker edge line, clipped to an earlier shape's fill when `clip` is given."""
        points = np.asarray(points, dtype=np.float64)
        self._order += 1
        edge_colour = darker(colour, 0.5) if edge == "auto" else edge
        width = edge_width if edge_colour is not None else 0.0
        box = _box_around(points, width)
        if box is None:
            return Shape(points, self._order, (0, 0, 1, 1), np.zeros((1, 1), np.float32))
        full, inner = _shape_masks(points, box, width)
        if clip is not None:
            clip_alpha = clip.alpha_in(box)
            full, inner = full * clip_alpha, inner * clip_alpha
        region = self.pixels[box[1]:box[3], box[0]:box[2]]
        if edge_colour is not None:
            region += (np.array(edge_colour, np.float32) - region) * (full * opacity)[..., None]
        paint = _fill_pixels(points, box, colour, shade, light, to, angle)
        region += (paint - region) * (inner * opacity)[..., None]
        if opacity >= 1.0 and clip is None:
            self._depth_draw.polygon([tuple(p) for p in (points - 0.5).tolist()],
                                     fill=self._order)
        if sketch:
            self._outlines.append(_Outline(points, True, self._order, detail, clip))
        return Shape(points, self._order, box, inner)

    def line(self, points, colour: Colour, width: float, *, closed: bool = False,
             opacity: float = 1.0, clip: Shape | None = None, sketch: bool = True,
             detail: bool = False) -> None:
        """Paint a round-capped line of `width` px along the points (a mouth, a lace, a crack)."""
        points = np.asarray(points, dtype=np.float64)
        self._order += 1
        box = _box_around(points, width)
        if box is None:
            return
        alpha = _line_mask(points, box, width, closed)
        if clip is not None:
            alpha = alpha * clip.alpha_in(box)
        blend(self.pixels[box[1]:box[3], box[0]:box[2]], colour, alpha * opacity)
        if sketch:
            self._outlines.append(_Outline(points, closed, self._order, detail, clip))

    def region(self, points) -> Shape:
        """A stencil to clip later shapes to, painting nothing."""
        points = np.asarray(points, dtype=np.float64)
        box = _box_around(points, 0) or (0, 0, 1, 1)
        inner, _ = _shape_masks(points, box, 0)
        return Shape(points, self._order, box, inner)

    def outline(self, points, *, closed: bool = True, clip: Shape | None = None,
                detail: bool = False) -> None:
        """Sketch an edge that some painting already shows (a ring's rim, say) without painting."""
        self._order += 1
        self._outlines.append(_Outline(np.asarray(points, dtype=np.float64), closed, self._order,
                                       detail, clip))

    def glow(self, cx: float, cy: float, rx: float, ry: float, colour: Colour,
             opacity: float = 1.0, angle: float = 0.0, clip: Shape | None = None) -> None:
        """A soft Gaussian spot (shadow, blush, glow, shine); never sketched."""
        reach = 2.2 * max(rx, ry)
        box = _box_around(np.array([[cx - reach, cy - reach], [cx + reach, cy + reach]]), 0)
        if box is None:
            return
        ys, xs = _pixel_grid(box)
        u, v = xs - cx, ys - cy
        turn = math.radians(-angle)
        u, v = u * math.cos(turn) - v * math.sin(turn), u * math.sin(turn) + v * math.cos(turn)
        alpha = opacity * np.exp(-0.5 * ((u / rx) ** 2 + (v / ry) ** 2) * 2.5)
        if clip is not None:
            alpha = alpha * clip.alpha_in(box)
        blend(self.pixels[box[1]:box[3], box[0]:box[2]], colour, alpha.astype(np.float32))

    def sparkle(self, cx: float, cy: float, radius: float, colour: Colour = WHITE,
                angle: float = 0.0, sketch: bool = False) -> None:
        """A four-pointed twinkle with a soft halo (shine on gems, bright stars)."""
        self.glow(cx, cy, radius * 0.5, radius * 0.5, colour, 0.55)
        self.fill(star(cx, cy, radius, radius * 0.22, tips=4, angle=angle), colour,
                  edge=None, sketch=sketch, detail=True)

    def cloud(self, cx: float, cy: float, width: float) -> None:
        """A puffy white cloud of overlapping round puffs, drawn as its outer outline."""
        puffs = [(-0.3, 0.1, 0.22), (0.0, -0.12, 0.3), (0.3, 0.08, 0.22), (0.05, 0.14, 0.2)]
        for dx, dy, radius in puffs:
            self.fill(ellipse(cx + dx * width, cy + dy * width, radius * width, radius * width),
                      (252, 253, 255), shade=0.08, edge=(215, 225, 240), edge_width=1.2)

    def horizon(self, level: np.ndarray) -> None:
        """Sketch a line where lay_ground painted a skyline or ground level (one row per column)."""
        xs = np.arange(SIZE, dtype=np.float64) + 0.5
        self.outline(np.stack([xs, np.broadcast_to(level, xs.shape)], axis=1)[::4], closed=False)

    def begin_subject(self) -> None:
        """Every shape painted from here on is the subject (what the picture is of)."""
        self._subject_from = self._order + 1

    def subject_mask(self) -> np.ndarray:
        """SIZE x SIZE bool: where an opaque subject shape is the top layer (all False when the
        painter marked no subject)."""
        if self._subject_from is None:
            return np.zeros((SIZE, SIZE), bool)
        return np.asarray(self._depth, dtype=np.int32) >= self._subject_from

    @contextmanager
    def part(self, name: str):
        """Every shape painted inside the block is the named part (a weapon, a pet): the
        sample's parts[name] marks where one of its opaque, unclipped shapes is still the top
        layer (lines and clipped shapes leave no mark)."""
        first = self._order + 1
        yield
        self._parts.append((name, first, self._order))

    def part_masks(self) -> dict[str, np.ndarray]:
        depth = np.asarray(self._depth, dtype=np.int32)
        masks: dict[str, np.ndarray] = {}
        for name, first, last in self._parts:
            shows = (depth >= first) & (depth <= last)
            masks[name] = masks[name] | shows if name in masks else shows
        return masks

    def finish(self, hand: ChildHand | None = None) -> WorldSample:
        """The picture and the child's strokes along every outline bit still visible."""
        picture = Image.fromarray(np.clip(self.pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
        hand = hand or ChildHand(self.rng)
        runs = self.visible_runs()
        return WorldSample(picture, hand.draw(runs), runs, self.subject_mask(), self.view,
                           self.part_masks())

    def visible_runs(self) -> list[tuple[np.ndarray, bool, bool]]:
        """(points, closed, detail) for each outline bit no later opaque shape covers."""
        depth = np.asarray(self._depth, dtype=np.int32)
        padded = np.pad(depth, 1, mode="edge")
        # a point on an outline is hidden only when every pixel around it is covered by later shapes
        covered_by = np.min([padded[dy:dy + SIZE, dx:dx + SIZE] for dy in range(3)
                             for dx in range(3)], axis=0)
        runs = []
        for outline in self._outlines:
            points = resample(outline.points, OUTLINE_SPACING, outline.closed)
            inside = (points >= 0).all(axis=1) & (points <= SIZE).all(axis=1)
            cells = np.clip(points.astype(np.int64), 0, SIZE - 1)
            visible = inside & (covered_by[cells[:, 1], cells[:, 0]] <= outline.order)
            if outline.clip is not None:
                visible &= _alpha_at(outline.clip, cells) >= 0.5
            runs.extend(_runs(points, visible, outline.closed, outline.detail))
        return runs


def _box_around(points: np.ndarray, pad: float) -> tuple[int, int, int, int] | None:
    low = np.floor(points.min(axis=0) - pad - 1).astype(int)
    high = np.ceil(points.max(axis=0) + pad + 1).astype(int)
    x0, y0 = max(low[0], 0), max(low[1], 0)
    x1, y1 = min(high[0], SIZE), min(high[1], SIZE)
    return (int(x0), int(y0), int(x1), int(y1)) if x0 < x1 and y0 < y1 else None


def _pixel_grid(box) -> tuple[np.ndarray, np.ndarray]:
    ys = np.arange(box[1], box[3], dtype=np.float32)[:, None] + 0.5
    xs = np.arange(box[0], box[2], dtype=np.float32)[None, :] + 0.5
    return ys, xs


def _supersampled(points: np.ndarray, box) -> list[tuple[float, float]]:
    return [tuple(p) for p in ((points - (box[0], box[1])) * SUPERSAMPLE).tolist()]


def _shape_masks(points: np.ndarray, box, edge_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Alpha of the shape with its edge band (full) and of its fill alone (inner)."""
    size = ((box[2] - box[0]) * SUPERSAMPLE, (box[3] - box[1]) * SUPERSAMPLE)
    flat = _supersampled(points, box)
    full = Image.new("L", size, 0)
    draw = ImageDraw.Draw(full)
    draw.polygon(flat, fill=255)
    if edge_width <= 0:
        alpha = np.asarray(full.reduce(SUPERSAMPLE), np.float32) / 255
        return alpha, alpha
    inner = full.copy()
    pen = max(1, round(edge_width * SUPERSAMPLE))
    _pen_line(draw, flat, pen, 255, closed=True)
    _pen_line(ImageDraw.Draw(inner), flat, pen, 0, closed=True)
    return (np.asarray(full.reduce(SUPERSAMPLE), np.float32) / 255,
            np.asarray(inner.reduce(SUPERSAMPLE), np.float32) / 255)


def _line_mask(points: np.ndarray, box, width: float, closed: bool) -> np.ndarray:
    size = ((box[2] - box[0]) * SUPERSAMPLE, (box[3] - box[1]) * SUPERSAMPLE)
    mask = Image.new("L", size, 0)
    _pen_line(ImageDraw.Draw(mask), _supersampled(points, box), max(1, round(width * SUPERSAMPLE)),
              255, closed=closed, caps=not closed)
    return np.asarray(mask.reduce(SUPERSAMPLE), np.float32) / 255


def _pen_line(draw: ImageDraw.ImageDraw, flat: list, pen: int, ink: int, closed: bool,
              caps: bool = False) -> None:
    """A polyline `pen` px wide with round joins where it turns sharply (and round caps).

    Dense smooth outlines turn a few degrees per point, where Pillow's plain joins of a thin
    pen leave no visible notch; rounding only the joins that would show keeps this cheap.
    """
    path = flat + flat[:1] if closed else flat
    draw.line(path, fill=ink, width=pen)
    corners = np.asarray(flat, dtype=np.float64)
    if len(corners) < 3:
        sharp = np.ones(len(corners), bool)
    else:
        before = corners - np.roll(corners, 1, axis=0)
        after = np.roll(corners, -1, axis=0) - corners
        turn = np.abs(np.arctan2(before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0],
                                 (before * after).sum(axis=1)))
        sharp = turn * pen / 2 > 1.5  # the notch a plain join leaves, in supersampled px
        if not closed:
            sharp[[0, -1]] = caps
    radius = pen / 2
    for x, y in corners[sharp].tolist():
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)


def _fill_pixels(points: np.ndarray, box, colour: Colour, shade: float, light,
                 to: Colour | None, angle: float) -> np.ndarray:
    """The paint over the box: flat, linear gradient, or round shading."""
    base = np.array(colour, np.float32)
    if to is None and shade <= 0:
        return base
    ys, xs = _pixel_grid(box)
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, np.maximum((high - low) / 2, 1.0)
    if to is not None:
        direction = np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
        reach = abs(direction[0]) * half[0] + abs(direction[1]) * half[1]
        t = ((xs - centre[0]) * direction[0] + (ys - centre[1]) * direction[1]) / (2 * reach) + 0.5
        start, stop = base, np.array(to, np.float32)
    else:
        lit = centre + np.asarray(light) * half
        distance = np.hypot((xs - lit[0]) / half[0], (ys - lit[1]) / half[1])
        t = distance / 1.6
        start = np.array(lighter(colour, shade), np.float32)
        stop = np.array(darker(colour, shade * 0.9), np.float32)
    t = np.clip(t, 0, 1)[..., None]
    return start + (stop - start) * t


def _alpha_at(shape: Shape, cells: np.ndarray) -> np.ndarray:
    x, y = cells[:, 0] - shape.box[0], cells[:, 1] - shape.box[1]
    inside = (x >= 0) & (y >= 0) & (x < shape.inner.shape[1]) & (y < shape.inner.shape[0])
    out = np.zeros(len(cells), np.float32)
    out[inside] = shape.inner[y[inside], x[inside]]
    return out


def _runs(points: np.ndarray, visible: np.ndarray, closed: bool, detail: bool) -> list:
    """Contiguous visible stretches; a loop that is visible all round stays a closed loop."""
    if visible.all():
        return [(points, closed, detail)] if len(points) > 1 else []
    if not visible.any():
        return []
    if closed:  # start just after a hidden point so no stretch wraps around the end
        first_hidden = int(np.argmin(visible))
        points, visible = np.roll(points, -first_hidden, 0), np.roll(visible, -first_hidden)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], visible.astype(np.int8), [0]])))
    runs = []
    for start, stop in zip(edges[0::2], edges[1::2], strict=True):
        piece = points[start:stop]
        if polyline_length(piece) >= MIN_RUN_LENGTH:
            runs.append((piece, False, detail))
    return runs
