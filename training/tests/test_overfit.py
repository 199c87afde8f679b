"""The whole training loop learns: one pair, a small generator, L1 falls by half or more on CPU."""
import json

import pytest

from training.trainer import Trainer

from .tiny_runs import tiny_config, write_tiny_dataset

STEPS = 120


pytestmark = pytest.mark.usefixtures("on_one_torch_thread")


def test_trainer_overfits_one_pair_and_l1_falls_by_at_least_half(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=1, val=0, size=64)
    config = tiny_config(str(dataset), architecture=None, generator="small", generator_args={},
                         steps=STEPS, batch_size=1, image_size=64, ndf=16, n_layers=2,
                         sample_every=STEPS)
    result = Trainer(config, runs_dir=tmp_path / "runs", export=False).train()

    records = [json.loads(line) for line in (result.run_dir / "losses.jsonl").open()]
    assert [record["step"] for record in records] == list(range(1, STEPS + 1))
    first = sum(record["l1"] for record in records[:5]) / 5
    last = sum(record["l1"] for record in records[-5:]) / 5
    assert last <= 0.5 * first, (first, last)
    # Measured independently on the finished generator (no held-out pairs: the training pair).
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert metrics["split"] == "train"
    assert metrics["val"]["l1"] <= 0.5 * first
    assert (result.run_dir / "samples" / f"step_{STEPS:05d}.png").is_file()
    assert (result.run_dir / "loss_curve.png").stat().st_size > 1000
