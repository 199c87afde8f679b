"""Training step speed: the trainer's step against a plain fp32 eager loop, for the small and the
seed configuration, measured in one run.

For each configuration (and each device: this CPU, and CUDA when there is one) the trainer's
train_step (one D pass over both pairs; channels_last, bf16 autocast and cudnn.benchmark on
CUDA) and the textbook step of training.trainer.reference (contiguous fp32) start from the same
weights and take turns on the same batch, so a neighbour's load slows both alike. Data loading is
left out of both. The ratio is the median of the per-turn ratios; on a shared, busy machine it is
good to about +-20%.
"""
import copy
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from inference.networks import count_parameters
from training.datasets import DatasetWriter
from training.trainer import TrainConfig, Trainer
from training.trainer.reference import plain_step

PICTURE_SIZE = 256
BATCH_SIZE = 1
# name: (TrainConfig options, target ratio to the plain loop on the CPU (issue 13))
CONFIGS = {
    "small": ({"generator": "small", "ndf": 32}, 1.5),
    "seed": ({"generator": "resnet9"}, 1.2),
}
# (warm-up, timed) turns of each step: a seed step takes seconds on 2 shared cores.
CPU_TURNS = {"small": (2, 7), "seed": (1, 3)}
CUDA_TURNS = (5, 20)
PAIRS = 4


def _write_dataset(root: Path) -> Path:
    rng = np.random.default_rng(0)
    writer = DatasetWriter(root, "bench", "panda", "drawn", "bench shapes", {})
    for index in range(PAIRS):
        sketch = Image.new("L", (PICTURE_SIZE, PICTURE_SIZE), 255)
        photo = Image.fromarray(rng.integers(0, 256, (PICTURE_SIZE, PICTURE_SIZE, 3),
                                             dtype=np.uint8))
        box = tuple(int(v) for v in (40 + 10 * index, 50, 200, 210 - 10 * index))
        ImageDraw.Draw(sketch).ellipse(box, outline=0, width=3)
        writer.add(f"pair-{index}", sketch, photo, "bench", "0" * 64, split="train")
    return writer.close()


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _turn_seconds(step, device: torch.device) -> float:
    _sync(device)
    started = time.perf_counter()
    step()
    _sync(device)
    return time.perf_counter() - started


def measure(name: str, device_name: str, root: Path, dataset: Path) -> dict:
    options, target = CONFIGS[name]
    device = torch.device(device_name)
    warm_up, timed = CUDA_TURNS if device.type == "cuda" else CPU_TURNS[name]
    config = TrainConfig(category="panda", dataset=str(dataset), steps=1000,
                         batch_size=BATCH_SIZE, device=device_name, seed=0, **options)
    trainer = Trainer(config, runs_dir=root / "runs", export=False, log=lambda message: None)
    plain = plain_step(config,
                       copy.deepcopy(trainer.generator).to(memory_format=torch.contiguous_format),
                       copy.deepcopy(trainer.discriminator).to(
                           memory_format=torch.contiguous_format))
    items = [trainer.train_pairs[index % len(trainer.train_pairs)] for index in range(BATCH_SIZE)]
    batch = {key: torch.stack([item[key] for item in items]) for key in ("sketch", "photo")}
    sketch, real = batch["sketch"].to(device), batch["photo"].to(device)
    steps = {"trainer": lambda: trainer.train_step(batch), "plain": lambda: plain(sketch, real)}
    for step in steps.values():
        for _ in range(warm_up):
            step()
    times = {key: [] for key in steps}
    for _ in range(timed):
        for key, step in steps.items():
            times[key].append(_turn_seconds(step, device))
    autocast = trainer.autocast_dtype
    return {
        "trainer_s": statistics.median(times["trainer"]),
        "plain_s": statistics.median(times["plain"]),
        "ratio": statistics.median(p / t for p, t in zip(times["plain"], times["trainer"],
                                                         strict=True)),
        "target": target if device.type == "cpu" else None, "timed": timed,
        "parameters": (count_parameters(trainer.generator),
                       count_parameters(trainer.discriminator)),
        "autocast": str(autocast).replace("torch.", "") if autocast else "fp32",
    }


def run() -> None:
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        dataset = _write_dataset(root / "data")
        print(f"training step at {PICTURE_SIZE}x{PICTURE_SIZE}, batch {BATCH_SIZE}, torch "
              f"{torch.__version__}, {torch.get_num_threads()} CPU threads: the trainer's step "
              "against a plain fp32 eager loop from the same weights (turns interleaved, data "
              "loading excluded)", flush=True)
        for device in devices:
            for name in CONFIGS:
                result = measure(name, device, root, dataset)
                generator, discriminator = result["parameters"]
                target = (f" (target >= {result['target']}: "
                          f"{'met' if result['ratio'] >= result['target'] else 'NOT met'})"
                          if result["target"] else "")
                print(f"  {device:4s} {name:5s}: trainer {result['trainer_s'] * 1000:8.1f} ms "
                      f"({result['autocast']}), plain {result['plain_s'] * 1000:8.1f} ms, ratio "
                      f"{result['ratio']:.2f}{target}  [G {generator:,} + D {discriminator:,} "
                      f"params, {result['timed']} timed turns each]", flush=True)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawapp.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    run()
