"""Test helpers for the learning half: tiny synthetic paired datasets and tiny training configs."""
import contextlib
import hashlib
from pathlib import Path

from PIL import Image, ImageDraw

from inference.threads import torch_threads
from training.datasets import DatasetWriter
from training.trainer import TrainConfig

COLOURS = [(220, 60, 40), (40, 160, 90), (50, 90, 210), (230, 180, 30), (150, 60, 180)]


def shape_pair(index: int, size: int = 64) -> tuple[Image.Image, Image.Image]:
    """A black-outline sketch of a shape and its photo (the shape filled, on a tinted ground)."""
    sketch = Image.new("L", (size, size), 255)
    photo = Image.new("RGB", (size, size), (235, 230, 210))
    margin = size // 8 + (index * 3) % (size // 8)
    box = (margin, margin + index % 5, size - margin - index % 7, size - margin)
    colour = COLOURS[index % len(COLOURS)]
    sketch_draw, photo_draw = ImageDraw.Draw(sketch), ImageDraw.Draw(photo)
    if index % 2:
        sketch_draw.ellipse(box, outline=0, width=max(1, size // 64))
        photo_draw.ellipse(box, fill=colour)
    else:
        sketch_draw.rectangle(box, outline=0, width=max(1, size // 64))
        photo_draw.rectangle(box, fill=colour)
    return sketch, photo


def write_tiny_dataset(root: Path, name: str = "tiny", category: str = "panda", pairs: int = 3,
                       val: int = 1, size: int = 64,
                       edge_method: str = "drawn-test-shapes") -> Path:
    """A dataset folder with `pairs` training pairs and `val` held-out pairs of drawn shapes."""
    writer = DatasetWriter(Path(root), name, category, edge_method, "synthetic shapes",
                           {"size": size})
    for index in range(pairs + val):
        sketch, photo = shape_pair(index, size)
        pair_id = f"shape-{index:03d}"
        writer.add(pair_id, sketch, photo, source=f"{pair_id}.png",
                   sha256=hashlib.sha256(photo.tobytes()).hexdigest(),
                   split="train" if index < pairs else "val")
    return writer.close()


def tiny_config(dataset: str, **overrides) -> TrainConfig:
    """A config small enough to train in seconds on a CPU: 32 px, 8-filter nets, no augmentation."""
    options = dict(
        category="panda", dataset=dataset, architecture="resnet",
        generator_args={"ngf": 8, "n_blocks": 1}, steps=6, batch_size=2, image_size=32,
        ndf=8, n_layers=2, jitter=False, mirror=False, stroke_width=False, wobble=False,
        gaps=False, doodles=False, retrace=False, plain_outlines=False, seed=7, device="cpu",
        checkpoint_every=100,
    )
    options.update(overrides)
    return TrainConfig(**options)


@contextlib.contextmanager
def one_torch_thread():
    """Tiny nets gain nothing from intra-op threads and, on a shared 2-core machine, lose ~10x
    to threads spinning against other processes; train them on one thread."""
    with torch_threads(1):
        yield
