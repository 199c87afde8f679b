"""Build a paired training dataset from photos: the one function the command and admin share."""
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from tqdm import tqdm

from inference.categories import CATEGORIES
from inference.rasterize import SKETCH_STROKE_SIZE
from training.datasets import DEFAULT_VAL_FRACTION, DatasetWriter
from training.edges import EDGE_METHODS, edge_detector
from training.edges.bridge import EMPTY_REASON, bridge_sketch
from training.edges.postprocess import (
    EDGE_THRESHOLD,
    MIN_COMPONENT_PIXELS,
    restroke_line_drawing,
)
from training.sources import PHOTO_SIZE, PhotoSource, SkippedFile, SourceError, SourceItem

# Photos per HED forward pass.
EDGE_BATCH_SIZE = 4
# Edge method recorded when the sketches come from the A half of aligned pairs.
ALIGNED_EDGE_METHOD = "aligned"


class BuildError(ValueError):
    """The dataset cannot be built (unknown category, no usable photo)."""

    def __init__(self, message: str, skipped: list[SkippedFile] | None = None):
        super().__init__(message)
        self.skipped = skipped or []


@dataclass
class BuildResult:
    dataset_dir: Path
    name: str
    category: str
    edge_method: str
    aligned: bool
    train_pairs: int
    val_pairs: int
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        return self.train_pairs + self.val_pairs


def build_dataset(category: str, source: Path | str, name: str, edges: str = "auto",
                  aligned: bool | None = None, val_fraction: float = DEFAULT_VAL_FRACTION,
                  overwrite: bool = False, data_dir: Path | None = None,
                  hed_cache: Path | None = None, progress: bool = True,
                  on_progress: Callable[[int, int], None] | None = None,
                  bridge: bool = True) -> BuildResult:
    """Read `source`, make a 256x256 sketch for every usable photo and write dataset `name`.

    edges: "auto" | "hed" | "canny". Aligned A|B pairs (aligned=True, or detected when None) keep
    their own A sketch, redrawn at the canvas pen width, unless edges names a method explicitly.
    on_progress(files_done, files_total) is called as the source's files are dealt with.
    `bridge` redraws HED and Canny sketches as a child would (training.edges.bridge); a photo
    the bridge leaves nothing of (blank, noise) is skipped with the reason in the manifest.
    Raises SourceError (unusable source), BuildError, DatasetExists, HedWeightsUnavailable.
    """
    if category not in CATEGORIES:
        raise BuildError(f"unknown category {category!r}; choose one of {', '.join(CATEGORIES)}")
    if edges not in EDGE_METHODS:
        raise BuildError(f"unknown edge method {edges!r}; choose one of {', '.join(EDGE_METHODS)}")
    photos = PhotoSource(source, aligned=aligned)
    if on_progress is not None:
        on_progress(0, len(photos))  # before the edge detector loads, which takes a while
    use_source_sketches = photos.aligned and edges == "auto"
    detector = None if use_source_sketches else edge_detector(edges, hed_cache=hed_cache)
    edge_method = ALIGNED_EDGE_METHOD if detector is None else detector.method
    root = Path(data_dir) if data_dir is not None else Path(settings.TRAINING_DATA_DIR)
    build_settings = {
        "edges_requested": edges, "aligned": photos.aligned, "image_size": PHOTO_SIZE,
        "val_fraction": val_fraction, "edge_threshold": EDGE_THRESHOLD,
        "min_component_pixels": MIN_COMPONENT_PIXELS, "stroke_size": SKETCH_STROKE_SIZE,
        "bridge": bridge and detector is not None,
    }
    with DatasetWriter(root, name, category, edge_method, str(source), build_settings,
                       val_fraction=val_fraction, overwrite=overwrite) as writer:
        first_name_of_hash: dict[str, str] = {}
        duplicates: list[SkippedFile] = []
        emptied: list[SkippedFile] = []
        batch: list[SourceItem] = []

        def write(items: list[SourceItem]) -> None:
            if detector is None:
                sketches = [restroke_line_drawing(item.sketch) for item in items]
            else:
                sketches = detector.sketches([item.photo for item in items])
            for item, sketch in zip(items, sketches, strict=True):
                if build_settings["bridge"]:
                    # seeded by the photo, so a rebuild draws every photo the same way
                    sketch = bridge_sketch(sketch, np.random.default_rng(int(item.sha256[:16], 16)))
                    if sketch is None:
                        emptied.append(SkippedFile(item.name, EMPTY_REASON))
                        continue
                writer.add(item.sha256[:16], sketch, item.photo, item.name, item.sha256)

        def report() -> None:
            """Files dealt with so far; a waiting batch counts once its sketches are written."""
            if on_progress is not None:
                on_progress(photos.files_done - len(batch), len(photos))

        with tqdm(total=len(photos), desc=f"building {name}", unit="photo",
                  disable=not progress) as bar:
            for item in photos:
                if item.sha256 in first_name_of_hash:
                    reason = f"duplicate of {first_name_of_hash[item.sha256]}"
                    duplicates.append(SkippedFile(item.name, reason))
                else:
                    first_name_of_hash[item.sha256] = item.name
                    batch.append(item)
                if len(batch) == EDGE_BATCH_SIZE:
                    write(batch)
                    batch = []
                bar.update(photos.files_done - bar.n)
                report()
            write(batch)
            batch = []
            bar.update(photos.files_done - bar.n)
            report()

        skipped = photos.skipped + duplicates + emptied
        for entry in skipped:
            writer.skip(entry.file, entry.reason)
        if len(writer) == 0:
            raise BuildError(f"no usable photo in {source}; nothing was written", skipped)
        dataset_dir = writer.close()
        splits = [pair["split"] for pair in writer.manifest["pairs"]]
    return BuildResult(
        dataset_dir=dataset_dir, name=name, category=category, edge_method=edge_method,
        aligned=photos.aligned, train_pairs=splits.count("train"), val_pairs=splits.count("val"),
        skipped=skipped,
    )


__all__ = ["BuildError", "BuildResult", "SourceError", "build_dataset"]
