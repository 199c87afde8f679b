"""Pictures are served in bf16 only on a CPU that computes it natively, and look the same."""
import numpy as np
import pytest
import torch

from inference import precision
from inference.networks import build_generator, init_weights
from inference.precision import serving_dtype
from inference.registry import as_served_input, prepare_for_inference

CPU = torch.device("cpu")


def test_the_served_dtype_follows_the_chip_and_the_setting(monkeypatch):
    monkeypatch.delenv("SERVE_PRECISION", raising=False)
    monkeypatch.setattr(precision, "cpu_computes_bf16", lambda: True)
    assert serving_dtype(CPU) == torch.bfloat16
    monkeypatch.setenv("SERVE_PRECISION", "fp32")
    assert serving_dtype(CPU) == torch.float32
    monkeypatch.setattr(precision, "cpu_computes_bf16", lambda: False)  # emulated: slower
    monkeypatch.delenv("SERVE_PRECISION")
    assert serving_dtype(CPU) == torch.float32
    assert serving_dtype(torch.device("cuda")) == torch.float16


def picture(module: torch.nn.Module, sketch: torch.Tensor) -> np.ndarray:
    with torch.inference_mode():
        output = prepare_for_inference(module, CPU)(as_served_input(sketch, CPU))
    return ((output.float() + 1) * 127.5).round().clamp(0, 255).byte().numpy().astype(int)


def test_a_bf16_picture_is_within_a_few_levels_of_the_fp32_one(monkeypatch):
    if not precision.cpu_computes_bf16():
        pytest.skip("this CPU has no native bf16: pictures are served in fp32 here")
    torch.manual_seed(0)
    generator = init_weights(build_generator("resnet", ngf=16, n_blocks=2)).eval()
    sketch = (torch.rand(1, 1, 64, 64) > 0.9).float()
    monkeypatch.setenv("SERVE_PRECISION", "fp32")
    fp32 = picture(generator, sketch)
    monkeypatch.delenv("SERVE_PRECISION")
    bf16 = picture(generator, sketch)
    difference = np.abs(bf16 - fp32)
    assert difference.max() <= 4 and difference.mean() < 1.0
    assert difference.max() > 0  # it did compute in bf16
