"""The child's hand: clean outlines become wobbly wire-format pen strokes."""
import math

import numpy as np
from skimage.measure import approximate_polygon

from drawapp.protocol import MAX_BRUSH_SIZE, MAX_POINTS_PER_STROKE, MIN_BRUSH_SIZE
from inference.rasterize import SKETCH_STROKE_SIZE
from training.worlds.base import SIZE
from training.worlds.shapes import normals, polyline_length, resample

MAX_STROKES = 180  # a busy child drawing; the wire format allows far more
STROKE_SPACING = 2.5  # px between the points of a finished stroke


class ChildHand:
    """Turns clean outlines into a child's pen strokes: a steady pen width of its own, smooth
    wobble, ends that overshoot or stop short, now and then a detail left out.

    The keyword knobs make other hands from the same outlines (the wild drawings, robust
    training sketches): `shake` px of wobble, `sloppiness` scales every overshoot and gap,
    `retrace` is the chance an outline is traced twice, `ruler` px of corner-keeping
    simplification (straight lines between the corners), `skip_details` the chance a detail is
    left out. Left at None they draw as the worlds always have, random draws included.
    """

    def __init__(self, rng: np.random.Generator, pen: float | None = None, *,
                 shake: float | None = None, skip_details: float | None = None,
                 sloppiness: float = 1.0, retrace: float = 0.0, ruler: float = 0.0):
        self.rng = rng
        self.pen = pen if pen is not None else SKETCH_STROKE_SIZE * rng.uniform(0.75, 1.55)
        self.shake = shake if shake is not None else rng.uniform(0.4, 1.5)  # px of wobble
        self.skip_details = skip_details if skip_details is not None else rng.uniform(0.0, 0.25)
        self.sloppiness, self.retrace, self.ruler = sloppiness, retrace, ruler

    def draw(self, runs) -> list[dict]:
        """Wire-format strokes for (points in px, closed, detail) outlines, in drawing order."""
        drawn = []
        for points, closed, detail in runs:
            if detail and self.rng.random() < self.skip_details:
                continue
            times = 2 if self.retrace and self.rng.random() < self.retrace else 1
            for _ in range(times):
                for stroke in self._strokes(points, closed):
                    drawn.append((detail, polyline_length(stroke), stroke))
        if len(drawn) > MAX_STROKES:  # too busy: the smallest details go first
            keep = sorted(range(len(drawn)), key=lambda i: (not drawn[i][0], drawn[i][1]))
            keep = sorted(keep[len(drawn) - MAX_STROKES:])
            drawn = [drawn[i] for i in keep]
        return [self._wire(stroke) for _, _, stroke in drawn]

    def _strokes(self, points: np.ndarray, closed: bool) -> list[np.ndarray]:
        length = polyline_length(points, closed)
        if length < 2 * STROKE_SPACING:
            return [points.mean(axis=0, keepdims=True)]  # a dot
        if self.ruler:
            points = _ruled(points, closed, self.ruler)
        path = resample(points, STROKE_SPACING, closed)
        if closed:
            path = self._close_loop(np.roll(path, -int(self.rng.integers(len(path))), axis=0))
        else:
            path = self._loose_ends(path)
        pieces = [path]
        if length > 220 and self.rng.random() < 0.3:  # lifts the pen once on a long outline
            cut = int(self.rng.integers(len(path) // 3, 2 * len(path) // 3))
            overlap = int(self.rng.integers(-1, 3))
            pieces = [path[:cut + max(overlap, 0) + 1], path[cut - min(overlap, 0):]]
        return [self._wobble(piece) for piece in pieces if len(piece)]

    def _close_loop(self, path: np.ndarray) -> np.ndarray:
        choice = self.rng.random()
        if choice < 0.45:  # goes on past the start
            past = _points_along(self.rng.uniform(3, 12) * self.sloppiness)
            return np.vstack([path, path[:min(past, len(path) - 1) + 1]])
        if choice < 0.7 and len(path) > 8:  # stops a little short: a small gap
            short = _points_along(self.rng.uniform(1, 5) * self.sloppiness)
            return path[:len(path) - min(short, len(path) // 2) + 1]
        return np.vstack([path, path[:1]])

    def _loose_ends(self, path: np.ndarray) -> np.ndarray:
        for at_end in (False, True):
            if len(path) < 3:
                break
            choice = self.rng.random()
            tip, before = (path[-1], path[-2]) if at_end else (path[0], path[1])
            if choice < 0.35:  # overshoot straight on
                direction = (tip - before) / max(np.hypot(*(tip - before)), 1e-9)
                extra = tip + direction * self.rng.uniform(1.5, 5) * self.sloppiness
                path = np.vstack([path, extra]) if at_end else np.vstack([extra, path])
            elif choice < 0.5 and len(path) > 4:  # stops short
                path = path[:-1] if at_end else path[1:]
        return path

    def _wobble(self, path: np.ndarray) -> np.ndarray:
        if len(path) < 3:
            return path + self.rng.normal(0, 0.3 * self.shake, 2)
        along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(path, axis=0).T))])
        amplitude = self.shake * self.rng.uniform(0.6, 1.2) * min(1.0, along[-1] / 40)
        offset = np.zeros_like(along)
        waves = ((self.rng.uniform(60, 160), 0.7), (self.rng.uniform(20, 40), 0.3))
        for wavelength, share in waves:
            phase = self.rng.uniform(0, 2 * math.pi)
            offset += share * np.sin(2 * math.pi * along / wavelength + phase)
        shift = self.rng.normal(0, 0.4 * self.shake, 2)
        return path + normals(path) * (amplitude * offset)[:, None] + shift

    def _wire(self, path: np.ndarray) -> dict:
        if len(path) > MAX_POINTS_PER_STROKE:
            path = path[np.linspace(0, len(path) - 1, MAX_POINTS_PER_STROKE).astype(int)]
        unit = np.clip(path / SIZE, 0.0, 1.0).round(4)
        size = float(np.clip(self.pen * self.rng.uniform(0.88, 1.12), MIN_BRUSH_SIZE,
                             MAX_BRUSH_SIZE))
        return {"points": unit.tolist(), "size": round(size, 2), "tool": "pen"}


def _ruled(points: np.ndarray, closed: bool, tolerance: float) -> np.ndarray:
    """The outline as straight lines between its corners (Douglas-Peucker), as with a ruler."""
    path = np.vstack([points, points[:1]]) if closed else points
    simple = approximate_polygon(path, tolerance)
    return simple[:-1] if closed and len(simple) > 3 else simple


def _points_along(distance: float) -> int:
    """How many stroke points cover about `distance` px (at least one)."""
    return max(1, round(distance / STROKE_SPACING))
