"""Panda world: a round black-and-white panda among bamboo, as a portrait (a big-headed panda
sitting, or close up) or its whole body (on all fours, or standing up on two legs)."""
import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    blend,
    darker,
    from_hsv,
    lay_ground,
    lighter,
    pick,
    pick_view,
    rng_for,
    smooth_noise,
    vary,
    vertical_gradient,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import band, bezier, ellipse, leaf, limb

FUR_WHITE = (246, 245, 238)
FUR_BLACK = (34, 34, 38)
OUTLINE = (70, 70, 74)
INK = (10, 10, 10)
# How often each view is painted; the portrait is the world as it was first painted.
VIEW_SHARES = {"portrait": 0.5, "whole_body": 0.5}
VIEWS = tuple(VIEW_SHARES)
ORIGINAL_VIEWS = ("portrait",)


def paint(seed: int, views=None) -> WorldSample:
    """The picture and drawing for this seed, in one of `views` (default all of VIEWS)."""
    rng = rng_for(seed)
    view = pick_view(seed, views, VIEW_SHARES)
    canvas = Canvas(rng, _bamboo_forest(rng))
    canvas.view = view
    if view == "whole_body":
        _whole_body(canvas, rng)
    elif rng.random() < 0.3:
        _close_up(canvas, rng)
    else:
        _sitting(canvas, rng)
    return canvas.finish()


def _bamboo_forest(rng) -> np.ndarray:
    """Soft, out-of-focus greens: light through far canes, a grassy floor."""
    hue = rng.uniform(75, 115)
    ground = rng.uniform(175, 215)
    pixels = vertical_gradient(from_hsv(hue, 0.25, 0.95), from_hsv(hue + 10, 0.45, 0.8), 0, ground)
    lay_ground(pixels, ground, from_hsv(hue + 5, 0.55, 0.72), from_hsv(hue + 10, 0.6, 0.55), 5)
    rows = np.arange(SIZE, dtype=np.float32)[:, None] + 0.5
    columns = np.arange(SIZE, dtype=np.float32)[None, :] + 0.5
    for _ in range(int(rng.integers(4, 9))):
        x, lean, width = rng.uniform(-10, SIZE + 10), rng.uniform(-0.06, 0.06), rng.uniform(6, 16)
        left = int(np.clip(min(x, x + lean * SIZE) - width, 0, SIZE))
        right = int(np.clip(max(x, x + lean * SIZE) + width, 0, SIZE))
        across = np.abs(columns[:, left:right] - (x + lean * rows))
        cane = np.clip((width / 2 - across) / 4 + 0.5, 0, 1) * (rows < ground + 4)
        colour = from_hsv(hue + rng.uniform(-10, 20), rng.uniform(0.3, 0.55), rng.uniform(0.6, 0.9))
        blend(pixels[:, left:right], colour, cane * rng.uniform(0.5, 0.9))
    pixels *= (0.92 + 0.12 * smooth_noise(rng, 5))[..., None]
    return pixels


def _stalk(canvas: Canvas, x0, y0, x1, y1, width, colour, sketch=True, leaves=0, rng=None):
    """A bamboo cane from (x0, y0) to (x1, y1) with rings at its nodes and a few leaves."""
    line = bezier((x0, y0), (x1, y1), steps=8)
    cane = canvas.fill(band(line, width), colour, to=darker(colour, 0.25), angle=0,
                       edge=darker(colour, 0.45), edge_width=1.4, sketch=sketch)
    length = float(np.hypot(x1 - x0, y1 - y0))
    for t in np.arange(0.18, 1.0, 44 / max(length, 1)):
        centre = np.array([x0, y0]) + t * np.array([x1 - x0, y1 - y0])
        ring = [centre - (width / 2, 0), centre + (width / 2, 0)]
        canvas.line(ring, darker(colour, 0.4), 1.5, clip=cane, sketch=sketch, detail=True)
    for _ in range(leaves):
        t = rng.uniform(0.1, 0.9)
        base = np.array([x0, y0]) + t * np.array([x1 - x0, y1 - y0])
        side = rng.choice([-1, 1])
        tip = base + (side * rng.uniform(25, 42), rng.uniform(-12, 20))
        green = vary(rng, (96, 170, 60), 14)
        canvas.fill(leaf(base, tip, rng.uniform(5, 8)), green, to=darker(green, 0.2),
                    angle=0, edge=darker(green, 0.45), edge_width=1.2, detail=True)


