"""Paired sketch/photo datasets on disk: a crash-safe writer and the Dataset that reads them."""
import hashlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from inference.files import new_folder, write_text_atomically

MANIFEST = "manifest.json"
SPLITS = ("train", "val")
DEFAULT_VAL_FRACTION = 0.1
DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PAIR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class DatasetExists(FileExistsError):
    """A dataset of that name is already there and overwrite was not asked for."""


def check_dataset_name(name: str) -> str:
    if not DATASET_NAME.match(name) or ".." in name:
        raise ValueError(
            f"dataset name {name!r} must be 1-64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit"
        )
    return name


def split_score(pair_id: str) -> float:
    """A number in [0, 1) fixed by the pair id alone, so the split never depends on order."""
    digest = hashlib.sha256(pair_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_for(pair_id: str, val_fraction: float = DEFAULT_VAL_FRACTION) -> str:
    return "val" if split_score(pair_id) < val_fraction else "train"


class DatasetWriter:
    """Writes <root>/<name>/ (sketch/, photo/, manifest.json) into a hidden temporary folder that is
    renamed into place by close(); a crash leaves no dataset folder and no manifest behind.

    A pair's split is the one given to add(), or else decided by hashing its id (val_fraction of
    ids go to "val"); close() moves one hashed pair to "val" if there are at least two pairs and
    none is held out.
    """

    def __init__(self, root: Path, name: str, category: str, edge_method: str, source: str,
                 settings: dict, *, val_fraction: float = DEFAULT_VAL_FRACTION,
                 overwrite: bool = False):
        if not 0.0 <= val_fraction < 1.0:
            raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
        self.root = Path(root)
        self.name = check_dataset_name(name)
        self.final_dir = self.root / name
        self.overwrite = overwrite
        self._refuse_existing()
        self.val_fraction = val_fraction
        self.manifest = {
            "name": name, "category": category, "edge_method": edge_method, "source": str(source),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "settings": dict(settings), "pairs": [], "skipped": [],
        }
        self._hashed_split: set[str] = set()
        self.root.mkdir(parents=True, exist_ok=True)
        self.work_dir = new_folder(self.root, f".{name}.building-")
        (self.work_dir / "sketch").mkdir()
        (self.work_dir / "photo").mkdir()
        self.closed = False

    def _refuse_existing(self) -> None:
        if self.final_dir.exists() and not self.overwrite:
            raise DatasetExists(f"dataset {self.name!r} already exists at {self.final_dir}")

    def __len__(self) -> int:
        return len(self.manifest["pairs"])

    def add(self, pair_id: str, sketch: Image.Image, photo: Image.Image, source: str, sha256: str,
            split: str | None = None) -> None:
        if self.closed:
            raise RuntimeError("the dataset writer is closed")
        if not PAIR_ID.match(pair_id):
            raise ValueError(f"pair id {pair_id!r} must be 1-64 letters, digits, '_' or '-'")
        if any(pair["id"] == pair_id for pair in self.manifest["pairs"]):
            raise ValueError(f"pair id {pair_id!r} was already added")
        if split is None:
            split = split_for(pair_id, self.val_fraction)
            self._hashed_split.add(pair_id)
        elif split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        if sketch.size != photo.size:
            raise ValueError(f"sketch {sketch.size} and photo {photo.size} differ in size")
        sketch_path, photo_path = f"sketch/{pair_id}.png", f"photo/{pair_id}.png"
        sketch.convert("L").save(self.work_dir / sketch_path)
        photo.convert("RGB").save(self.work_dir / photo_path)
        self.manifest["pairs"].append({
            "id": pair_id, "split": split, "sketch": sketch_path, "photo": photo_path,
            "source": source, "sha256": sha256,
        })

    def skip(self, file: str, reason: str) -> None:
        self.manifest["skipped"].append({"file": file, "reason": reason})

    def _hold_out_at_least_one(self) -> None:
        pairs = self.manifest["pairs"]
        if len(pairs) < 2 or any(pair["split"] == "val" for pair in pairs):
            return
        movable = [pair for pair in pairs if pair["id"] in self._hashed_split]
        if movable:
            min(movable, key=lambda pair: split_score(pair["id"]))["split"] = "val"

    def close(self) -> Path:
        """Write manifest.json and move the dataset into place; returns the dataset folder."""
        if self.closed:
            return self.final_dir
        self._hold_out_at_least_one()
        write_text_atomically(self.work_dir / MANIFEST, json.dumps(self.manifest, indent=1))
        self._refuse_existing()
        if self.final_dir.exists():
            retired = new_folder(self.root, f".{self.name}.replaced-")
            os.replace(self.final_dir, retired / self.name)
            os.replace(self.work_dir, self.final_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(self.work_dir, self.final_dir)
        self.closed = True
        return self.final_dir

    def abort(self) -> None:
        """Throw away everything written so far; an existing dataset of the name is untouched."""
        if not self.closed:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.closed = True

    def __enter__(self) -> "DatasetWriter":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is not None:
            self.abort()


def read_manifest(dataset_dir: Path) -> dict:
    path = Path(dataset_dir) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{dataset_dir} is not a dataset: no {MANIFEST}")
    with path.open(encoding="utf-8") as file:
        return json.load(file)


class PairedDataset(Dataset):
    """One split of a dataset folder as dicts {"sketch": 1xHxW in [0, 1], "photo": 3xHxW in [-1, 1],
    "id": str}; transform(sketch, photo) -> (sketch, photo) runs on the PIL images first. A
    transform that also returns colour hints (4xHxW) makes "sketch" 5xHxW, the hints after it."""

    def __init__(self, dataset_dir: Path, split: str = "train", transform=None):
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        self.dataset_dir = Path(dataset_dir).resolve()
        self.manifest = read_manifest(self.dataset_dir)
        self.split = split
        self.transform = transform
        self.pairs = [pair for pair in self.manifest["pairs"] if pair["split"] == split]
        for pair in self.pairs:
            for key in ("sketch", "photo"):
                if not self._inside(pair[key]):
                    raise ValueError(f"manifest path {pair[key]!r} points outside {dataset_dir}")

    def _inside(self, relative: str) -> bool:
        return (self.dataset_dir / relative).resolve().is_relative_to(self.dataset_dir)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> dict:
        pair = self.pairs[index]
        with Image.open(self.dataset_dir / pair["sketch"]) as sketch_file:
            sketch = sketch_file.convert("L")
        with Image.open(self.dataset_dir / pair["photo"]) as photo_file:
            photo = photo_file.convert("RGB")
        hints = None
        if self.transform is not None:
            sketch, photo, *extra = self.transform(sketch, photo)
            hints = extra[0] if extra else None
        sketch_tensor = torch.from_numpy(np.asarray(sketch, dtype=np.float32) / 255.0)[None]
        if hints is not None:  # colour-hint channels after the sketch: 5 x H x W
            sketch_tensor = torch.cat([sketch_tensor, torch.from_numpy(hints)])
        photo_array = np.asarray(photo, dtype=np.float32) / 127.5 - 1.0
        photo_tensor = torch.from_numpy(photo_array).permute(2, 0, 1).contiguous()
        return {"sketch": sketch_tensor, "photo": photo_tensor, "id": pair["id"]}
