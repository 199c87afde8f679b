"""MapleStory world: chibi adventurers (big head, big eyes, bright hair, tiny limbs) outdoors,
some holding a sword, a staff or a bow, some with a pet beside them; each hairstyle has its hair
colour, each outfit its clothes and each pet its colours (blond spikes, a pink dress, a green
slime)."""
import numpy as np

from training.worlds.base import (
    SIZE,
    WorldSample,
    darker,
    from_hsv,
    lay_ground,
    lighter,
    pick,
    pick_view,
    rng_for,
    skyline,
    vary,
    vertical_gradient,
)
from training.worlds.canvas import Canvas
from training.worlds.shapes import (
    band,
    bezier,
    ellipse,
    leaf,
    limb,
    mirror,
    rounded_rect,
    smooth,
    star,
)

HAIR = {"spiky": (245, 205, 95), "bob": (95, 60, 35), "long": (245, 150, 190),
        "twintails": (90, 140, 235), "bun": (40, 35, 40)}
SKIN = (252, 218, 192)  # one storybook skin tone: the drawing cannot say which
EYES = [(60, 120, 220), (70, 160, 90), (150, 90, 50), (170, 70, 200), (220, 70, 80),
        (40, 40, 60), (40, 170, 180)]
CLOTHES = {"shirt": ((220, 60, 70), (60, 110, 220)), "dress": ((245, 140, 180), (245, 140, 180)),
           "robe": ((160, 90, 210), (120, 80, 50))}  # outfit -> top, bottom
SHOES = (110, 70, 40)
WIZARD_FELT, BEANIE_WOOL = (90, 70, 190), (220, 60, 70)
BOW_WOOD = (170, 105, 45)
WEAPONS = ("sword", "staff", "bow")
# Pets, each kind in its own colours: the body (a slime, a mushroom's cap, a snail's shell) and
# a second colour (the mushroom's stem, the snail's body; none for a slime).
PETS = {"slime": ((110, 205, 90), None), "mushroom": ((240, 120, 40), (250, 232, 200)),
        "snail": ((70, 130, 230), (232, 205, 140))}
PET_VIEW_SCALE = 0.78  # the character is smaller when its pet stands beside it
# How often each view is painted; the adventurer is the world as it was first painted (a
# quarter of them hold a sword or a staff, as they always did).
VIEW_SHARES = {"adventurer": 0.5, "armed": 0.25, "pet": 0.25}
VIEWS = tuple(VIEW_SHARES)
ORIGINAL_VIEWS = ("adventurer",)


def paint(seed: int, views=None) -> WorldSample:
    """The picture and drawing for this seed, in one of `views` (default all of VIEWS)."""
    rng = rng_for(seed)
    view = pick_view(seed, views, VIEW_SHARES)
    canvas = _meadow(rng)
    canvas.view = view
    canvas.begin_subject()
    _character(canvas, rng, view)
    return canvas.finish()


def _meadow(rng) -> Canvas:
    """A bright storybook day: sky, clouds, a far green hill line, a grassy ground; the clouds,
    hill line and ground line are drawn too, so a model can follow them."""
    sky = from_hsv(rng.uniform(195, 210), rng.uniform(0.3, 0.45), 0.97)
    ground = rng.uniform(195, 225)
    pixels = vertical_gradient(sky, lighter(sky, 0.65), 0, ground)
    canvas = Canvas(rng, pixels)
    for _ in range(int(rng.integers(1, 4))):
        canvas.cloud(rng.uniform(20, SIZE - 20), rng.uniform(20, ground - 70), rng.uniform(35, 55))
    hill = from_hsv(rng.uniform(95, 115), 0.35, 0.8)
    hill_line = skyline(rng, ground - 25, 25)
    lay_ground(canvas.pixels, hill_line, hill, darker(hill, 0.1), softness=4)
    canvas.horizon(hill_line)
    grass = from_hsv(rng.uniform(95, 110), 0.6, 0.75)
    lay_ground(canvas.pixels, ground, lighter(grass, 0.15), darker(grass, 0.2))
    canvas.horizon(np.full(SIZE, ground))
    return canvas


