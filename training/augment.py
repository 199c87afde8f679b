"""Paired augmentation: one resize/crop/mirror for sketch and photo, plus sketch-only stroke jitter.

Children's strokes are not HED edges: they are thicker or thinner, wobble and leave gaps; children
add doodles (suns, hearts, letters, shading), trace lines twice and leave inner detail out. The
sketch-domain augmentations imitate that on the sketch half only; the geometric ones move both
halves alike so each sketch line stays on its photo edge. All randomness comes from one numpy
Generator, so a given seed always gives the same pictures (reseed() per sample for resumable runs).
Datasets painted from the worlds get these at world level instead (make_world_dataset --robust),
where the painter knows outline from detail.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from scipy.ndimage import binary_dilation, binary_fill_holes, label

from inference.rasterize import HINT_CHANNELS, SKETCH_STROKE_SIZE, rasterize, rasterize_hints
from training.edges.bridge import bridge_sketch
from training.hints import sample_hints
from training.worlds.base import SIZE as WORLD_SIZE
from training.worlds.doodles import PEN_WIDTHS, hatch_inside, letters, sky_things, speed_lines
from training.worlds.hand import ChildHand

CROP_SIZE = 256
LOAD_SIZE = 286  # pix2pix: resize to 286, random crop back to 256 ("jitter")
WHITE = 255

# Sketch-domain strengths, in pixels at 256x256 (scaled with the crop size).
STROKE_WIDTH_CHOICES = (-2, 0, 0, 2, 2, 4)  # change of line width: thinner, same, thicker
WOBBLE_MAX_PX = 3.0  # largest displacement of the smooth field
WOBBLE_GRID = 5  # control points per side of the displacement field: smooth, not jagged
GAPS_MAX = 4  # at most this many short pieces erased per sketch
GAP_RADIUS_PX = (3.0, 6.0)
DARK = 128  # a sketch pixel darker than this is on a line
# Children's additions, each applied to this share of training sketches when switched on.
DOODLE_CHANCE = 0.35
RETRACE_CHANCE = 0.3
PLAIN_CHANCE = 0.15
RETRACE_SHIFT_PX = (1.0, 3.0)  # the second tracing lands this far from the first
PLAIN_KEEP_SHARE = 0.2  # plain outlines keep line pieces at least this share of the biggest
HATCH_MIN_PIXELS = 700  # at 256 px: enclosed areas smaller than this get no shading


def load_size_for(crop_size: int) -> int:
    """The pre-crop resize that keeps pix2pix's 286/256 ratio at any crop size."""
    return round(crop_size * LOAD_SIZE / CROP_SIZE)