def _sitting(canvas: Canvas, rng) -> None:
    radius = rng.uniform(34, 52)  # the head's radius sets the size of everything
    hx = SIZE / 2 + rng.uniform(-1, 1) * max(SIZE / 2 - 1.6 * radius, 0)
    hy = rng.uniform(1.2 * radius + 4, SIZE - 3.4 * radius)
    body_x, body_y = hx + rng.uniform(-0.15, 0.15) * radius, hy + 1.65 * radius
    body_rx, body_ry = radius * rng.uniform(1.0, 1.25), radius * rng.uniform(1.05, 1.3)
    if rng.random() < 0.6:
        _back_stalks(canvas, rng)
    canvas.begin_subject()
    canvas.glow(body_x, body_y + body_ry * 0.95, body_rx * 1.3, radius * 0.35, (30, 60, 20), 0.45)
    canvas.fill(ellipse(body_x, body_y, body_rx, body_ry), FUR_WHITE, shade=0.16, edge=OUTLINE)
    spread = rng.uniform(0.5, 0.7)
    for side in (-1, 1):
        foot_x, foot_y = body_x + side * body_rx * spread, body_y + body_ry * 0.78
        turn = side * rng.uniform(10, 35)
        canvas.fill(ellipse(foot_x, foot_y, radius * 0.46, radius * 0.38, angle=turn),
                    FUR_BLACK, shade=0.3, edge=INK)
        canvas.fill(ellipse(foot_x + side * radius * 0.05, foot_y + radius * 0.05, radius * 0.2,
                            radius * 0.16, angle=turn), (120, 110, 112), edge=None, detail=True)
    pose = rng.choice(["down", "wave", "snack"], p=[0.45, 0.25, 0.3])
    for side in (-1, 1):
        shoulder = (body_x + side * body_rx * 0.55, body_y - body_ry * 0.6)
        if pose == "wave" and side == 1:
            paw = (shoulder[0] + radius * rng.uniform(0.7, 1.0), shoulder[1] - radius * 0.7)
        elif pose == "snack":
            paw = (body_x + side * body_rx * 0.25, body_y - body_ry * 0.05)
        else:
            paw = (body_x + side * body_rx * rng.uniform(0.8, 0.95), body_y + body_ry * 0.15)
        if pose == "snack" and side == 1:
            _bamboo_snack(canvas, rng, paw, radius)
        canvas.fill(limb(shoulder, paw, radius * 0.58), FUR_BLACK, shade=0.3, edge=INK)
    _head(canvas, rng, hx, hy, radius, tilt=rng.uniform(-12, 12))


def _bamboo_snack(canvas: Canvas, rng, paw, radius) -> None:
    """A short cane held in the paw, leaves at its top."""
    top = (paw[0] + radius * rng.uniform(0.9, 1.3), paw[1] - radius * rng.uniform(1.0, 1.4))
    bottom = (paw[0] - (top[0] - paw[0]) * 0.3, paw[1] + (paw[1] - top[1]) * 0.3)
    colour = vary(rng, (130, 180, 70), 12)
    _stalk(canvas, *bottom, *top, radius * 0.2, colour, leaves=0, rng=rng)
    for _ in range(int(rng.integers(2, 4))):
        tip = (top[0] + rng.uniform(-1, 1) * radius * 0.9, top[1] - rng.uniform(0.1, 0.7) * radius)
        green = vary(rng, (96, 170, 60), 14)
        canvas.fill(leaf(top, tip, radius * 0.14), green, to=darker(green, 0.2), angle=0,
                    edge=darker(green, 0.45), edge_width=1.2, detail=True)


def _close_up(canvas: Canvas, rng) -> None:
    radius = rng.uniform(55, 80)
    hx, hy = SIZE / 2 + rng.uniform(-30, 30), rng.uniform(95, 130)
    canvas.begin_subject()
    shoulders = hy + radius * 1.55
    for side in (-1, 1):
        canvas.fill(ellipse(hx + side * radius * 1.05, shoulders + radius * 0.3, radius * 0.45,
                            radius * 0.9, angle=side * 20), FUR_BLACK, shade=0.3,
                    edge=INK)
    canvas.fill(ellipse(hx, shoulders + radius * 0.2, radius * 1.05, radius * 0.85), FUR_WHITE,
                shade=0.14, edge=OUTLINE)
    _head(canvas, rng, hx, hy, radius, tilt=rng.uniform(-10, 10))


def _whole_body(canvas: Canvas, rng) -> None:
    """The whole panda, as children draw it: a white body and belly, black arms and legs, a
    smaller head; on all fours from the side, or standing up on two legs facing us."""
    if rng.random() < 0.5:
        _back_stalks(canvas, rng)
    canvas.begin_subject()
    if pick(rng, ["all_fours", "upright"]) == "all_fours":
        _on_all_fours(canvas, rng)
    else:
        _upright(canvas, rng)