def _character(canvas: Canvas, rng, view: str) -> None:
    radius = rng.uniform(45, 62)  # head radius
    if view == "pet":
        radius *= PET_VIEW_SCALE
    hat = pick(rng, [None, None, None, "wizard", "beanie"])
    above = {None: 0.0, "wizard": 1.0, "beanie": 0.25}[hat] * radius
    if hat == "wizard":
        radius *= 0.9
    height = radius * 3.35 + above
    lean = rng.uniform(-1, 1)
    if view == "pet":  # the character stands to one side, its pet to the other
        side = 1 if lean >= 0 else -1
        pet_size = radius * 0.7
        cx = SIZE / 2 + side * (pet_size + 3 + 10 * abs(lean))
        top = rng.uniform(4, max(SIZE - height - 2 - radius * 0.3, 5))
    elif view == "armed":  # the weapon is held out to the right: keep it on the picture
        cx = SIZE / 2 - radius * 0.2 + lean * max(SIZE / 2 - radius * 1.6, 0)
        top = rng.uniform(4, max(SIZE - height - 2, 5))
    else:
        cx = SIZE / 2 + lean * max(SIZE / 2 - radius * 1.35, 0)
        top = rng.uniform(4, max(SIZE - height - 2, 5))
    hy = top + above + radius * 1.05
    hairstyle = pick(rng, [style for style in HAIR if style != "bun" or not hat])
    outfit = pick(rng, ["shirt", "shirt", "dress", "robe"])
    top_colour, bottom_colour = CLOTHES[outfit]
    look = {
        "hat": hat,
        "skin": vary(rng, SKIN, 4),
        "hair": vary(rng, HAIR[hairstyle], 10),
        "eyes": vary(rng, pick(rng, EYES), 12),
        "top": vary(rng, top_colour, 8),
        "bottom": vary(rng, bottom_colour, 8),
        "shoes": vary(rng, SHOES, 8),
        "hairstyle": hairstyle,
        "outfit": outfit,
        "armed": view == "armed",
    }
    canvas.glow(cx, top + height, radius * 0.9, radius * 0.14, (20, 50, 20), 0.4)
    _back_hair(canvas, rng, cx, hy, radius, look)
    _body(canvas, rng, cx, hy + radius * 0.92, radius, look)
    _head(canvas, rng, cx, hy, radius, look)
    if view == "pet":
        ground = top + height + radius * 0.2
        with canvas.part("pet"):
            _pet(canvas, rng, cx - side * (radius * 1.25 + pet_size + 6), ground, pet_size)


def _back_hair(canvas: Canvas, rng, cx, hy, radius, look) -> None:
    hair, style = look["hair"], look["hairstyle"]
    edge = darker(hair, 0.5)
    if style == "long":
        canvas.fill(smooth(rounded_rect(cx - radius * 1.12, hy - radius * 0.9, cx + radius * 1.12,
                                        hy + radius * rng.uniform(1.5, 2.1), radius * 0.8), 1),
                    hair, shade=0.15, edge=edge)
    elif style == "bob":
        canvas.fill(ellipse(cx, hy + radius * 0.1, radius * 1.18, radius * 1.05), hair,
                    shade=0.15, edge=edge)
    elif style == "twintails":
        for side in (-1, 1):
            root = (cx + side * radius * 0.85, hy - radius * 0.6)
            bend = (cx + side * radius * 1.75, hy + radius * 0.1)
            tip = (cx + side * radius * rng.uniform(1.2, 1.5), hy + radius * rng.uniform(1.1, 1.5))
            tail = bezier(root, bend, tip, steps=12)
            swell = np.sin(np.linspace(0, np.pi, 12)) ** 0.7 * radius * 0.6 + 2
            canvas.fill(smooth(band(tail, swell), 2), hair, shade=0.15, edge=edge)
            tie = vary(rng, pick(rng, [(240, 80, 110), (250, 220, 80), (120, 180, 250)]), 10)
            canvas.fill(ellipse(*root, radius * 0.12, radius * 0.12), tie, shade=0.2,
                        edge=darker(tie, 0.45), edge_width=1.2, detail=True)
    elif style == "bun":
        canvas.fill(ellipse(cx, hy - radius * 1.05, radius * 0.42, radius * 0.38), hair,
                    shade=0.2, edge=edge)


