"""Narrow convs served as space-to-depth convs give the plain conv's pictures."""
import copy

import pytest
import torch
from torch import nn

from inference.narrow_conv import (
    SpaceToDepthConv2d,
    depth_to_space,
    is_narrow,
    serve_narrow_convs_space_to_depth,
    space_to_depth,
)
from inference.networks import build_generator
from inference.registry import as_served_input, prepare_for_inference

CPU = torch.device("cpu")


@pytest.mark.parametrize("kernel, in_channels, out_channels, side", [
    (7, 16, 3, 38), (3, 5, 4, 10), (4, 2, 1, 11), (5, 3, 2, 12)])
def test_space_to_depth_conv_equals_the_plain_conv(kernel, in_channels, out_channels, side):
    torch.manual_seed(0)
    plain = nn.Conv2d(in_channels, out_channels, kernel).eval()
    served = copy.deepcopy(plain)
    serve_narrow_convs_space_to_depth(served)
    batch = torch.randn(2, in_channels, side, side)
    assert type(served) is SpaceToDepthConv2d
    with torch.inference_mode():
        assert torch.allclose(served(batch), plain(batch), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
def test_blocks_hold_each_pixel_once_and_join_back(memory_format):
    picture = torch.arange(2 * 3 * 4 * 6.0).view(2, 3, 4, 6).contiguous(memory_format=memory_format)
    blocks = space_to_depth(picture, 2)
    assert blocks.shape == (2, 12, 2, 3)
    assert blocks.is_contiguous(memory_format=torch.channels_last)
    # Block (1, 2) of picture 1: pixel (row 1, column 0) of channel 2 is block channel 1*2*3 + 2.
    assert blocks[1, 2 * 3 + 2, 1, 2] == picture[1, 2, 3, 4]
    assert torch.equal(depth_to_space(blocks, 2), picture)


def test_only_narrow_plain_convs_are_rewritten():
    assert is_narrow(nn.Conv2d(64, 3, 7))
    assert not is_narrow(nn.Conv2d(64, 8, 7))  # 32 channels after the split: no gain
    assert not is_narrow(nn.Conv2d(64, 3, 1))
    assert not is_narrow(nn.Conv2d(64, 3, 3, stride=2))
    assert not is_narrow(nn.Conv2d(64, 3, 3, padding=1))
    assert not is_narrow(nn.ConvTranspose2d(64, 3, 3))


def test_served_generator_keeps_its_state_dict_and_pictures(monkeypatch):
    monkeypatch.setenv("SERVE_PRECISION", "fp32")  # the layout's change alone, not bf16's
    torch.manual_seed(0)
    generator = build_generator("resnet", ngf=8, n_blocks=2).eval()
    reference = copy.deepcopy(generator)
    batch = torch.rand(2, 1, 64, 64)
    served = prepare_for_inference(generator, CPU)
    assert any(isinstance(layer, SpaceToDepthConv2d) for layer in served.modules())
    assert served.state_dict().keys() == reference.state_dict().keys()
    with torch.inference_mode():
        expected = reference(batch)
        # Far under a picture level (1/127.5): layout and summation order only.
        assert torch.allclose(served(as_served_input(batch, CPU)), expected, atol=1e-4)
