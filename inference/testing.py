"""Tiny real models for tests of the serving path: trained in a second, saved like any other."""
from pathlib import Path

import numpy as np
import torch

from inference.networks import ResnetGenerator, init_weights
from inference.rasterize import rasterize, to_tensor
from inference.registry import save_model, set_active_version
from inference.threads import torch_threads

TINY_ARGUMENTS = {"in_channels": 1, "out_channels": 3, "ngf": 8, "n_blocks": 1}
TRAINING_SIZE = 64
PAPER_RGB = (250, 210, 90)  # what white paper turns into: warm yellow
INK_RGB = (30, 60, 160)  # what the pen's lines turn into: deep blue
LEARNING_RATE = 2e-3


def synthetic_pair(size: int = TRAINING_SIZE) -> tuple[torch.Tensor, torch.Tensor]:
    """A sketch (1x1xHxW in [0, 1]) of a cross in a ring and its picture (1x3xHxW in [-1, 1]).

    The picture colours paper yellow and lines blue, blending like the anti-aliased sketch,
    so the mapping is local and even a tiny generator learns it in a few dozen steps.
    """
    angles = np.linspace(0, 2 * np.pi, 48)
    ring = np.stack([0.5 + 0.35 * np.cos(angles), 0.5 + 0.35 * np.sin(angles)], axis=1)
    strokes = [
        {"points": ring.tolist(), "size": 12, "tool": "pen"},
        {"points": [[0.2, 0.5], [0.8, 0.5]], "size": 12, "tool": "pen"},
        {"points": [[0.5, 0.2], [0.5, 0.8]], "size": 12, "tool": "pen"},
    ]
    sketch = to_tensor(rasterize(strokes, size))
    paper = torch.tensor(PAPER_RGB, dtype=torch.float32).view(1, 3, 1, 1) / 127.5 - 1
    ink = torch.tensor(INK_RGB, dtype=torch.float32).view(1, 3, 1, 1) / 127.5 - 1
    return sketch, ink + (paper - ink) * sketch


def make_trained_model(models_dir: Path, category: str, version: str = "test-1",
                       steps: int = 30, arguments: dict | None = None) -> Path:
    """Fit a ResnetGenerator (tiny unless `arguments` says otherwise) to the synthetic pair for
    `steps` Adam steps, save it and make it the category's active version; returns the weights
    path. steps=0 saves an untrained model, which is never served. Deterministic; leaves the
    global RNG alone.
    """
    arguments = dict(TINY_ARGUMENTS if arguments is None else arguments)
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    sketch, picture = synthetic_pair()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        generator = init_weights(ResnetGenerator(**arguments))
    optimizer = torch.optim.Adam(generator.parameters(), lr=LEARNING_RATE, betas=(0.5, 0.999))
    loss = torch.tensor(float("nan"))
    # A net this small gains nothing from a second thread, and when other processes keep the
    # cores busy, OpenMP threads waiting on each other make each step 20x slower.
    with torch_threads(1):
        for _ in range(steps):
            loss = (generator(sketch) - picture).abs().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    card = {
        "architecture": "resnet",
        "arguments": arguments,
        "dataset": {"name": "synthetic-ring", "pairs": 1, "image_size": TRAINING_SIZE},
        "edge_method": "synthetic",
        "training": {"steps": steps, "command": "inference.testing.make_trained_model",
                     "loss": "L1", "optimizer": f"Adam(lr={LEARNING_RATE}, betas=(0.5, 0.999))"},
        "metrics": {"train_l1": None if steps == 0 else round(loss.item(), 4)},
    }
    path = save_model(models_dir, category, version, generator, card)
    set_active_version(models_dir, category, version)  # a test fixture, not the studio's way
    return path