def _body(canvas: Canvas, rng, cx, neck, radius, look) -> None:
    """Tiny legs and shoes, a little outfit, stubby arms; `neck` is where the body starts."""
    skin, top, bottom = look["skin"], look["top"], look["bottom"]
    torso, legs = radius * rng.uniform(0.85, 1.0), radius * rng.uniform(0.5, 0.65)
    hip = neck + torso
    stance = rng.uniform(0.15, 0.3) * radius
    for side in (-1, 1):
        foot = (cx + side * (stance + radius * 0.05), hip + legs)
        leg_colour = bottom if look["outfit"] == "shirt" else skin
        canvas.fill(limb((cx + side * stance * 0.7, hip - radius * 0.1), foot, radius * 0.3),
                    leg_colour, shade=0.15, edge=darker(leg_colour, 0.5))
        canvas.fill(ellipse(foot[0] + side * radius * 0.06, foot[1], radius * 0.24, radius * 0.14),
                    look["shoes"], shade=0.3, edge=darker(look["shoes"], 0.5))
    flare = {"shirt": 0.05, "dress": 0.35, "robe": 0.2}[look["outfit"]]
    length = {"shirt": 1.0, "dress": 1.05, "robe": 1.35}[look["outfit"]]
    shoulders, bottom_width = radius * 0.5, radius * (0.55 + flare)
    outfit = smooth([(cx - shoulders, neck), (cx + shoulders, neck),
                     (cx + bottom_width, neck + torso * length),
                     (cx - bottom_width, neck + torso * length)], 2)
    clothes = canvas.fill(outfit, top, shade=0.15, light=(-0.3, -0.6), edge=darker(top, 0.5))
    belt = neck + torso * 0.62
    if look["outfit"] != "dress" and rng.random() < 0.7:
        canvas.fill([(cx - radius, belt - radius * 0.07), (cx + radius, belt - radius * 0.07),
                     (cx + radius, belt + radius * 0.07), (cx - radius, belt + radius * 0.07)],
                    darker(bottom, 0.3), edge=darker(bottom, 0.6), edge_width=1.2, clip=clothes,
                    detail=True)
    else:
        canvas.fill(ellipse(cx, neck + torso * 0.3, radius * 0.09, radius * 0.09),
                    pick(rng, [(250, 220, 80), (250, 250, 250), (230, 70, 90)]), edge="auto",
                    edge_width=1.2, clip=clothes, detail=True)
    _arms(canvas, rng, cx, neck, radius, look)


def _arms(canvas: Canvas, rng, cx, neck, radius, look) -> None:
    pose = pick(rng, ["down", "down", "wave", "weapon"])
    weapon = pick(rng, WEAPONS) if look["armed"] else None
    if weapon:
        pose = "weapon"
    for side in (-1, 1):
        shoulder = (cx + side * radius * 0.42, neck + radius * 0.14)
        hand = (shoulder[0] + side * radius * 0.3, shoulder[1] + radius * 0.58)
        if side == 1 and pose == "wave":
            hand = (shoulder[0] + radius * 0.5, shoulder[1] - radius * 0.45)
        if side == 1 and pose == "weapon":
            hand = (shoulder[0] + radius * 0.45, shoulder[1] + radius * 0.3)
            if weapon:  # held out to the side, clear of the big head
                hand = (shoulder[0] + radius * 0.75, shoulder[1] + radius * 0.45)
            with canvas.part("weapon"):
                _weapon(canvas, rng, hand, radius, weapon)
        canvas.fill(limb(shoulder, hand, radius * 0.26), look["top"], shade=0.15,
                    edge=darker(look["top"], 0.5))
        canvas.fill(ellipse(*hand, radius * 0.14, radius * 0.14), look["skin"], shade=0.15,
                    edge=darker(look["skin"], 0.45))


