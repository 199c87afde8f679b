"""The trainer's options for children's drawings: doodles, retracing, plain outlines, the
HED-to-child bridge for edge datasets, and colour hints (a five-channel generator)."""
import dataclasses

import numpy as np
import pytest
from PIL import Image

from inference.registry import Registry, read_card, set_active_version
from training.trainer import TrainConfig, Trainer

from .tiny_runs import tiny_config, write_tiny_dataset

pytestmark = pytest.mark.usefixtures("on_one_torch_thread")


def test_child_augmentations_are_on_by_default_and_hints_are_an_option():
    config = TrainConfig(category="panda", dataset="x", generator="small")
    assert config.doodles and config.retrace and config.plain_outlines and config.bridge
    assert not config.hints and "in_channels" not in config.generator_spec()[1]
    hinted = dataclasses.replace(config, hints=True)
    assert hinted.generator_spec() == ("resnet", {"ngf": 16, "n_blocks": 6, "in_channels": 5})
    assert "--hints" in hinted.command() and "--hints" not in config.command()
    assert "--no-doodles" in dataclasses.replace(config, doodles=False).command()
    with pytest.raises(ValueError, match="in_channels"):
        TrainConfig(category="panda", dataset="x", generator_args={"in_channels": 3})


def test_a_run_saved_before_these_options_resumes_without_them():
    saved = TrainConfig(category="panda", dataset="x").to_dict()
    for name in ("doodles", "retrace", "plain_outlines", "bridge", "hints"):
        del saved[name]
    old = TrainConfig.from_dict(saved)
    assert not (old.doodles or old.retrace or old.plain_outlines or old.bridge or old.hints)


def test_a_cpu_run_saved_before_precision_resumes_in_fp32_as_it_ran(monkeypatch):
    saved = TrainConfig(category="panda", dataset="x").to_dict()
    del saved["precision"]
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    assert TrainConfig.from_dict(saved).precision == "fp32"
    assert TrainConfig.from_dict({**saved, "device": "cpu"}).precision == "fp32"
    monkeypatch.setattr("torch.cuda.is_available", lambda: True)  # it ran under CUDA's autocast
    assert TrainConfig.from_dict(saved).precision == "auto"
    assert TrainConfig.from_dict({**saved, "precision": "bf16"}).precision == "bf16"


def test_the_bridge_redraws_only_edge_datasets_not_yet_bridged(tmp_path):
    world = write_tiny_dataset(tmp_path, name="drawn", pairs=2, val=1)
    edges = write_tiny_dataset(tmp_path, name="edges", pairs=2, val=1, edge_method="canny")
    assert not Trainer(tiny_config(str(world)), runs_dir=tmp_path / "runs",
                       models_dir=tmp_path / "models").augment.bridge
    assert Trainer(tiny_config(str(edges)), runs_dir=tmp_path / "runs",
                   models_dir=tmp_path / "models").augment.bridge
    assert not Trainer(tiny_config(str(edges), bridge=False), runs_dir=tmp_path / "runs",
                       models_dir=tmp_path / "models").augment.bridge


def test_a_hint_run_exports_a_five_channel_model_the_registry_serves(tmp_path):
    dataset = write_tiny_dataset(tmp_path, pairs=3, val=1)
    trainer = Trainer(tiny_config(str(dataset), hints=True, steps=3, version="hints-1"),
                      runs_dir=tmp_path / "runs", models_dir=tmp_path / "models")
    assert trainer.generator_in_channels == 5
    item = trainer.train_pairs[0]
    assert item["sketch"].shape == (5, 32, 32)
    result = trainer.train()
    card = read_card(result.model_path)
    assert card["input"] == "sketch+hints" and card["arguments"]["in_channels"] == 5
    assert "--hints" in card["training"]["command"]
    set_active_version(tmp_path / "models", "panda", "hints-1")
    registry = Registry(tmp_path / "models", device="cpu")
    blank = Image.new("L", (256, 256), 255)
    hints = np.zeros((4, 256, 256), np.float32)
    hints[:3, 100:140, 100:140] = np.array([0.9, 0.2, 0.2])[:, None, None]
    hints[3, 100:140, 100:140] = 1
    assert registry.generate("panda", blank, hints).image.size == (256, 256)
    assert registry.generate("panda", blank).image.size == (256, 256)
