"""The trainer's fast step (one D pass over the real and fake pairs, no D gradients in G's step,
batches loaded ahead on a thread) is the textbook step: the same losses, step after step, as the
plain fp32 eager loop from the same weights."""
import copy

import pytest
import torch

from training.trainer import Trainer, loop
from training.trainer.data import prefetched
from training.trainer.loop import autocast_dtype_for, training_memory_format
from training.trainer.reference import plain_step

from .tiny_runs import tiny_config, write_tiny_dataset

STEPS = 3


pytestmark = pytest.mark.usefixtures("on_one_torch_thread")


def test_a_fast_step_gives_the_plain_loops_losses(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    trainer = Trainer(tiny_config(str(dataset), steps=10, batch_size=2, precision="fp32"),
                      runs_dir=tmp_path / "r", export=False)
    assert trainer.discriminator.judges_pairs_alone  # the one-pass path is the one checked
    contiguous = torch.contiguous_format
    step = plain_step(trainer.config,
                      copy.deepcopy(trainer.generator).to(memory_format=contiguous),
                      copy.deepcopy(trainer.discriminator).to(memory_format=contiguous))
    items = [trainer.train_pairs[index] for index in range(2)]
    batch = {name: torch.stack([item[name] for item in items]) for name in ("sketch", "photo")}

    for _ in range(STEPS):
        expected = step(batch["sketch"].clone(), batch["photo"].clone())
        losses = trainer.train_step(batch)
        for name, value in expected.items():
            assert losses[name] == pytest.approx(value, rel=1e-3, abs=1e-6), name


def test_batches_loaded_ahead_arrive_in_order_and_the_loader_stops_with_the_loop():
    produced = []

    def batches():
        for index in range(100):
            produced.append(index)
            yield index

    loaded = prefetched(batches(), depth=2)
    assert [next(loaded) for _ in range(5)] == [0, 1, 2, 3, 4]
    loaded.close()  # what a loop that returns early does to it
    assert len(produced) <= 5 + 2 + 1


def test_a_loading_error_reaches_the_training_loop():
    def broken():
        yield 1
        raise OSError("photo vanished")

    with pytest.raises(OSError, match="photo vanished"):
        list(prefetched(broken()))


def test_channels_last_on_cuda_only():
    # cuDNN's tensor cores want channels_last; oneDNN's CPU training step measured slower in it.
    assert training_memory_format(torch.device("cuda")) == torch.channels_last
    assert training_memory_format(torch.device("cpu")) == torch.contiguous_format


def test_the_cpu_computes_in_bf16_only_where_the_chip_does_it_natively(monkeypatch):
    cpu = torch.device("cpu")
    monkeypatch.setattr(loop, "cpu_computes_bf16", lambda: True)
    assert autocast_dtype_for(cpu, "auto") == torch.bfloat16
    assert autocast_dtype_for(cpu, "fp32") is None
    monkeypatch.setattr(loop, "cpu_computes_bf16", lambda: False)  # oneDNN would emulate it
    assert autocast_dtype_for(cpu, "auto") is None
    assert autocast_dtype_for(cpu, "bf16") == torch.bfloat16  # asked for: emulated, but honoured


def test_a_bf16_step_follows_the_fp32_step_closely(tmp_path):
    """bf16 autocast changes the arithmetic, not the algorithm: from the same weights its losses
    stay within bf16's rounding of the fp32 step's."""
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    items = None
    losses = {}
    for precision in ("fp32", "bf16"):
        trainer = Trainer(tiny_config(str(dataset), steps=10, batch_size=2, precision=precision),
                          runs_dir=tmp_path / precision, export=False)
        assert trainer.autocast_dtype == (torch.bfloat16 if precision == "bf16" else None)
        items = items or [trainer.train_pairs[index] for index in range(2)]
        batch = {name: torch.stack([item[name] for item in items]) for name in ("sketch", "photo")}
        losses[precision] = [trainer.train_step(batch) for _ in range(STEPS)]
    for fp32, bf16 in zip(losses["fp32"], losses["bf16"], strict=True):
        for name in ("d", "g_gan", "l1"):
            assert bf16[name] == pytest.approx(fp32[name], rel=0.05), name
        assert bf16 != fp32  # it did compute in bf16
