"""What a run shows while it trains: sample grids (sketch | generated | real) and the loss curve."""
import json
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from inference.files import write_atomically
from training.sheets import contact_sheet, tensor_picture
from training.trainer.runs import RUN_FILES

if TYPE_CHECKING:
    from training.trainer.loop import Trainer

SAMPLE_ROWS = 4


def save_samples(trainer: "Trainer") -> Path:
    """samples/step_XXXXX.png: rows of sketch | generated | real for a few held-out pairs."""
    items = [trainer.val_pairs[index]
             for index in range(min(SAMPLE_ROWS, len(trainer.val_pairs)))]
    fakes = trainer.generate(torch.stack([item["sketch"] for item in items]))
    rows = [[tensor_picture(item["sketch"]), tensor_picture(fake),
             tensor_picture(item["photo"])] for item, fake in zip(items, fakes, strict=True)]
    path = trainer.run_dir / RUN_FILES["samples"] / f"step_{trainer.step:05d}.png"
    contact_sheet(rows).save(path)
    return path


def plot_losses(trainer: "Trainer") -> Path:
    """loss_curve.png: D, G adversarial and L1 losses by step, from losses.jsonl."""
    from matplotlib.figure import Figure

    path = trainer.run_dir / RUN_FILES["losses"]
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.add_subplot()
    steps = [record["step"] for record in records]
    for name, label in (("d", "D"), ("g_gan", "G adversarial"), ("l1", "G L1 (unweighted)")):
        axes.plot(steps, [record[name] for record in records], label=label, linewidth=0.8)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    config = trainer.config
    axes.set_title(f"{trainer.run_id}: {config.gan_mode}, lambda L1 {config.lambda_l1}")
    axes.legend()
    axes.grid(alpha=0.3)
    target = trainer.run_dir / RUN_FILES["loss_curve"]
    write_atomically(target, lambda file: figure.savefig(file, format="png"))
    return target