def _weapon(canvas: Canvas, rng, hand, radius, weapon: str | None = None) -> None:
    """A sword, a magic staff or a bow held upright in the hand (None: a sword or a staff, a
    coin toss, as the first adventurers held them)."""
    x, y = hand
    if weapon == "bow":
        _bow(canvas, rng, hand, radius)
        return
    sword = weapon == "sword" if weapon else rng.random() < 0.5
    if sword:
        blade = vary(rng, (215, 225, 235), 6)
        canvas.fill([(x - radius * 0.08, y - radius * 0.15), (x + radius * 0.08, y - radius * 0.15),
                     (x + radius * 0.08, y - radius * 1.15), (x, y - radius * 1.35),
                     (x - radius * 0.08, y - radius * 1.15)], blade, to=darker(blade, 0.2),
                    angle=0, edge=darker(blade, 0.55))
        canvas.fill(rounded_rect(x - radius * 0.28, y - radius * 0.2, x + radius * 0.28,
                                 y - radius * 0.1, 2), (200, 160, 60), edge=(110, 80, 30))
    else:
        wood = vary(rng, (150, 100, 55), 10)
        shaft = [(x, y + radius * 0.4), (x, y - radius * 1.1)]
        if weapon:  # a shape, not a line, so it marks the weapon part and takes a hint
            canvas.fill(band(shaft, radius * 0.15), wood, to=darker(wood, 0.2), angle=0,
                        edge=darker(wood, 0.5), edge_width=1.2)
        else:
            canvas.line(shaft, wood, radius * 0.1)
        gem = vary(rng, pick(rng, [(90, 180, 250), (240, 90, 150), (140, 230, 120)]), 10)
        canvas.glow(x, y - radius * 1.25, radius * 0.3, radius * 0.3, gem, 0.5)
        canvas.fill(star(x, y - radius * 1.25, radius * 0.22, radius * 0.1), gem, shade=0.3,
                    edge=darker(gem, 0.45), edge_width=1.2)


def _bow(canvas: Canvas, rng, hand, radius) -> None:
    """A bow held at its grip, bending away from the body, its string on the near side."""
    x, y = hand
    reach, bend = radius * rng.uniform(0.9, 1.05), radius * rng.uniform(0.25, 0.35)
    tips = ((x - bend, y - reach), (x - bend, y + reach))
    limbs = bezier(tips[0], (x + bend, y), tips[1], steps=24)
    wood = vary(rng, BOW_WOOD, 10)
    swell = radius * (0.09 + 0.07 * np.sin(np.linspace(0, np.pi, len(limbs))))
    canvas.line(list(tips), (245, 240, 225), 1.4, detail=True)  # the string
    canvas.fill(band(limbs, 2 * swell), wood, to=darker(wood, 0.25), angle=0,
                edge=darker(wood, 0.5))


