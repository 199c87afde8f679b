"""Outlines as point arrays (pixel coordinates, y down): ellipses, limbs, leaves, ribbons,
stars, smoothing and resampling, shared by the painters, the canvas and the child's hand."""
import math

import numpy as np

from training.worlds.base import SIZE


def ellipse(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0,
            start: float = 0.0, end: float = 360.0) -> np.ndarray:
    """Points around an ellipse turned by `angle` degrees; a closed loop unless start/end cut
    an arc (angles in degrees, 0 = +x, 90 = down)."""
    full = abs(end - start) >= 360
    steps = max(12, int(math.pi * (rx + ry) * abs(end - start) / 360 / 3))
    t = np.radians(np.linspace(start, end, steps, endpoint=not full))
    points = np.stack([rx * np.cos(t), ry * np.sin(t)], axis=1)
    return rotate(points, angle) + (cx, cy)


def limb(start, end, thickness: float) -> np.ndarray:
    """A rounded limb (an ellipse) reaching from `start` to `end`, `thickness` px wide."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    return ellipse((x0 + x1) / 2, (y0 + y1) / 2, length / 2 + thickness / 4, thickness / 2, angle)


def rotate(points, degrees: float, about=(0.0, 0.0)) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    turn = math.radians(degrees)
    cos, sin = math.cos(turn), math.sin(turn)
    centred = points - about
    return np.stack([centred[:, 0] * cos - centred[:, 1] * sin,
                     centred[:, 0] * sin + centred[:, 1] * cos], axis=1) + about


def mirror(points, axis: float = SIZE / 2) -> np.ndarray:
    """Left-right mirror image about the vertical line x = axis."""
    points = np.array(points, dtype=np.float64)
    points[:, 0] = 2 * axis - points[:, 0]
    return points


def smooth(points, iterations: int = 3, closed: bool = True) -> np.ndarray:
    """Chaikin corner cutting: a polygon of key points becomes a soft, rounded outline."""
    points = np.asarray(points, dtype=np.float64)
    for _ in range(iterations):
        following = np.roll(points, -1, axis=0)
        if not closed:
            following = following[:-1]
            current = points[:-1]
        else:
            current = points
        cut = np.empty((2 * len(current), 2))
        cut[0::2] = 0.75 * current + 0.25 * following
        cut[1::2] = 0.25 * current + 0.75 * following
        points = cut if closed else np.vstack([points[:1], cut, points[-1:]])
    return points


def rounded_rect(x0: float, y0: float, x1: float, y1: float, radius: float) -> np.ndarray:
    radius = max(0.5, min(radius, (x1 - x0) / 2, (y1 - y0) / 2))
    corners = [(x1 - radius, y1 - radius, 0), (x0 + radius, y1 - radius, 90),
               (x0 + radius, y0 + radius, 180), (x1 - radius, y0 + radius, 270)]
    return np.vstack([ellipse(cx, cy, radius, radius, start=a, end=a + 90)
                      for cx, cy, a in corners])


def star(cx: float, cy: float, outer: float, inner: float, tips: int = 5,
         angle: float = -90.0) -> np.ndarray:
    t = np.radians(angle + np.arange(2 * tips) * 180.0 / tips)
    radius = np.where(np.arange(2 * tips) % 2 == 0, outer, inner)
    return np.stack([cx + radius * np.cos(t), cy + radius * np.sin(t)], axis=1)


def blob(cx: float, cy: float, radius: float, rng: np.random.Generator, lumpiness: float = 0.3,
         corners: int = 9) -> np.ndarray:
    """A soft, lumpy closed shape about `radius` across (an island, a cloud, a rock)."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, corners))
    radii = radius * (1 + lumpiness * rng.uniform(-1, 1, corners))
    return smooth(np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1), 3)


def bezier(*controls, steps: int = 24) -> np.ndarray:
    """An open Bezier curve from the first to the last of its control points."""
    controls = np.asarray(controls, dtype=np.float64)
    t = np.linspace(0, 1, steps)[:, None, None]
    points = np.repeat(controls[None], steps, axis=0)
    while points.shape[1] > 1:  # de Casteljau: blend neighbours until one point is left
        points = points[:, :-1] + (points[:, 1:] - points[:, :-1]) * t
    return points[:, 0]


def leaf(start, end, width: float) -> np.ndarray:
    """A pointed leaf (two arcs) from start to end, `width` across at its middle."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    along = end - start
    normal = np.array([-along[1], along[0]]) / max(np.hypot(*along), 1e-6)
    bulge = normal * width
    side_a = bezier(start, (start + end) / 2 + bulge, end, steps=14)
    side_b = bezier(end, (start + end) / 2 - bulge, start, steps=14)
    return np.vstack([side_a, side_b[1:-1]])


def band(path, width) -> np.ndarray:
    """A closed ribbon `width` wide (one number, or one per point) around an open centre line."""
    path = np.asarray(path, dtype=np.float64)
    side = normals(path) * (np.asarray(width, dtype=np.float64).reshape(-1, 1) / 2)
    return np.vstack([path + side, (path - side)[::-1]])


def normals(path: np.ndarray) -> np.ndarray:
    """Unit normals (the tangent turned a quarter) at each point of a polyline."""
    tangent = np.gradient(path, axis=0) if len(path) > 1 else np.array([[1.0, 0.0]])
    length = np.hypot(tangent[:, 0], tangent[:, 1])[:, None]
    tangent = tangent / np.maximum(length, 1e-9)
    return np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)


def resample(points: np.ndarray, spacing: float, closed: bool) -> np.ndarray:
    """Points evenly `spacing` apart along the polyline (or loop)."""
    points = np.asarray(points, dtype=np.float64)
    path = np.vstack([points, points[:1]]) if closed else points
    steps = np.hypot(*np.diff(path, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    total = along[-1]
    if total < 1e-6:
        return points[:1].copy()
    count = max(2, int(math.ceil(total / spacing)) + (0 if closed else 1))
    where = np.linspace(0, total, count, endpoint=not closed)
    return np.stack([np.interp(where, along, path[:, 0]), np.interp(where, along, path[:, 1])],
                    axis=1)


def polyline_length(points: np.ndarray, closed: bool = False) -> float:
    path = np.vstack([points, points[:1]]) if closed else points
    return float(np.hypot(*np.diff(path, axis=0).T).sum()) if len(path) > 1 else 0.0