def _on_all_fours(canvas: Canvas, rng) -> None:
    size = rng.uniform(50, 66)  # half the body's length
    reach_x = size * 1.55
    bx = SIZE / 2 + rng.uniform(-1, 1) * max(SIZE / 2 - reach_x - 4, 0)
    body_ry, leg = size * rng.uniform(0.58, 0.68), size * rng.uniform(0.55, 0.7)
    head = size * rng.uniform(0.48, 0.56)
    low, high = head * 1.35 + body_ry * 0.5 + 4, SIZE - body_ry - leg - head * 0.3 - 4
    by = rng.uniform(low, max(high, low))
    facing = 1 if rng.random() < 0.5 else -1
    feet_y = by + body_ry + leg * 0.75
    canvas.glow(bx, feet_y + leg * 0.15, size * 1.3, size * 0.18, (30, 60, 20), 0.45)
    hips, shoulders = bx - facing * size * 0.55, bx + facing * size * 0.55
    with canvas.part("limbs"):
        for x in (hips + facing * size * 0.18, shoulders + facing * size * 0.18):  # far legs
            canvas.fill(limb((x, by + body_ry * 0.2), (x + facing * 2, feet_y - leg * 0.05),
                             size * 0.36), darker(FUR_BLACK, 0.15), shade=0.25, edge=INK)
    with canvas.part("body"):
        canvas.fill(ellipse(bx - facing * size * 1.02, by - body_ry * 0.3, size * 0.16,
                            size * 0.13), FUR_WHITE, shade=0.15, edge=OUTLINE)  # the tail
        body = canvas.fill(ellipse(bx, by, size, body_ry, angle=facing * rng.uniform(-5, 3)),
                           FUR_WHITE, shade=0.16, edge=OUTLINE)
    with canvas.part("limbs"):
        # a panda's black shoulder band and hind quarters reach over its white body
        canvas.fill(ellipse(shoulders, by - body_ry * 0.1, size * 0.36, body_ry * 1.25,
                            angle=-facing * 15), FUR_BLACK, shade=0.25, edge=INK, clip=body)
        canvas.fill(ellipse(hips - facing * size * 0.05, by + body_ry * 0.55, size * 0.4,
                            body_ry * 0.75), FUR_BLACK, shade=0.25, edge=INK, clip=body)
        for x in (hips - facing * size * 0.1, shoulders - facing * size * 0.05):  # near legs
            top, foot = (x, by + body_ry * 0.35), (x + facing * rng.uniform(-3, 3), feet_y)
            canvas.fill(limb(top, foot, size * 0.4), FUR_BLACK, shade=0.3, edge=INK)
            canvas.fill(ellipse(foot[0] + facing * size * 0.06, foot[1], size * 0.24,
                                size * 0.12), FUR_BLACK, shade=0.3, edge=INK)
    hx = bx + facing * size * rng.uniform(0.95, 1.1)
    _head(canvas, rng, hx, by - body_ry * 0.45, head, tilt=facing * rng.uniform(0, 12))


def _upright(canvas: Canvas, rng) -> None:
    radius = rng.uniform(25, 33)  # the head's radius sets the size of everything
    body_rx, body_ry = radius * rng.uniform(1.25, 1.45), radius * rng.uniform(1.5, 1.75)
    leg = radius * rng.uniform(0.8, 1.0)
    height = radius * 0.95 + radius * 0.75 + 2 * body_ry * 0.9 + leg
    hx = SIZE / 2 + rng.uniform(-1, 1) * max(SIZE / 2 - body_rx - radius * 1.2, 0)
    top = rng.uniform(radius * 0.35 + 4, max(SIZE - height - 6, radius * 0.35 + 5))
    hy = top + radius * 0.95
    by = hy + radius * 0.75 + body_ry * 0.9
    hip_y, feet_y = by + body_ry * 0.55, by + body_ry * 0.9 + leg
    canvas.glow(hx, feet_y + radius * 0.2, body_rx * 1.3, radius * 0.3, (30, 60, 20), 0.45)
    stance = body_rx * rng.uniform(0.4, 0.55)
    with canvas.part("limbs"):
        for side in (-1, 1):
            foot = (hx + side * stance * rng.uniform(1.0, 1.2), feet_y)
            canvas.fill(limb((hx + side * stance, hip_y), foot, radius * 0.7), FUR_BLACK,
                        shade=0.3, edge=INK)
            canvas.fill(ellipse(foot[0] + side * radius * 0.12, foot[1], radius * 0.45,
                                radius * 0.25), FUR_BLACK, shade=0.3, edge=INK)
    with canvas.part("body"):
        body = canvas.fill(ellipse(hx, by, body_rx, body_ry), FUR_WHITE, shade=0.16,
                           edge=OUTLINE)
        canvas.fill(ellipse(hx, by + body_ry * 0.2, body_rx * 0.62, body_ry * 0.6),
                    lighter(FUR_WHITE, 0.5), shade=0.08, edge=OUTLINE, edge_width=1.2,
                    clip=body, detail=True)  # the white belly
    pose = pick(rng, ["down", "wave", "up"])
    with canvas.part("limbs"):
        shoulder_y = by - body_ry * 0.6
        canvas.fill(band(bezier((hx - body_rx, shoulder_y + body_ry * 0.1),
                                (hx, shoulder_y - body_ry * 0.05),
                                (hx + body_rx, shoulder_y + body_ry * 0.1), steps=12),
                         body_ry * 0.38), FUR_BLACK, shade=0.25, edge=INK, clip=body)
        for side in (-1, 1):
            shoulder = (hx + side * body_rx * 0.72, shoulder_y + body_ry * 0.05)
            paw = (shoulder[0] + side * radius * 0.7, shoulder[1] + radius * 1.3)
            if pose == "up" or (pose == "wave" and side == 1):
                paw = (shoulder[0] + side * radius * 1.0, shoulder[1] - radius * 1.0)
            canvas.fill(limb(shoulder, paw, radius * 0.6), FUR_BLACK, shade=0.3, edge=INK)
    _head(canvas, rng, hx, hy, radius, tilt=rng.uniform(-10, 10))


