"""Training steps per second for the seed config (resnet9 G + 70x70 PatchGAN D), trainer vs plain.

For each device (this CPU, and CUDA when there is one) and batch size, in one run: the rate of
Trainer.train_step (autocast, channels_last and cudnn.benchmark on CUDA; fp32 on the CPU) and of
a plain fp32 eager loop of the same two networks and losses, on the same batch, and their ratio.
Data loading is left out of both, so the ratio compares the step itself. Few steps are timed
(the CPU is slow), so on a busy shared machine the ratio is good to about +-20%.
"""
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from inference.networks import build_generator, count_parameters, init_weights
from training.datasets import DatasetWriter
from training.discriminators import PatchDiscriminator
from training.trainer import TrainConfig, Trainer

PICTURE_SIZE = 256
BATCH_SIZES = (1, 4)
# (warm-up, timed) steps of each loop: a seed step takes ~3-6 s at batch 1 and ~15-25 s at
# batch 4 on 2 shared cores, so the CPU part takes about two minutes.
CPU_STEPS = {1: (1, 3), 4: (1, 1)}
CUDA_STEPS = (5, 20)
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


def _batch(trainer: Trainer, batch_size: int) -> dict:
    items = [trainer.train_pairs[index % len(trainer.train_pairs)] for index in range(batch_size)]
    return {"sketch": torch.stack([item["sketch"] for item in items]),
            "photo": torch.stack([item["photo"] for item in items])}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _step_seconds(step, device: torch.device) -> float:
    _sync(device)
    started = time.perf_counter()
    step()
    _sync(device)
    return time.perf_counter() - started


def _interleaved_rates(steps: dict, device: torch.device, warm_up: int, timed: int) -> dict:
    """Steps per second of each step() (1 / median step time) after warm-up; the timed steps
    take turns, so a neighbour's load on this shared machine slows both alike."""
    for step in steps.values():
        for _ in range(warm_up):
            step()
    times = {name: [] for name in steps}
    for _ in range(timed):
        for name, step in steps.items():
            times[name].append(_step_seconds(step, device))
    return {name: 1 / statistics.median(values) for name, values in times.items()}


def _plain_loop(config: TrainConfig, batch: dict, device: torch.device):
    """The textbook pix2pix step: fp32, eager, no autocast, no channels_last, no tricks."""
    architecture, arguments = config.generator_spec()
    generator = init_weights(build_generator(architecture, **arguments)).to(device)
    discriminator = init_weights(PatchDiscriminator(4, config.ndf, config.n_layers)).to(device)
    optimizer_g = torch.optim.Adam(generator.parameters(), lr=config.lr, betas=config.betas)
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=config.lr, betas=config.betas)
    sketch, real = batch["sketch"].to(device), batch["photo"].to(device)

    def step():
        fake = generator(sketch)
        optimizer_d.zero_grad()
        d_real = discriminator(torch.cat([sketch, real], 1))
        d_fake = discriminator(torch.cat([sketch, fake.detach()], 1))
        d_loss = 0.5 * (F.mse_loss(d_real, torch.ones_like(d_real))
                        + F.mse_loss(d_fake, torch.zeros_like(d_fake)))
        d_loss.backward()
        optimizer_d.step()
        optimizer_g.zero_grad()
        d_fake = discriminator(torch.cat([sketch, fake], 1))
        g_loss = (F.mse_loss(d_fake, torch.ones_like(d_fake))
                  + config.lambda_l1 * F.l1_loss(fake, real))
        g_loss.backward()
        optimizer_g.step()
        return g_loss.item()

    return step


def measure(device_name: str, batch_size: int, root: Path, dataset: Path) -> dict:
    device = torch.device(device_name)
    warm_up, timed = CUDA_STEPS if device.type == "cuda" else CPU_STEPS[batch_size]
    config = TrainConfig(category="panda", dataset=str(dataset), generator="resnet9",
                         steps=1000, batch_size=batch_size, device=device_name, seed=0)
    trainer = Trainer(config, runs_dir=root / "runs", export=False, log=lambda message: None)
    batch = _batch(trainer, batch_size)
    rates = _interleaved_rates(
        {"trainer": lambda: trainer.train_step(batch), "plain": _plain_loop(config, batch, device)},
        device, warm_up, timed)
    autocast = trainer.autocast_dtype
    return {**rates, "device": device_name, "batch": batch_size, "timed": timed,
            "parameters": (count_parameters(trainer.generator),
                           count_parameters(trainer.discriminator)),
            "autocast": str(autocast).replace("torch.", "") if autocast else "fp32"}


def run() -> None:
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        dataset = _write_dataset(root / "data")
        print(f"seed config training steps/s at {PICTURE_SIZE}x{PICTURE_SIZE}, torch "
              f"{torch.__version__}, {torch.get_num_threads()} CPU threads "
              f"(trainer step vs plain fp32 eager loop, same batch, data loading excluded)",
              flush=True)
        for device in devices:
            for batch_size in BATCH_SIZES:
                result = measure(device, batch_size, root, dataset)
                generator, discriminator = result["parameters"]
                print(f"  {device:4s} batch {batch_size}: trainer {result['trainer']:7.3f} steps/s "
                      f"({result['trainer'] * batch_size:7.2f} pairs/s, {result['autocast']}), "
                      f"plain {result['plain']:7.3f} steps/s, ratio "
                      f"{result['trainer'] / result['plain']:.2f}  "
                      f"[G {generator:,} + D {discriminator:,} params, {result['timed']} timed "
                      f"steps each, interleaved]", flush=True)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawapp.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    run()
