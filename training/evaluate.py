"""Evaluate a saved generator on sketches: metrics against real pictures and a contact sheet.

The baseline is the dataset's mean training picture: a model that learned nothing about the
sketch but the average colours scores that L1, so model/baseline < 1 says the sketch is used.
"""
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from safetensors.torch import load_file

from inference.networks import build_generator
from inference.registry import PICTURE_SIZE, read_card
from training.datasets import PairedDataset, read_manifest
from training.metrics import MetricMeans, l1, to_uint8
from training.sheets import contact_sheet, tensor_picture

SKETCH_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif")
DEFAULT_ROWS = 8
MAX_SKETCH_PIXELS = 4096 * 4096


@dataclass
class Sketches:
    """What to run the model on: sketches, real pictures when known, and the mean picture."""

    source: str
    names: list[str] = field(default_factory=list)
    sketches: list[torch.Tensor] = field(default_factory=list)  # 1 x H x W in [0, 1]
    reals: list[torch.Tensor | None] = field(default_factory=list)  # 3 x H x W in [-1, 1]
    mean_picture: np.ndarray | None = None  # H x W x 3 float in [0, 255]
    skipped: list[dict] = field(default_factory=list)


def load_generator(path: Path, device: str | torch.device = "cpu") -> tuple[torch.nn.Module, dict]:
    """The generator saved at `path` (.safetensors with its .json card), in float32, eval mode."""
    path = Path(path)
    if path.suffix != ".safetensors" or not path.is_file():
        raise ValueError(f"{path} is not a .safetensors model file")
    if not path.with_suffix(".json").is_file():
        raise ValueError(f"{path} has no model card ({path.with_suffix('.json').name}) beside it")
    card = read_card(path)
    module = build_generator(card.get("architecture"), **card.get("arguments", {}))
    state = {name: tensor.float() for name, tensor in load_file(str(path)).items()}
    module.load_state_dict(state, strict=True)
    return module.to(device).eval(), card


