"""ReLU by the sign bit gives nn.ReLU's bfloat16 results, in place or not."""
import copy

import pytest
import torch
from torch import nn

from inference.networks import build_generator
from inference.sign_bit_relu import SignBitReLU, serve_relus_by_sign_bit

SPECIAL = [0.0, -0.0, float("inf"), float("-inf"), 1e-40, -1e-40, 3.0e38, -3.0e38]


@pytest.mark.parametrize("inplace", [True, False])
@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
def test_bfloat16_results_equal_relu(inplace, memory_format):
    torch.manual_seed(0)
    values = torch.randn(2, 5, 6, 7)
    values.view(-1)[:len(SPECIAL)] = torch.tensor(SPECIAL)
    batch = values.to(torch.bfloat16).contiguous(memory_format=memory_format)
    expected = torch.relu(batch)
    given = batch.clone()

    result = SignBitReLU(inplace=inplace)(given)

    assert torch.equal(result, expected)
    assert (result.view(torch.int16) >= 0).all()  # no sign bit left: -0.0 became +0.0
    kept = expected.view(torch.int16) != torch.iinfo(torch.int16).min  # -0.0 reads as -32768
    assert torch.equal(result.view(torch.int16)[kept], expected.view(torch.int16)[kept])
    assert (result is given) == inplace
    if not inplace:
        assert torch.equal(given, batch)


def test_other_dtypes_and_gradients_take_plain_relu():
    batch = torch.tensor([-1.0, 2.0], requires_grad=True)
    SignBitReLU()(batch).sum().backward()
    assert batch.grad.tolist() == [0.0, 1.0]
    assert SignBitReLU()(torch.tensor([-1, 3])).tolist() == [0, 3]


def test_a_bfloat16_generator_draws_the_same_picture_with_its_relus_swapped():
    torch.manual_seed(0)
    generator = build_generator("resnet", ngf=8, n_blocks=2).eval().to(torch.bfloat16)
    served = serve_relus_by_sign_bit(copy.deepcopy(generator))
    assert sum(type(layer) is SignBitReLU for layer in served.modules()) == 7
    assert not any(type(layer) is nn.ReLU for layer in served.modules())
    batch = torch.rand(1, 1, 32, 32).to(torch.bfloat16)
    with torch.inference_mode():
        assert torch.equal(served(batch), generator(batch))
