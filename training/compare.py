"""Before a promote: a candidate model beside the live one on the same held-out drawings.

The drawings are the candidate's own dataset's held-out pairs when that dataset is on disk,
else unseen drawings of the category's procedural world. Both models draw every one; the
scores are the held-out metrics (L1, PSNR, SSIM) and a contact sheet shows sketch | live |
candidate | real. The candidate is "worse" when its L1, the loss the generators learn, is
higher than the live model's. A report is kept beside its sheet and used again while neither
model file changes.
"""
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from inference.files import write_text_atomically
from inference.rasterize import to_tensor
from inference.registry import PICTURE_SIZE
from training.datasets import MANIFEST, PairedDataset
from training.evaluate import load_generator, run_model
from training.metrics import MetricMeans, to_uint8
from training.sheets import contact_sheet, tensor_picture
from training.worlds import WORLDS, paint, sketch_of

COMPARE_DRAWINGS = 12
SHEET_ROWS = 6
# World drawings that no dataset of the studio uses (datasets start at 0, tests at 900000).
UNSEEN_SEED_START = 930_000
JUDGED_BY = "l1"


def _picture_tensor(picture: Image.Image) -> torch.Tensor:
    pixels = np.asarray(picture.convert("RGB").resize((PICTURE_SIZE, PICTURE_SIZE)),
                        dtype=np.float32)
    return torch.from_numpy(pixels / 127.5 - 1).permute(2, 0, 1)


def _sized(image: Image.Image) -> Image.Image:
    if image.size == (PICTURE_SIZE, PICTURE_SIZE):
        return image
    return image.resize((PICTURE_SIZE, PICTURE_SIZE), Image.BICUBIC)


def held_out_drawings(category: str, card: dict, data_dir: Path,
                      limit: int = COMPARE_DRAWINGS) -> tuple[str, list, list]:
    """(what they are, sketches 1xHxW in [0, 1], real pictures 3xHxW in [-1, 1])."""
    dataset = card.get("dataset") if isinstance(card.get("dataset"), dict) else {}
    name = dataset.get("name")
    folder = Path(data_dir) / name if isinstance(name, str) and name else None
    if folder is not None and (folder / MANIFEST).is_file():
        held_out = PairedDataset(folder, "val",
                                 transform=lambda sketch, photo: (_sized(sketch), _sized(photo)))
        items = [held_out[index] for index in range(min(limit, len(held_out)))]
        if items:
            return (f"{len(items)} held-out drawings of dataset {name}",
                    [item["sketch"] for item in items], [item["photo"] for item in items])
    if category not in WORLDS:
        raise ValueError(f"no held-out drawings for {category}: its dataset is not on disk")
    seeds = range(UNSEEN_SEED_START, UNSEEN_SEED_START + limit)
    samples = [paint(category, seed) for seed in seeds]
    return (f"{limit} unseen {category} world drawings (seeds {seeds.start}-{seeds.stop - 1})",
            [to_tensor(_sized(sketch_of(sample)))[0] for sample in samples],
            [_picture_tensor(sample.picture) for sample in samples])


def _mtime(path: Path | None) -> int | None:
    return Path(path).stat().st_mtime_ns if path else None


def compare_models(category: str, candidate: tuple[str, Path], live: tuple[str, Path] | None,
                   *, data_dir: Path, out_dir: Path) -> dict:
    """Run the candidate and the live model ((version, weights path) each; live may be None)
    on the same held-out drawings. Returns the report: source, drawings, scores per model,
    worse, and the contact sheet's path."""
    (candidate_version, candidate_path) = candidate
    live_version, live_path = live or (None, None)
    out_dir = Path(out_dir)
    stem = f"{category}-{candidate_version}-vs-{live_version or 'none'}"
    report_path, sheet_path = out_dir / f"{stem}.json", out_dir / f"{stem}.png"
    files = {"candidate": _mtime(candidate_path), "live": _mtime(live_path)}
    if report_path.is_file() and sheet_path.is_file():
        kept = json.loads(report_path.read_text())
        if kept.get("files") == files:
            return kept

    module, card = load_generator(candidate_path)
    source, sketches, reals = held_out_drawings(category, card, data_dir)
    pictures = {"candidate": run_model(module, sketches)}
    if live_path is not None:
        pictures["live"] = run_model(load_generator(live_path)[0], sketches)
    scores = {}
    for key, drawn in pictures.items():
        means = MetricMeans()
        for picture, real in zip(drawn, reals, strict=True):
            means.add(to_uint8(picture), to_uint8(real))
        scores[key] = means.means()
    rows = [[tensor_picture(sketches[index]),
             tensor_picture(pictures["live"][index]) if "live" in pictures else None,
             tensor_picture(pictures["candidate"][index]), tensor_picture(reals[index])]
            for index in range(min(SHEET_ROWS, len(sketches)))]
    out_dir.mkdir(parents=True, exist_ok=True)
    contact_sheet(rows).save(sheet_path)
    report = {
        "category": category, "candidate": candidate_version, "live": live_version,
        "source": source, "drawings": len(sketches), "scores": scores,
        "judged_by": JUDGED_BY,
        "worse": "live" in scores and scores["candidate"][JUDGED_BY] > scores["live"][JUDGED_BY],
        "sheet": str(sheet_path), "files": files,
    }
    write_text_atomically(report_path, json.dumps(report, indent=1))
    return report