def _pet(canvas: Canvas, rng, x, ground, size) -> None:
    """A little pet standing on the ground at x: a slime, a mushroom or a snail, with a face."""
    kind = pick(rng, list(PETS))
    body, second = (vary(rng, colour, 8) if colour else None for colour in PETS[kind])
    canvas.glow(x, ground, size * 1.1, size * 0.15, (20, 50, 20), 0.4)
    eyes_y = ground - size * 0.5
    if kind == "slime":
        drop = [(x - size, ground), (x - size * 0.95, ground - size * 0.65),
                (x - size * 0.3, ground - size * 1.2), (x, ground - size * 1.5),
                (x + size * 0.3, ground - size * 1.2), (x + size * 0.95, ground - size * 0.65),
                (x + size, ground)]
        shape = canvas.fill(smooth(drop, 3), body, shade=0.25, light=(-0.3, -0.5),
                            edge=darker(body, 0.5))
        canvas.fill(ellipse(x - size * 0.45, ground - size * 0.9, size * 0.15, size * 0.08,
                            angle=-35), lighter(body, 0.7), edge=None, clip=shape, sketch=False)
    elif kind == "mushroom":
        canvas.fill(rounded_rect(x - size * 0.5, ground - size * 0.95, x + size * 0.5, ground,
                                 size * 0.25), second, shade=0.15, edge=darker(second, 0.45))
        cap = np.vstack([ellipse(x, ground - size * 0.85, size * 1.05, size * 0.8, start=180,
                                 end=360), [(x + size * 0.9, ground - size * 0.7),
                                            (x - size * 0.9, ground - size * 0.7)]])
        shape = canvas.fill(smooth(cap, 2), body, shade=0.2, edge=darker(body, 0.5))
        for dx, dy, spot in ((-0.45, -1.15, 0.18), (0.2, -1.4, 0.14), (0.55, -1.0, 0.16)):
            canvas.fill(ellipse(x + dx * size, ground + dy * size, spot * size, spot * size * 0.8),
                        (252, 250, 245), edge="auto", edge_width=1.0, clip=shape, detail=True)
        eyes_y = ground - size * 0.45
    else:  # a snail: a soft body along the ground, a round shell on its back
        canvas.fill(limb((x - size * 1.05, ground - size * 0.15), (x + size, ground - size * 0.2),
                         size * 0.4), second, shade=0.15, edge=darker(second, 0.45))
        for lean in (-1, 1):
            tip = (x + size * (0.9 + 0.15 * lean), ground - size * 0.85)
            canvas.line([(x + size * 0.8, ground - size * 0.3), tip], darker(second, 0.4), 1.6)
            canvas.fill(ellipse(*tip, size * 0.07, size * 0.07), darker(second, 0.5), edge=None,
                        detail=True)
        shell = canvas.fill(ellipse(x - size * 0.2, ground - size * 0.75, size * 0.62,
                                    size * 0.58), body, shade=0.25, edge=darker(body, 0.5))
        turns = np.linspace(0, 3.2 * np.pi, 40)
        spiral = np.stack([x - size * 0.2 + size * 0.5 * turns / turns[-1] * np.cos(turns),
                           ground - size * 0.75 + size * 0.46 * turns / turns[-1] * np.sin(turns)],
                          1)
        canvas.line(spiral, darker(body, 0.45), 1.6, clip=shell, detail=True)
        x, eyes_y = x + size * 0.75, ground - size * 0.22
        size *= 0.5
    for side in (-1, 1):
        canvas.fill(ellipse(x + side * size * 0.28, eyes_y, size * 0.1, size * 0.14),
                    (30, 25, 35), edge=None, detail=True)
    canvas.line(bezier((x - size * 0.12, eyes_y + size * 0.2), (x, eyes_y + size * 0.3),
                       (x + size * 0.12, eyes_y + size * 0.2), steps=6), (60, 30, 35), 1.4,
                detail=True)


def _head(canvas: Canvas, rng, cx, hy, radius, look) -> None:
    skin, hair = look["skin"], look["hair"]
    if rng.random() < 0.2:  # pointy elf ears
        for side in (-1, 1):
            canvas.fill(leaf((cx + side * radius * 0.9, hy + radius * 0.1),
                             (cx + side * radius * 1.35, hy - radius * 0.35), radius * 0.12),
                        skin, shade=0.1, edge=darker(skin, 0.45))
    canvas.fill(smooth(_face_outline(cx, hy, radius), 1), skin, shade=0.12, light=(-0.3, -0.5),
                edge=darker(skin, 0.45))
    _eyes(canvas, rng, cx, hy, radius, look)
    mouth_y = hy + radius * 0.6
    if rng.random() < 0.5:
        canvas.line(bezier((cx - radius * 0.1, mouth_y), (cx, mouth_y + radius * 0.08),
                           (cx + radius * 0.1, mouth_y), steps=8), (120, 50, 50), 1.6, detail=True)
    else:
        canvas.fill(ellipse(cx, mouth_y, radius * 0.1, radius * 0.08, start=0, end=180),
                    (190, 60, 70), edge=(110, 40, 40), edge_width=1.2, detail=True)
    for side in (-1, 1):
        canvas.glow(cx + side * radius * 0.55, hy + radius * 0.45, radius * 0.14, radius * 0.08,
                    (250, 130, 140), 0.5)
    _bangs(canvas, rng, cx, hy, radius, hair, look["hairstyle"])
    if look["hat"] == "wizard":
        _wizard_hat(canvas, rng, cx, hy, radius)
    elif look["hat"] == "beanie":
        _beanie(canvas, rng, cx, hy, radius)


