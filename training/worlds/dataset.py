"""Write a category world to disk as a paired sketch/picture dataset the trainer reads."""
import hashlib
import json
from pathlib import Path

from django.conf import settings
from tqdm import tqdm

from inference.rasterize import rasterize
from training.datasets import DEFAULT_VAL_FRACTION, DatasetWriter
from training.worlds import WORLDS, paint
from training.worlds.doodles import TRAINING_MIX, training_drawing

EDGE_METHOD = "world-strokes"
MAX_COUNT = 1_000_000
MAX_DRAWINGS_PER_PICTURE = 8


def make_world_dataset(category: str, count: int, name: str, seed_start: int = 0, *,
                       val_fraction: float = DEFAULT_VAL_FRACTION, overwrite: bool = False,
                       root: Path | None = None, progress: bool = False, robust: bool = False,
                       drawings_per_picture: int = 1,
                       views: tuple[str, ...] | None = None) -> Path:
    """Paint seeds seed_start .. seed_start + count - 1 of the category's world into dataset
    `name` under `root` (default settings.TRAINING_DATA_DIR); returns the dataset folder.

    The last round(count * val_fraction) seeds are held out for validation, so the split is a
    plain seed range. Each pair's strokes are kept as strokes/<id>.json for replaying.
    `robust` draws each training picture `drawings_per_picture` times the ways children draw
    (doodled, plain, another hand: doodles.TRAINING_MIX), each its own pair with the same
    picture; held-out pictures keep the world's own drawing, so validation stays comparable.
    `views` paints only those of the world's views (None: all it has, see worlds.VIEWS).
    """
    if isinstance(drawings_per_picture, bool) or not isinstance(drawings_per_picture, int) \
            or not 1 <= drawings_per_picture <= MAX_DRAWINGS_PER_PICTURE:
        raise ValueError(f"drawings per picture must be an integer from 1 to "
                         f"{MAX_DRAWINGS_PER_PICTURE}, got {drawings_per_picture!r}")
    if drawings_per_picture > 1 and not robust:
        raise ValueError("more than one drawing per picture needs robust drawings")
    if category not in WORLDS:
        raise ValueError(f"no world for category {category!r}; expected one of "
                         f"{', '.join(WORLDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be an integer from 1 to {MAX_COUNT}, got {count!r}")
    if isinstance(seed_start, bool) or not isinstance(seed_start, int) or seed_start < 0:
        raise ValueError(f"seed_start must be a non-negative integer, got {seed_start!r}")
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    if views is not None:
        views = tuple(views)
        paint(category, seed_start, views)  # a view the world lacks fails before any writing
    held_out = round(count * val_fraction)
    first_val = seed_start + count - held_out
    seeds = {"seed_start": seed_start, "seed_stop": seed_start + count,
             "train_seeds": [seed_start, first_val], "val_seeds": [first_val, seed_start + count]}
    options = {**seeds, "val_fraction": val_fraction, "strokes": "strokes/<id>.json"}
    if robust:
        options |= {"drawings": "robust", "drawings_per_picture": drawings_per_picture,
                    "mix": TRAINING_MIX}
    if views is not None:
        options["views"] = list(views)
    writer = DatasetWriter(Path(root or settings.TRAINING_DATA_DIR), name, category, EDGE_METHOD,
                           f"world:{category}", options, val_fraction=val_fraction,
                           overwrite=overwrite)
    with writer:
        strokes_dir = writer.work_dir / "strokes"
        strokes_dir.mkdir()
        for seed in tqdm(range(seed_start, seed_start + count), desc=f"{category} world",
                         unit="pair", disable=not progress):
            sample = paint(category, seed, views)
            split = "val" if seed >= first_val else "train"
            drawings = [("clean", sample.strokes)]
            if robust and split == "train":
                drawings = [training_drawing(sample, seed, index)
                            for index in range(drawings_per_picture)]
            for index, (kind, drawing) in enumerate(drawings):
                pair_id = f"{category}-{seed}" + (f"-{index}" if index else "")
                strokes = json.dumps(drawing, separators=(",", ":"))
                (strokes_dir / f"{pair_id}.json").write_text(strokes, encoding="utf-8")
                digest = hashlib.sha256(sample.picture.tobytes() + strokes.encode()).hexdigest()
                source = f"seed {seed}" + ("" if kind == "clean" and not robust else f" {kind}")
                writer.add(pair_id, rasterize(drawing), sample.picture, source=source,
                           sha256=digest, split=split)
        return writer.close()
