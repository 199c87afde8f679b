"""Paired augmentation: one resize/crop/mirror for sketch and photo, plus sketch-only stroke jitter.

Children's strokes are not HED edges: they are thicker or thinner, wobble and leave gaps. The
sketch-domain augmentations imitate that on the sketch half only; the geometric ones move both
halves alike so each sketch line stays on its photo edge. All randomness comes from one numpy
Generator, so a given seed always gives the same pictures (reseed() per sample for resumable runs).
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter

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


def load_size_for(crop_size: int) -> int:
    """The pre-crop resize that keeps pix2pix's 286/256 ratio at any crop size."""
    return round(crop_size * LOAD_SIZE / CROP_SIZE)


@dataclass
class PairedAugment:
    """transform(sketch "L", photo "RGB") -> (sketch "L", photo "RGB"), both crop_size square."""

    crop_size: int = CROP_SIZE
    jitter: bool = True  # resize to load_size then random crop back to crop_size
    mirror: bool = True  # horizontal flip half of the time
    stroke_width: bool = True
    wobble: bool = True
    gaps: bool = True
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
    def resize_only(cls, crop_size: int = CROP_SIZE) -> "PairedAugment":
        """No randomness at all: what validation and evaluation see."""
        return cls(crop_size, jitter=False, mirror=False, stroke_width=False, wobble=False,
                   gaps=False)

    @property
    def sketch_augment(self) -> bool:
        return self.stroke_width or self.wobble or self.gaps

    def reseed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def __call__(self, sketch: Image.Image, photo: Image.Image):
        sketch, photo = sketch.convert("L"), photo.convert("RGB")
        sketch, photo = self._move_both(sketch, photo)
        scale = self.crop_size / CROP_SIZE
        # Gaps first, so a later thickening narrows them instead of leaving holes inside a line.
        if self.gaps:
            sketch = erase_gaps(sketch, self.rng, int(self.rng.integers(0, GAPS_MAX + 1)), scale)
        if self.stroke_width:
            sketch = change_stroke_width(sketch, int(self.rng.choice(STROKE_WIDTH_CHOICES)), scale)
        if self.wobble:
            sketch = wobble(sketch, self.rng, WOBBLE_MAX_PX * scale * self.rng.uniform())
        return sketch, photo

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