def _plain_sketch(image: Image.Image, size: int) -> Image.Image:
    """A sketch file as an "L" image on white (transparent pixels are paper), size x size."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        paper = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(paper, image.convert("RGBA"))
    image = image.convert("L")
    return image.resize((size, size), Image.BICUBIC) if image.size != (size, size) else image


def _sketch_tensor(image: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0)[None]


def sketches_from_folder(folder: Path, size: int = PICTURE_SIZE) -> Sketches:
    """Every picture file in the folder (sorted by name) as a sketch; unreadable ones skipped."""
    found = Sketches(source=str(folder))
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.suffix.lower() not in SKETCH_SUFFIXES:
            continue
        try:
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_SKETCH_PIXELS:
                    raise ValueError(f"{opened.width}x{opened.height} is too large")
                sketch = _plain_sketch(opened, size)
        except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as error:
            found.skipped.append({"file": path.name, "reason": str(error) or type(error).__name__})
            continue
        found.names.append(path.name)
        found.sketches.append(_sketch_tensor(sketch))
        found.reals.append(None)
    return found


def _resize_pair(size: int):
    def transform(sketch, photo):
        if sketch.size != (size, size):
            sketch = sketch.resize((size, size), Image.BICUBIC)
        if photo.size != (size, size):
            photo = photo.resize((size, size), Image.BICUBIC)
        return sketch, photo
    return transform


def sketches_from_dataset(dataset_dir: Path, size: int = PICTURE_SIZE) -> Sketches:
    """A dataset's held-out pairs (its training pairs when none are held out), with real pictures
    and the mean of its training pictures."""
    manifest = read_manifest(dataset_dir)
    found = Sketches(source=f"dataset {manifest.get('name')} ({dataset_dir})")
    train = PairedDataset(dataset_dir, "train", transform=_resize_pair(size))
    evaluated = PairedDataset(dataset_dir, "val", transform=_resize_pair(size))
    if len(evaluated) == 0:
        evaluated = train
    for index in range(len(evaluated)):
        item = evaluated[index]
        found.names.append(item["id"])
        found.sketches.append(item["sketch"])
        found.reals.append(item["photo"])
    if len(train):
        total = np.zeros((size, size, 3), dtype=np.float64)
        for index in range(len(train)):
            total += to_uint8(train[index]["photo"])
        found.mean_picture = total / len(train)
    return found


def find_sketches(source: str, data_dir: Path, size: int = PICTURE_SIZE) -> Sketches:
    """A dataset (a name under data_dir or its folder) or a plain folder of sketch files."""
    path = Path(source).expanduser()
    if (path / "manifest.json").is_file():
        return sketches_from_dataset(path, size)
    named = Path(data_dir) / source
    if (named / "manifest.json").is_file():
        return sketches_from_dataset(named, size)
    if path.is_dir():
        return sketches_from_folder(path, size)
    raise ValueError(f"{source!r} is neither a folder of sketches nor a dataset "
                     f"(looked in {path} and {named})")


@torch.no_grad()
def run_model(module: torch.nn.Module, sketches: list[torch.Tensor], batch_size: int = 4):
    """Generated pictures (3 x H x W in [-1, 1], CPU float32) for the sketches, in order;
    a model that takes colour hints gets hint channels of zeros after plain sketches."""
    device = next(module.parameters()).device
    channels = getattr(module, "in_channels", 1)
    pictures = []
    for start in range(0, len(sketches), batch_size):
        batch = torch.stack(sketches[start:start + batch_size]).to(device)
        if batch.shape[1] < channels:  # a hint model on plain sketches: no colour hints
            batch = torch.cat([batch, batch.new_zeros(batch.shape[0], channels - batch.shape[1],
                                                      *batch.shape[2:])], dim=1)
        pictures.extend(module(batch).float().cpu())
    return pictures


def evaluate_model(model_path: Path, source: str, *, data_dir: Path, out: Path | None = None,
                   rows: int = DEFAULT_ROWS, size: int = PICTURE_SIZE,
                   device: str = "cpu", sheets_dir: Path | None = None) -> dict:
    """Run the model on the sketches, measure it where real pictures exist, write the sheet.

    Returns the report: metrics (L1, PSNR, SSIM) and the mean-picture baseline when real
    pictures exist, the contact sheet's path, and every skipped file with its reason.
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    module, card = load_generator(model_path, device)
    found = find_sketches(source, data_dir, size)
    if not found.sketches:
        raise ValueError(f"no sketches to evaluate in {found.source}")
    pictures = run_model(module, found.sketches)

    means, baseline = MetricMeans(), []
    for picture, real in zip(pictures, found.reals, strict=True):
        if real is None:
            continue
        real_pixels = to_uint8(real)
        means.add(to_uint8(picture), real_pixels)
        if found.mean_picture is not None:
            baseline.append(l1(found.mean_picture, real_pixels))
    report = {
        "model": str(model_path),
        "category": card.get("category"),
        "version": card.get("version"),
        "source": found.source,
        "sketches": len(found.sketches),
        "metrics": means.means() if means.count else None,
        "baseline": None,
        "skipped": found.skipped,
    }
    if baseline:
        baseline_l1 = float(np.mean(baseline))
        report["baseline"] = {
            "mean_picture_l1": baseline_l1,
            "model_to_baseline_l1": report["metrics"]["l1"] / baseline_l1 if baseline_l1 else None,
        }

    sheet_rows = []
    for sketch, picture, real in list(zip(found.sketches, pictures, found.reals,
                                          strict=True))[:rows]:
        row = [tensor_picture(sketch), tensor_picture(picture)]
        if real is not None:
            row.append(tensor_picture(real))
        sheet_rows.append(row)
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        out = Path(sheets_dir) / f"{card.get('category')}-{card.get('version')}-{stamp}.png"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(sheet_rows).save(out)
    report["contact_sheet"] = str(out)
    return report


def card_evaluation(report: dict, command: str) -> dict:
    """What a model card keeps of an evaluation: the command, what it ran on, the scores."""
    return {
        "command": command,
        "source": report["source"],
        "sketches": report["sketches"],
        "metrics": report["metrics"],
        "baseline": report["baseline"],
        "sheet": report["contact_sheet"],
        "evaluated": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def report_json(report: dict) -> str:
    return json.dumps(report, indent=2)
