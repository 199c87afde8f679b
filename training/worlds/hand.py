"""The child's hand: clean outlines become wobbly wire-format pen strokes."""
import math

import numpy as np

from drawapp.protocol import MAX_BRUSH_SIZE, MAX_POINTS_PER_STROKE, MIN_BRUSH_SIZE
from inference.rasterize import SKETCH_STROKE_SIZE
from training.worlds.base import SIZE
from training.worlds.shapes import normals, polyline_length, resample

MAX_STROKES = 180  # a busy child drawing; the wire format allows far more
STROKE_SPACING = 2.5  # px between the points of a finished stroke


class ChildHand:
    """Turns clean outlines into a child's pen strokes: a steady pen width of its own, smooth
    wobble, ends that overshoot or stop short, now and then a detail left out."""

    def __init__(self, rng: np.random.Generator, pen: float | None = None):
        self.rng = rng
        self.pen = pen if pen is not None else SKETCH_STROKE_SIZE * rng.uniform(0.75, 1.55)
        self.shake = rng.uniform(0.4, 1.5)  # px of wobble
        self.skip_details = rng.uniform(0.0, 0.25)

    def draw(self, runs) -> list[dict]:
        """Wire-format strokes for (points in px, closed, detail) outlines, in drawing order."""
        drawn = []
        for points, closed, detail in runs:
            if detail and self.rng.random() < self.skip_details:
                continue
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
            return np.vstack([path, path[:_points_along(self.rng.uniform(3, 12)) + 1]])
        if choice < 0.7 and len(path) > 8:  # stops a little short: a small gap
            return path[:len(path) - _points_along(self.rng.uniform(1, 5)) + 1]
        return np.vstack([path, path[:1]])

    def _loose_ends(self, path: np.ndarray) -> np.ndarray:
        for at_end in (False, True):
            if len(path) < 3:
                break
            choice = self.rng.random()
            tip, before = (path[-1], path[-2]) if at_end else (path[0], path[1])
            if choice < 0.35:  # overshoot straight on
                direction = (tip - before) / max(np.hypot(*(tip - before)), 1e-9)
                extra = tip + direction * self.rng.uniform(1.5, 5)
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


def _points_along(distance: float) -> int:
    """How many stroke points cover about `distance` px (at least one)."""
    return max(1, round(distance / STROKE_SPACING))
