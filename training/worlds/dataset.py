"""Write a category world to disk as a paired sketch/picture dataset the trainer reads."""
import hashlib
import json
from pathlib import Path

from django.conf import settings
from tqdm import tqdm

from training.datasets import DEFAULT_VAL_FRACTION, DatasetWriter
from training.worlds import WORLDS, sketch_of

EDGE_METHOD = "world-strokes"
MAX_COUNT = 1_000_000


def make_world_dataset(category: str, count: int, name: str, seed_start: int = 0, *,
                       val_fraction: float = DEFAULT_VAL_FRACTION, overwrite: bool = False,
                       root: Path | None = None, progress: bool = False) -> Path:
    """Paint seeds seed_start .. seed_start + count - 1 of the category's world into dataset
    `name` under `root` (default settings.TRAINING_DATA_DIR); returns the dataset folder.

    The last round(count * val_fraction) seeds are held out for validation, so the split is a
    plain seed range. Each pair's strokes are kept as strokes/<id>.json for replaying.
    """
    if category not in WORLDS:
        raise ValueError(f"no world for category {category!r}; expected one of "
                         f"{', '.join(WORLDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be an integer from 1 to {MAX_COUNT}, got {count!r}")
    if isinstance(seed_start, bool) or not isinstance(seed_start, int) or seed_start < 0:
        raise ValueError(f"seed_start must be a non-negative integer, got {seed_start!r}")
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    held_out = round(count * val_fraction)
    first_val = seed_start + count - held_out
    seeds = {"seed_start": seed_start, "seed_stop": seed_start + count,
             "train_seeds": [seed_start, first_val], "val_seeds": [first_val, seed_start + count]}
    writer = DatasetWriter(Path(root or settings.TRAINING_DATA_DIR), name, category, EDGE_METHOD,
                           f"world:{category}", {**seeds, "val_fraction": val_fraction,
                                                 "strokes": "strokes/<id>.json"},
                           val_fraction=val_fraction, overwrite=overwrite)
    paint = WORLDS[category]
    with writer:
        strokes_dir = writer.work_dir / "strokes"
        strokes_dir.mkdir()
        for seed in tqdm(range(seed_start, seed_start + count), desc=f"{category} world",
                         unit="pair", disable=not progress):
            sample = paint(seed)
            pair_id = f"{category}-{seed}"
            strokes = json.dumps(sample.strokes, separators=(",", ":"))
            (strokes_dir / f"{pair_id}.json").write_text(strokes, encoding="utf-8")
            digest = hashlib.sha256(sample.picture.tobytes() + strokes.encode()).hexdigest()
            writer.add(pair_id, sketch_of(sample), sample.picture, source=f"seed {seed}",
                       sha256=digest, split="val" if seed >= first_val else "train")
        return writer.close()