@dataclass
class PairedAugment:
    """transform(sketch "L", photo "RGB") -> (sketch "L", photo "RGB"), both crop_size square;
    with `hints`, (sketch, photo, hints): colour hints sampled from the photo (training.hints;
    all zero unless `sample_hints`), HINT_CHANNELS x crop x crop, their strokes drawn on the
    sketch as lines too, as the serving rasterizer draws coloured strokes."""

    crop_size: int = CROP_SIZE
    jitter: bool = True  # resize to load_size then random crop back to crop_size
    mirror: bool = True  # horizontal flip half of the time
    stroke_width: bool = True
    wobble: bool = True
    gaps: bool = True
    doodles: bool = False  # suns, clouds, hearts, letters, speed lines, shading inside shapes
    retrace: bool = False  # lines traced twice, a little apart
    plain: bool = False  # inner detail dropped: the main outlines only
    bridge: bool = False  # an edge sketch redrawn as a child would (a new hand each time)
    hints: bool = False  # also return colour-hint channels
    sample_hints: bool = True  # with hints: sample them from the photo (else all zero)
    seed: int = 0
    load_size: int | None = None

    def __post_init__(self):
        if self.crop_size < 8:
            raise ValueError(f"crop size must be at least 8 pixels, got {self.crop_size}")
        if self.load_size is None:
            self.load_size = load_size_for(self.crop_size)
        if self.load_size < self.crop_size:
            raise ValueError("load size must not be smaller than crop size")
        self.reseed(self.seed)

    @classmethod
    def resize_only(cls, crop_size: int = CROP_SIZE, hints: bool = False) -> "PairedAugment":
        """No randomness at all: what validation and evaluation see (no colour hints)."""
        return cls(crop_size, jitter=False, mirror=False, stroke_width=False, wobble=False,
                   gaps=False, doodles=False, retrace=False, plain=False, bridge=False,
                   hints=hints, sample_hints=False)

    @property
    def sketch_augment(self) -> bool:
        return (self.stroke_width or self.wobble or self.gaps or self.doodles or self.retrace
                or self.plain or self.bridge)

    def reseed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def __call__(self, sketch: Image.Image, photo: Image.Image):
        sketch, photo = sketch.convert("L"), photo.convert("RGB")
        if self.bridge:  # before anything moves: the bridge is tuned for 256-px edge sketches
            sketch = bridge_sketch(sketch, self.rng) or sketch
        sketch, photo = self._move_both(sketch, photo)
        scale = self.crop_size / CROP_SIZE
        if self.plain and self.rng.uniform() < PLAIN_CHANCE:
            sketch = plain_outlines(sketch)
        if self.retrace and self.rng.uniform() < RETRACE_CHANCE:
            sketch = retrace(sketch, self.rng, scale)
        if self.doodles and self.rng.uniform() < DOODLE_CHANCE:
            sketch = add_doodles(sketch, self.rng)
        # Gaps first, so a later thickening narrows them instead of leaving holes inside a line.
        if self.gaps:
            sketch = erase_gaps(sketch, self.rng, int(self.rng.integers(0, GAPS_MAX + 1)), scale)
        if self.stroke_width:
            sketch = change_stroke_width(sketch, int(self.rng.choice(STROKE_WIDTH_CHOICES)), scale)
        if self.wobble:
            sketch = wobble(sketch, self.rng, WOBBLE_MAX_PX * scale * self.rng.uniform())
        if self.hints:
            return self._with_hints(sketch, photo)
        return sketch, photo

    def _with_hints(self, sketch: Image.Image, photo: Image.Image):
        size = self.crop_size
        drawn = sample_hints(np.asarray(photo), self.rng) if self.sample_hints else None
        if drawn is None or not drawn.strokes:
            return sketch, photo, np.zeros((HINT_CHANNELS, size, size), np.float32)
        lines = rasterize([{**stroke, "color": None} for stroke in drawn.strokes], size)
        return ImageChops.darker(sketch, lines), photo, rasterize_hints(drawn.strokes, size)

    def _move_both(self, sketch, photo):
        size = self.load_size if self.jitter else self.crop_size
        if sketch.size != (size, size):
            sketch = sketch.resize((size, size), Image.BICUBIC)
        if photo.size != (size, size):
            photo = photo.resize((size, size), Image.BICUBIC)
        if self.jitter:
            left, top = (int(v) for v in self.rng.integers(0, size - self.crop_size + 1, size=2))
            box = (left, top, left + self.crop_size, top + self.crop_size)
            sketch, photo = sketch.crop(box), photo.crop(box)
        if self.mirror and self.rng.uniform() < 0.5:
            sketch = sketch.transpose(Image.FLIP_LEFT_RIGHT)
            photo = photo.transpose(Image.FLIP_LEFT_RIGHT)
        return sketch, photo


def change_stroke_width(sketch: Image.Image, change_px: int, scale: float = 1.0) -> Image.Image:
    """Thicken (change > 0) or thin (< 0) black lines by about change_px pixels in total width."""
    steps = round(abs(change_px) * scale / 2)
    if steps == 0:
        return sketch
    size = 2 * steps + 1
    # Lines are dark: a min filter grows them (dilation), a max filter shrinks them (erosion).
    grow = change_px > 0
    return sketch.filter(ImageFilter.MinFilter(size) if grow else ImageFilter.MaxFilter(size))


def wobble(sketch: Image.Image, rng: np.random.Generator, amplitude_px: float) -> Image.Image:
    """Bend the lines along a smooth random displacement field of at most ~amplitude_px pixels."""
    if amplitude_px <= 0:
        return sketch
    width, height = sketch.size
    coarse = torch.from_numpy(rng.normal(0.0, 1.0, size=(1, 2, WOBBLE_GRID, WOBBLE_GRID)))
    field = F.interpolate(coarse.float(), size=(height, width), mode="bicubic", align_corners=True)
    field = field / field.abs().amax().clamp(min=1e-6) * amplitude_px
    ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    source_x = xs + field[0, 0]
    source_y = ys + field[0, 1]
    grid = torch.stack(
        (2 * source_x / (width - 1) - 1, 2 * source_y / (height - 1) - 1), dim=-1
    ).unsqueeze(0)
    pixels = torch.from_numpy(np.asarray(sketch, dtype=np.float32)).view(1, 1, height, width)
    # Sample "ink" (1 - brightness) so anything pulled in from outside the border is white paper.
    ink = F.grid_sample(1 - pixels / WHITE, grid, mode="bilinear", padding_mode="zeros",
                        align_corners=True)
    out = ((1 - ink[0, 0]) * WHITE).round().clamp(0, WHITE).to(torch.uint8).numpy()
    return Image.fromarray(out)