def _back_stalks(canvas: Canvas, rng) -> None:
    for _ in range(int(rng.integers(1, 3))):
        x = rng.uniform(15, SIZE - 15)
        colour = vary(rng, (120, 175, 70), 15)
        _stalk(canvas, x, -5, x + rng.uniform(-20, 20), SIZE + 5, rng.uniform(9, 14), colour,
               leaves=int(rng.integers(1, 4)), rng=rng)


def _head(canvas: Canvas, rng, hx, hy, radius, tilt) -> None:
    def at(dx, dy):  # a point on the face, turning with the head's tilt
        turn = np.radians(tilt)
        return (hx + dx * radius * np.cos(turn) - dy * radius * np.sin(turn),
                hy + dx * radius * np.sin(turn) + dy * radius * np.cos(turn))

    ear_spread, ear_size = rng.uniform(0.72, 0.85), rng.uniform(0.3, 0.4)
    for side in (-1, 1):
        ear_x, ear_y = at(side * ear_spread, -0.78)
        canvas.fill(ellipse(ear_x, ear_y, radius * ear_size, radius * ear_size * 0.92),
                    FUR_BLACK, shade=0.3, edge=INK)
    width, height = rng.uniform(1.08, 1.2), rng.uniform(0.9, 0.98)
    canvas.fill(ellipse(hx, hy, radius * width, radius * height, angle=tilt), FUR_WHITE,
                shade=0.14, edge=OUTLINE)
    patch_lean, gaze = rng.uniform(20, 40), rng.uniform(-0.04, 0.04)
    for side in (-1, 1):
        patch_x, patch_y = at(side * 0.42, 0.02)
        canvas.fill(ellipse(patch_x, patch_y, radius * 0.24, radius * 0.33,
                            angle=tilt - side * patch_lean), FUR_BLACK, shade=0.25,
                    edge=INK)
        eye_x, eye_y = at(side * 0.38 + gaze, -0.04)
        canvas.fill(ellipse(eye_x, eye_y, radius * 0.12, radius * 0.12), (250, 250, 250),
                    edge=INK, edge_width=1.0)
        canvas.fill(ellipse(eye_x + gaze * radius, eye_y + radius * 0.02, radius * 0.075,
                            radius * 0.08), (12, 12, 16), edge=None, sketch=False)
        canvas.glow(eye_x + gaze * radius - radius * 0.03, eye_y - radius * 0.03, radius * 0.03,
                    radius * 0.03, (255, 255, 255), 0.95)
        if rng.random() < 0.7:
            cheek_x, cheek_y = at(side * 0.62, 0.42)
            canvas.glow(cheek_x, cheek_y, radius * 0.14, radius * 0.09, (245, 150, 160), 0.5)
    nose_x, nose_y = at(0, 0.33)
    canvas.fill(ellipse(nose_x, nose_y, radius * 0.15, radius * 0.1, angle=tilt), FUR_BLACK,
                shade=0.3, edge=INK)
    mouth = [at(-0.22, 0.52), at(-0.11, 0.62), at(0, 0.5), at(0.11, 0.62), at(0.22, 0.52)]
    smile = np.vstack([bezier(mouth[0], mouth[1], mouth[2], steps=8),
                       bezier(mouth[2], mouth[3], mouth[4], steps=8)[1:]])
    canvas.line([at(0, 0.42), at(0, 0.5)], darker(FUR_BLACK, 0.2), 1.6, detail=True)
    canvas.line(smile, darker(FUR_BLACK, 0.2), 1.6, detail=True)
    canvas.glow(*at(-0.35, -0.55), radius * 0.35, radius * 0.2, lighter(FUR_WHITE, 1.0), 0.35)