def _face_outline(cx, hy, radius) -> np.ndarray:
    """A round face with soft, slightly full cheeks and a small chin."""
    angles = np.radians(np.arange(0, 360, 30))
    stretch = np.where(np.sin(angles) > 0, 0.95 + 0.05 * np.abs(np.cos(angles)), 0.92)
    return np.stack([cx + radius * np.cos(angles), hy + radius * np.sin(angles) * stretch], 1)


def _eyes(canvas: Canvas, rng, cx, hy, radius, look) -> None:
    spread, level = radius * rng.uniform(0.36, 0.42), hy + radius * 0.22
    iris = look["eyes"]
    happy = rng.random() < 0.12
    for side in (-1, 1):
        x = cx + side * spread
        if happy:  # closed, smiling eyes
            arc = bezier((x - radius * 0.16, level + radius * 0.04), (x, level - radius * 0.14),
                         (x + radius * 0.16, level + radius * 0.04), steps=10)
            canvas.line(arc, (40, 30, 35), 2.6)
            continue
        white, tall = radius * 0.19, radius * 0.25
        canvas.fill(ellipse(x, level, white, tall), (252, 252, 252), edge=(60, 45, 50),
                    edge_width=1.2)
        iris_shape = ellipse(x + side * radius * 0.01, level + radius * 0.03, white * 0.8,
                             tall * 0.8)
        canvas.fill(iris_shape, darker(iris, 0.35), to=lighter(iris, 0.35), edge=darker(iris, 0.6),
                    edge_width=1.0, detail=True)
        canvas.fill(ellipse(x, level + radius * 0.05, white * 0.38, tall * 0.4), (25, 20, 30),
                    edge=None, sketch=False)
        canvas.glow(x - white * 0.35, level - tall * 0.3, white * 0.22, white * 0.22,
                    (255, 255, 255), 1.0)
        canvas.glow(x + white * 0.35, level + tall * 0.4, white * 0.12, white * 0.12,
                    (255, 255, 255), 0.8)
        lash = ellipse(x, level + radius * 0.02, white * 1.1, tall * 1.05, start=200, end=340)
        canvas.line(lash, (40, 30, 35), 2.8)
        brow = [(x - side * radius * 0.12, level - radius * 0.38),
                (x + side * radius * 0.14, level - radius * 0.42)]
        canvas.line(brow, darker(look["hair"], 0.4), 2.0, detail=True)


