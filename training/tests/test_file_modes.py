"""Every file the trainer, registry, dataset builder and HED cache write gets open()'s permissions
(0o666 less the umask) and every folder mkdir's (0o777 less the umask): workers running as
another user must be able to read the models, datasets and runs."""
import os
import stat

import pytest
from PIL import Image

from inference.registry import set_active_version
from training.build import build_dataset
from training.edges.hed_weights import convert_h5_to_safetensors
from training.trainer import Trainer
from training.worlds.dataset import make_world_dataset

from .test_hed import write_keras_h5
from .tiny_runs import one_torch_thread, shape_pair, tiny_config, write_tiny_dataset

UMASK = 0o027  # neither the owner-only modes of mkstemp/mkdtemp nor a fixed 0o644/0o755
FILE_MODE, FOLDER_MODE = 0o666 & ~UMASK, 0o777 & ~UMASK


@pytest.fixture
def umask():
    previous = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(previous)


def modes_under(root) -> dict[str, str]:
    """Every path under root (relative) with its permission bits in octal."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = oct(stat.S_IMODE(os.lstat(path).st_mode))
    return found


def test_every_artefact_gets_the_default_permissions(tmp_path, settings, umask):
    settings.TRAINING_DATA_DIR = tmp_path / "datasets"
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    settings.MODELS_DIR = tmp_path / "models"
    photos = tmp_path / "sources" / "photos"
    photos.mkdir(parents=True)
    for index in range(3):
        shape_pair(index, 96)[1].save(photos / f"photo-{index}.png")
    Image.new("RGB", (96, 96), "white").save(photos / "blank.png")  # skipped, reason recorded

    build_dataset("panda", photos, "built", edges="canny", progress=False)
    make_world_dataset("panda", 2, "world", val_fraction=0.5)
    dataset = write_tiny_dataset(settings.TRAINING_DATA_DIR, name="tiny")
    with one_torch_thread():
        result = Trainer(tiny_config(str(dataset), steps=2, sample_every=1,
                                     checkpoint_every=1)).train()
    set_active_version(settings.MODELS_DIR, "panda", result.model_path.stem)
    h5_path = tmp_path / "hed.weights.h5"
    write_keras_h5(h5_path)
    convert_h5_to_safetensors(h5_path, tmp_path / "hed" / "hed.safetensors")

    written = {}
    for root in ("datasets", "runs", "models", "hed"):
        written.update({f"{root}/{path}": mode
                        for path, mode in modes_under(tmp_path / root).items()})
    kinds = {os.path.splitext(path)[1] for path in written}
    assert {".safetensors", ".json", ".jsonl", ".png", ""} <= kinds  # models, runs, folders
    assert "models/panda/ACTIVE" in written
    assert any(path.startswith("runs/") and "checkpoint/step_" in path for path in written)
    wrong = {path: mode for path, mode in written.items()
             if mode != oct(FOLDER_MODE if (tmp_path / path).is_dir() else FILE_MODE)}
    assert wrong == {}