def erase_gaps(sketch: Image.Image, rng: np.random.Generator, count: int, scale: float = 1.0):
    """Erase `count` short pieces of line (white discs centred on random line pixels)."""
    if count <= 0:
        return sketch
    ys, xs = np.nonzero(np.asarray(sketch) < DARK)
    if len(xs) == 0:
        return sketch
    sketch = sketch.copy()
    draw = ImageDraw.Draw(sketch)
    for index in rng.integers(0, len(xs), size=count):
        radius = rng.uniform(*GAP_RADIUS_PX) * scale
        x, y = float(xs[index]), float(ys[index])
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    return sketch


def _ink(sketch: Image.Image) -> np.ndarray:
    return np.asarray(sketch) < DARK


def plain_outlines(sketch: Image.Image) -> Image.Image:
    """Only the big line pieces (at least PLAIN_KEEP_SHARE of the biggest): inner detail and
    texture fragments go, as a five-year-old leaves them out."""
    pieces, count = label(_ink(sketch), structure=np.ones((3, 3)))
    if count < 2:
        return sketch
    sizes = np.bincount(pieces.ravel())[1:]
    small = np.isin(pieces, np.flatnonzero(sizes < PLAIN_KEEP_SHARE * sizes.max()) + 1)
    kept = (pieces > 0) & ~small
    # the pale anti-aliased rim of a dropped piece goes too, never a pixel of a kept line
    rim = binary_dilation(small, iterations=2) & ~binary_dilation(kept, iterations=1)
    pixels = np.asarray(sketch).copy()
    pixels[small | rim] = WHITE
    return Image.fromarray(pixels)


def retrace(sketch: Image.Image, rng: np.random.Generator, scale: float = 1.0) -> Image.Image:
    """The lines traced a second time: a wobbled copy a pixel or three away, over the first."""
    angle = rng.uniform(0, 2 * np.pi)
    distance = rng.uniform(*RETRACE_SHIFT_PX) * scale
    second = ImageChops.offset(wobble(sketch, rng, WOBBLE_MAX_PX * scale),
                               round(distance * np.cos(angle)), round(distance * np.sin(angle)))
    return ImageChops.darker(sketch, second)


def add_doodles(sketch: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A child's additions drawn over the sketch with a child's pen: a sun, clouds, stars or
    hearts and letters where there is room, speed lines beside the drawing, shading scribbled
    into its biggest enclosed area."""
    ink = _ink(sketch.resize((WORLD_SIZE, WORLD_SIZE), Image.NEAREST))
    ys, xs = np.nonzero(ink)
    box = (np.array([[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()],
                     [xs.min(), ys.max()]], dtype=np.float64) if len(xs) else
           np.array([[64.0, 64.0], [192.0, 64.0], [192.0, 192.0], [64.0, 192.0]]))
    runs = [(box, True, False)]
    near_ink = np.asarray(Image.fromarray(ink).filter(ImageFilter.MaxFilter(9)), dtype=bool)
    extra = []
    makers = [sky_things, letters, speed_lines]
    for index in rng.choice(len(makers), size=int(rng.integers(1, 3)), replace=False):
        extra += makers[index](runs, rng, near_ink)
    enclosed, count = label(binary_fill_holes(ink) & ~near_ink)
    if count and rng.uniform() < 0.5:
        sizes = np.bincount(enclosed.ravel())[1:]
        if sizes.max() >= HATCH_MIN_PIXELS:
            extra += hatch_inside(enclosed == int(np.argmax(sizes)) + 1, rng)
    hand = ChildHand(rng, SKETCH_STROKE_SIZE * rng.uniform(*PEN_WIDTHS), skip_details=0.0)
    doodles = rasterize(hand.draw(extra), sketch.width) if extra else None
    if doodles is None:
        return sketch
    if doodles.size != sketch.size:
        doodles = doodles.resize(sketch.size, Image.BICUBIC)
    return ImageChops.darker(sketch, doodles)