def _bangs(canvas: Canvas, rng, cx, hy, radius, hair, style) -> None:
    """The hair over the top of the head, ending in a fringe of points across the forehead."""
    cap = ellipse(cx, hy - radius * 0.02, radius * 1.1, radius * 1.04, start=180, end=360)
    locks = int(rng.integers(3, 6)) if style != "spiky" else int(rng.integers(5, 8))
    fringe_y, tip_y = hy - radius * 0.05, hy - radius * rng.uniform(0.15, 0.35)
    xs = np.linspace(cx + radius * 1.1, cx - radius * 1.1, 2 * locks + 1)
    fringe = [(x, fringe_y + radius * 0.35 if k in (0, 2 * locks) else
               (fringe_y if k % 2 == 0 else tip_y + rng.uniform(-0.05, 0.05) * radius))
              for k, x in enumerate(xs)]
    if style == "spiky":
        cap = cap + rng.normal(0, radius * 0.015, cap.shape)
        for k in range(1, len(cap) - 1, 4):
            cap[k] += (cap[k] - (cx, hy)) * 0.12
    swept = rng.random() < 0.5 and style != "spiky"
    points = np.vstack([cap, fringe])
    if swept:
        points = mirror(points, cx) if rng.random() < 0.5 else points
    canvas.fill(smooth(points, 1 if style == "spiky" else 2), hair, shade=0.2, light=(-0.3, -0.7),
                edge=darker(hair, 0.5))
    if style == "bun":
        canvas.fill(ellipse(cx, hy - radius * 1.05, radius * 0.42, radius * 0.38), hair,
                    shade=0.2, edge=darker(hair, 0.5))
    shine = ellipse(cx - radius * 0.35, hy - radius * 0.7, radius * 0.3, radius * 0.1, angle=-25)
    canvas.fill(shine, lighter(hair, 0.45), edge=None, opacity=0.6, sketch=False)
    if rng.random() < 0.35:  # a ribbon or a little flower
        x, y = cx + radius * 0.7 * rng.choice([-1, 1]), hy - radius * 0.75
        bow = vary(rng, pick(rng, [(240, 80, 110), (250, 220, 80), (120, 180, 250)]), 10)
        for side in (-1, 1):
            canvas.fill(leaf((x, y), (x + side * radius * 0.3, y - radius * 0.08), radius * 0.1),
                        bow, shade=0.2, edge=darker(bow, 0.45), detail=True)
        canvas.fill(ellipse(x, y, radius * 0.07, radius * 0.07), darker(bow, 0.15),
                    edge=darker(bow, 0.45), edge_width=1.2, detail=True)


def _wizard_hat(canvas: Canvas, rng, cx, hy, radius) -> None:
    felt = vary(rng, WIZARD_FELT, 10)
    base = hy - radius * 0.72
    canvas.fill(ellipse(cx, base, radius * 1.35, radius * 0.24), felt, shade=0.2,
                edge=darker(felt, 0.5))
    tip = (cx + rng.uniform(-0.6, 0.6) * radius, base - radius * 1.25)
    left, right = (cx - radius * 0.78, base), (cx + radius * 0.78, base)
    cone = np.vstack([bezier(left, (cx - radius * 0.45, base - radius * 0.7), tip, steps=12),
                      bezier(tip, (cx + radius * 0.5, base - radius * 0.6), right, steps=12)[1:]])
    hat = canvas.fill(cone, felt, shade=0.2, light=(-0.4, -0.2), edge=darker(felt, 0.5))
    canvas.fill([(left[0], base - radius * 0.22), (right[0], base - radius * 0.22),
                 (right[0], base), (left[0], base)], vary(rng, (250, 210, 80), 10),
                edge=(150, 110, 30), edge_width=1.2, clip=hat, detail=True)
    canvas.fill(star(cx + radius * 0.05, base - radius * 0.55, radius * 0.16, radius * 0.07),
                (255, 230, 110), edge=(150, 110, 30), edge_width=1.2, clip=hat, detail=True)


def _beanie(canvas: Canvas, rng, cx, hy, radius) -> None:
    wool = vary(rng, BEANIE_WOOL, 10)
    dome = ellipse(cx, hy - radius * 0.45, radius * 1.08, radius * 0.8, start=180, end=360)
    canvas.fill(ellipse(cx, hy - radius * 1.25, radius * 0.2, radius * 0.2), lighter(wool, 0.5),
                shade=0.2, edge=darker(wool, 0.4))
    canvas.fill(dome, wool, shade=0.2, edge=darker(wool, 0.5))
    canvas.fill(rounded_rect(cx - radius * 1.12, hy - radius * 0.6, cx + radius * 1.12,
                             hy - radius * 0.35, radius * 0.1), darker(wool, 0.15), shade=0.1,
                edge=darker(wool, 0.5))
