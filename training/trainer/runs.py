"""A run's folder and names: the files a run writes, its id, its dataset, what train() returns."""
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from inference.files import write_text_atomically
from inference.registry import weights_path

CHECKPOINT_DIR = "checkpoint"
CHECKPOINT_STATE = "state.json"
RUN_FILES = {
    "config": "config.json",
    "losses": "losses.jsonl",
    "loss_curve": "loss_curve.png",
    "samples": "samples",
    "checkpoint": CHECKPOINT_DIR,
    "metrics": "metrics.json",
}


@dataclass
class TrainResult:
    run_dir: Path
    step: int
    total_steps: int
    stopped: bool  # should_stop() ended the run early; it can be resumed
    wall_time_s: float
    metrics: dict | None = None
    model_path: Path | None = None


def new_run_id(category: str, runs_dir: Path, models_dir: Path,
               taken: Callable[[str], bool] = lambda run_id: False) -> str:
    """A run id that is also a fresh model version name: <category>-<UTC time>-<random>, with no
    run folder, no model file and nothing else `taken` knows of (the admin's runs) by that name."""
    while True:
        run_id = f"{category}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        if not ((Path(runs_dir) / run_id).exists()
                or weights_path(models_dir, category, run_id).exists() or taken(run_id)):
            return run_id


def resolve_dataset(dataset: str, data_dir: Path) -> Path:
    """A dataset folder from a name under data_dir, or from a path to the folder itself."""
    candidate = Path(dataset).expanduser()
    if (candidate / "manifest.json").is_file():
        return candidate.resolve()
    named = Path(data_dir) / dataset
    if (named / "manifest.json").is_file():
        return named.resolve()
    raise ValueError(f"no dataset {dataset!r}: neither {named} nor {candidate} holds a "
                     "manifest.json (build one with `manage.py build_dataset`)")


def write_json(path: Path, document) -> None:
    write_text_atomically(path, json.dumps(document, indent=1))
