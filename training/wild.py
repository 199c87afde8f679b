"""The wild-drawings suite: a model scored on its world's pictures drawn three ways from unseen
seeds (clean as the world draws them, doodled, plain), on L1 against the truth and the
mean-picture baseline, colour mud and ghost, with a drawing | picture | truth sheet per part.
A model that takes colour hints is also scored on the clean drawings coloured in with hints
sampled from the truth ("hinted"): the same figures and the colour error (Delta E) there."""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from inference.rasterize import SKETCH_CHANNELS, model_input, rasterize, rasterize_hints
from inference.registry import PICTURE_SIZE, input_channels
from training.edges.bridge import bridge_sketch, line_statistics
from training.evaluate import load_generator, run_model
from training.hints import sample_hints
from training.metrics import colour_error, colour_mud, ghost, l1, to_uint8
from training.sheets import contact_sheet, tensor_picture
from training.worlds import WORLDS, paint
from training.worlds.doodles import DRAWINGS, drawing

WILD_SEED_START = 700_000  # far from every seed range a starter dataset was painted from
DEFAULT_WILD_COUNT = 24  # drawings per part and category
MAX_WILD_COUNT = 1000
MEAN_PICTURE_SEEDS = 64  # the baseline: the mean of the world's first (training) pictures
SHEET_ROWS = 6
HINTED = "hinted"
HINT_SALT = 211  # keeps the suite's hint sampling apart from its drawings' randomness


@dataclass
class WildCase:
    """One drawing of the suite: how it was drawn, its seed, strokes and the truth picture."""

    kind: str
    seed: int
    strokes: list[dict]
    truth: np.ndarray  # H x W x 3 uint8
    subject: np.ndarray  # H x W bool


def _at_size(picture: Image.Image, subject: np.ndarray, size: int):
    if size == picture.width:
        return np.asarray(picture), subject
    small = picture.resize((size, size), Image.BICUBIC)
    mask = Image.fromarray(subject).resize((size, size), Image.NEAREST)
    return np.asarray(small), np.asarray(mask, dtype=bool)


