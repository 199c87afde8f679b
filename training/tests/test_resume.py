"""Checkpoints: a run stopped at step k and resumed ends bit-identical to one never stopped."""
import json

import pytest
import torch

from training.trainer import Trainer

from .tiny_runs import tiny_config, write_tiny_dataset

TOTAL, STOP_AT = 7, 3


pytestmark = pytest.mark.usefixtures("on_one_torch_thread")


def stop_after(steps: int):
    calls = {"n": 0}

    def should_stop() -> bool:
        calls["n"] += 1
        return calls["n"] >= steps

    return should_stop


def losses_without_times(run_dir):
    records = [json.loads(line) for line in (run_dir / "losses.jsonl").open()]
    return [{key: value for key, value in record.items() if key != "time_s"} for record in records]


@pytest.mark.parametrize("gan_mode", ["lsgan", "wgangp"])  # wgangp also draws from the RNG
def test_resumed_run_is_bit_identical_to_an_uninterrupted_one(tmp_path, gan_mode):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=3, val=1, size=40)
    # Sketch augmentation and jitter on: the data order and every random crop must replay too.
    config = tiny_config(str(dataset), steps=TOTAL, gan_mode=gan_mode, jitter=True, mirror=True,
                         stroke_width=True, wobble=True, gaps=True, checkpoint_every=2)

    whole = Trainer(config, runs_dir=tmp_path / "whole", export=False)
    whole_result = whole.train()
    assert whole_result.step == TOTAL and not whole_result.stopped

    first = Trainer(config, runs_dir=tmp_path / "parts", export=False,
                    should_stop=stop_after(STOP_AT))
    stopped = first.train()
    assert stopped.stopped and stopped.step == STOP_AT
    assert stopped.metrics is None and stopped.model_path is None

    torch.manual_seed(12345)  # the resumed run must not depend on the state it starts in
    resumed = Trainer.resume(stopped.run_dir.name, runs_dir=tmp_path / "parts", export=False)
    assert resumed.step == STOP_AT
    finished = resumed.train()
    assert finished.step == TOTAL and not finished.stopped

    for name in ("generator", "discriminator"):
        expected = getattr(whole, name).state_dict()
        actual = getattr(resumed, name).state_dict()
        assert expected.keys() == actual.keys()
        for key in expected:
            assert torch.equal(expected[key], actual[key]), f"{name}.{key} differs"
    for name in ("optimizer_g", "optimizer_d"):
        expected = getattr(whole, name).state_dict()["state"]
        actual = getattr(resumed, name).state_dict()["state"]
        for parameter_id in expected:
            for key, value in expected[parameter_id].items():
                assert torch.equal(value, actual[parameter_id][key])
    assert resumed.optimizer_g.param_groups[0]["lr"] == whole.optimizer_g.param_groups[0]["lr"]
    assert losses_without_times(finished.run_dir) == losses_without_times(whole_result.run_dir)
    assert finished.metrics == whole_result.metrics


def test_checkpoints_hold_no_pickles_only_safetensors_and_json(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    result = Trainer(tiny_config(str(dataset), steps=2), runs_dir=tmp_path / "runs",
                     export=False).train()
    files = sorted(path.name for path in (result.run_dir / "checkpoint").iterdir())
    assert files == ["state.json", "step_000002.safetensors"]
    state = json.loads((result.run_dir / "checkpoint" / "state.json").read_text())
    assert state["step"] == 2 and state["optimizers"]["optimizer_g"]["param_groups"]


def test_resume_after_a_crash_forgets_log_lines_past_the_checkpoint(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    config = tiny_config(str(dataset), steps=4)
    stopped = Trainer(config, runs_dir=tmp_path / "runs", export=False,
                      should_stop=stop_after(2)).train()
    log = stopped.run_dir / "losses.jsonl"
    with log.open("a") as file:  # what a crash after step 3 (before its checkpoint) leaves
        file.write(json.dumps({"step": 3, "d": 0, "g_gan": 0, "l1": 0}) + "\n")
    Trainer.resume(str(stopped.run_dir), export=False).train()
    assert [record["step"] for record in losses_without_times(stopped.run_dir)] == [1, 2, 3, 4]


def test_resume_needs_a_run_with_a_checkpoint(tmp_path):
    with pytest.raises(ValueError, match="no run"):
        Trainer.resume("nope", runs_dir=tmp_path)