def wild_cases(category: str, count: int = DEFAULT_WILD_COUNT, seed_start: int = WILD_SEED_START,
               size: int = PICTURE_SIZE) -> dict[str, list[WildCase]]:
    """For each kind of drawing (DRAWINGS), `count` cases from seeds seed_start onwards."""
    if category not in WORLDS:
        raise ValueError(f"no world for category {category!r}; expected one of "
                         f"{', '.join(WORLDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_WILD_COUNT:
        raise ValueError(f"count must be an integer from 1 to {MAX_WILD_COUNT}, got {count!r}")
    cases: dict[str, list[WildCase]] = {kind: [] for kind in DRAWINGS}
    for seed in range(seed_start, seed_start + count):
        sample = paint(category, seed)
        truth, subject = _at_size(sample.picture, sample.subject, size)
        for kind in DRAWINGS:
            cases[kind].append(WildCase(kind, seed, drawing(sample, kind, seed), truth, subject))
    return cases


@lru_cache(maxsize=16)
def world_mean_picture(category: str, size: int = PICTURE_SIZE,
                       seeds: int = MEAN_PICTURE_SEEDS) -> np.ndarray:
    """The mean of the world's pictures for seeds 0 .. seeds-1 (H x W x 3 float, 0-255)."""
    total = np.zeros((size, size, 3), np.float64)
    for seed in range(seeds):
        sample = paint(category, seed)
        total += _at_size(sample.picture, sample.subject, size)[0]
    return total / seeds


def _ratio(value: float | None, reference: float | None) -> float | None:
    return value / reference if value is not None and reference else None


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def score_pictures(pictures: list[np.ndarray], cases: list[WildCase],
                   mean_picture: np.ndarray) -> dict:
    """The suite's figures for one part: L1, baseline, colour mud and ghost, each with the
    truth's own value and the ratio model / truth (means over the drawings)."""
    sums: dict[str, list[float]] = {name: [] for name in (
        "l1", "baseline_l1", "mud", "mud_truth", "saturation", "saturation_truth", "contrast",
        "contrast_truth")}
    for picture, case in zip(pictures, cases, strict=True):
        sums["l1"].append(l1(picture, case.truth))
        sums["baseline_l1"].append(l1(mean_picture, case.truth))
        mud = colour_mud(picture, case.truth)
        if mud is not None:
            sums["mud"].append(mud["mud"])
            sums["mud_truth"].append(mud["truth"])
        faded = ghost(picture, case.truth, case.subject)
        if faded is not None:
            for name, value in faded.items():
                sums[name].append(value)
    figures = {name: _mean(values) for name, values in sums.items()}
    figures["drawings"] = len(cases)
    figures["l1_ratio"] = _ratio(figures["l1"], figures["baseline_l1"])
    for name in ("mud", "saturation", "contrast"):
        figures[f"{name}_ratio"] = _ratio(figures[name], figures[f"{name}_truth"])
    return figures


def drawing_input(strokes: list[dict], size: int, channels: int = SKETCH_CHANNELS,
                  ) -> torch.Tensor:
    """The model input for a drawing as served: the sketch channel (1 x H x W in [0, 1]), and
    the colour-hint channels of its coloured strokes for a model that takes them."""
    hints = rasterize_hints(strokes, size) if channels != SKETCH_CHANNELS else None
    return model_input(rasterize(strokes, size), hints, channels)[0]


def hinted_cases(cases: list[WildCase]) -> tuple[list[WildCase], list[np.ndarray]]:
    """The clean drawings coloured in with hints sampled from each truth, and the truth
    regions each drawing's hints colour."""
    coloured, regions = [], []
    for case in cases:
        hints = sample_hints(case.truth, np.random.default_rng([case.seed, HINT_SALT]),
                             always=True)
        coloured.append(WildCase(HINTED, case.seed, case.strokes + hints.strokes, case.truth,
                                 case.subject))
        regions.append(hints.region)
    return coloured, regions


def evaluate_wild(model_path: Path, *, count: int = DEFAULT_WILD_COUNT,
                  seed_start: int = WILD_SEED_START, size: int = PICTURE_SIZE,
                  device: str = "cpu", sheets_dir: Path | None = None,
                  rows: int = SHEET_ROWS) -> dict:
    """Score the model on its category's wild drawings; with sheets_dir, write
    <category>-<part>.png there (drawing | picture | truth, `rows` rows)."""
    module, card = load_generator(model_path, device)
    category = card.get("category")
    channels = input_channels(card)
    cases = wild_cases(category, count, seed_start, size)
    regions = None
    if channels != SKETCH_CHANNELS:
        cases[HINTED], regions = hinted_cases(cases["clean"])
    mean_picture = world_mean_picture(category, size)
    report = {"model": str(model_path), "category": category, "version": card.get("version"),
              "suite": "wild", "seeds": [seed_start, seed_start + count],
              "mean_picture_seeds": MEAN_PICTURE_SEEDS, "parts": {}}
    for kind, part in cases.items():
        inputs = [drawing_input(case.strokes, size, channels) for case in part]
        outputs = run_model(module, inputs)
        pictures = [to_uint8(output) for output in outputs]
        figures = score_pictures(pictures, part, mean_picture)
        if kind == HINTED:
            errors = [colour_error(picture, case.truth, region) for picture, case, region
                      in zip(pictures, part, regions, strict=True)]
            figures["delta_e"] = _mean([error for error in errors if error is not None])
        if sheets_dir is not None:
            sheet_rows = [[tensor_picture(sketch), tensor_picture(output), Image.fromarray(c.truth)]
                          for sketch, output, c in list(zip(inputs, outputs, part,
                                                            strict=True))[:rows]]
            path = Path(sheets_dir) / f"{category}-{kind}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            contact_sheet(sheet_rows).save(path)
            figures["sheet"] = str(path)
        report["parts"][kind] = figures
    return report


SKETCH_KINDS = ("child", "edges", "bridged")


def sketch_statistics(category: str, detector, count: int = 8,
                      seed_start: int = WILD_SEED_START) -> dict:
    """Ink share and line pieces of the world's child drawings, of the edge detector's sketches
    of the same pictures (as if they were photos) and of those sketches through the bridge:
    {kind: {"ink": [min, mean, max], "fragments": [min, mean, max], "sketches": n}}."""
    found: dict[str, list[dict]] = {kind: [] for kind in SKETCH_KINDS}
    for seed in range(seed_start, seed_start + count):
        sample = paint(category, seed)
        edges = detector.sketch(sample.picture)
        bridged = bridge_sketch(edges, np.random.default_rng(seed))
        for kind, sketch in zip(SKETCH_KINDS, (rasterize(sample.strokes), edges, bridged),
                                strict=True):
            if sketch is not None:
                found[kind].append(line_statistics(sketch))
    return {kind: {"sketches": len(rows), **{
        name: [float(np.min(values)), float(np.mean(values)), float(np.max(values))]
        for name in ("ink", "fragments") for values in [[row[name] for row in rows]]}}
        if rows else {"sketches": 0} for kind, rows in found.items()}


def sketch_table(statistics: dict[str, dict], method: str) -> str:
    """Ink % and fragments (min / mean / max) per category and kind of sketch."""
    names = {"child": "child drawing", "edges": f"{method} sketch", "bridged": f"{method} bridged"}
    lines = [f"{'category':<11} {'sketch':<16} {'ink %':>18} {'fragments':>16}"]
    for category, kinds in statistics.items():
        for kind, row in kinds.items():
            if not row["sketches"]:
                lines.append(f"{category:<11} {names[kind]:<16} {'(none left)':>18}")
                continue
            ink = "/".join(f"{100 * value:.1f}" for value in row["ink"])
            pieces = "/".join(f"{value:.0f}" for value in row["fragments"])
            lines.append(f"{category:<11} {names[kind]:<16} {ink:>18} {pieces:>16}")
    return "\n".join(lines)


TABLE_COLUMNS = (("l1_ratio", "L1/mean"), ("mud_ratio", "mud/truth"),
                 ("saturation_ratio", "sat/truth"), ("contrast_ratio", "contrast/truth"),
                 ("delta_e", "hint dE"))


def wild_table(reports: list[dict]) -> str:
    """One line per model and part: the ratios the targets are set on."""
    header = f"{'category':<11} {'version':<10} {'part':<8}" + "".join(
        f" {title:>14}" for _, title in TABLE_COLUMNS)
    lines = [header]
    for report in reports:
        for kind, figures in report["parts"].items():
            cells = "".join(f" {_cell(figures.get(name)):>14}" for name, _ in TABLE_COLUMNS)
            lines.append(f"{report['category']:<11} {str(report['version']):<10} {kind:<8}{cells}")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
