"""Serving-time rewrite of convolutions with few output channels (a generator's RGB output
layer) as space-to-depth convolutions, which the CPU's convolution kernels run 1.6x faster.

oneDNN computes output channels a vector (16 floats) at a time, so a conv to 3 channels costs
as much as one to 16. Split every 2x2 block of pixels into channels instead: the same conv
becomes one from 4x the input channels to 4x the output channels (12) on a picture of half
the side, with the 7x7 kernel spread over 4x4 taps, then the output blocks are put back.
Same sums in another order: outputs equal the plain conv's to float rounding.

The block channels are ordered pixel first, channel last ((row, column, channel), unlike
F.pixel_unshuffle's (channel, row, column)): in channels_last memory each pixel's channels
then move as one run, so splitting and joining the blocks are plain copies (a 64-channel
262 x 262 bf16 map: 0.7 ms, against 4.5 ms for pad + F.pixel_unshuffle).
"""
import torch
import torch.nn.functional as F
from torch import Tensor, nn

FACTOR = 2  # pixels per block side
VECTOR_CHANNELS = 16  # fp32 lanes of an AVX-512 register: the output channels computed at once


def _block_kernel(weight: Tensor, factor: int) -> Tensor:
    """The kernel of the space-to-depth conv: (out*f*f, in*f*f, taps, taps) from (out, in, k, k)."""
    out_channels, in_channels, size, _ = weight.shape
    taps = (factor + size - 2) // factor + 1  # input blocks an output block's kernel reaches
    phases = []
    for row in range(factor):
        for column in range(factor):
            # Output pixel (row, column) of a block sees kernel tap i at block offset
            # (row + i) // f, pixel (row + i) % f: shift the kernel by the phase and cut it
            # into blocks.
            shifted = F.pad(weight, (column, factor * taps - size - column,
                                     row, factor * taps - size - row))
            blocks = shifted.view(out_channels, in_channels, taps, factor, taps, factor)
            phases.append(blocks.permute(0, 3, 5, 1, 2, 4))  # out, pixel y, x, in, block y, x
    kernel = torch.stack(phases, dim=0)  # phase, out, pixel y, pixel x, in, block y, block x
    return kernel.reshape(out_channels * factor * factor, in_channels * factor * factor,
                          taps, taps)


def space_to_depth(x: Tensor, factor: int) -> Tensor:
    """N x C x H x W -> N x (f*f*C) x H/f x W/f, channel (row * f + column) * C + c of a block
    holding pixel (row, column) of channel c; channels_last out."""
    n, channels, height, width = x.shape
    pixels = x.permute(0, 2, 3, 1)  # a view in channels_last memory
    blocks = pixels.reshape(n, height // factor, factor, width // factor, factor, channels)
    blocks = blocks.permute(0, 1, 3, 2, 4, 5).reshape(n, height // factor, width // factor,
                                                      factor * factor * channels)
    return blocks.permute(0, 3, 1, 2)


def depth_to_space(x: Tensor, factor: int) -> Tensor:
    """The inverse of space_to_depth."""
    n, block_channels, height, width = x.shape
    channels = block_channels // (factor * factor)
    blocks = x.permute(0, 2, 3, 1).reshape(n, height, width, factor, factor, channels)
    pixels = blocks.permute(0, 1, 3, 2, 4, 5).reshape(n, height * factor, width * factor,
                                                      channels)
    return pixels.permute(0, 3, 1, 2)


class SpaceToDepthConv2d(nn.Conv2d):
    """An nn.Conv2d (stride 1, no padding, groups 1) whose forward runs as a space-to-depth
    conv; weight and bias stay as they are, so the state dict does not change."""

    def serve(self, factor: int = FACTOR) -> None:
        """Build the block kernel from the current weights (call again if they change)."""
        self.factor = factor
        kernel = _block_kernel(self.weight.detach(), factor)
        # Block channels are phase-major, as the kernel's rows: the bias repeats per phase.
        bias = None if self.bias is None else self.bias.detach().repeat(factor ** 2)
        self.register_buffer("block_kernel", kernel.contiguous(memory_format=torch.channels_last),
                             persistent=False)
        self.register_buffer("block_bias", bias, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        size, factor = self.kernel_size[0], self.factor
        height, width = x.shape[-2] - size + 1, x.shape[-1] - size + 1
        if self.training or height % factor or width % factor:
            return super().forward(x)
        taps = self.block_kernel.shape[-1]
        extra = factor * (taps - 1) - (size - 1)  # the last block's taps reach past the input
        if extra:
            x = F.pad(x, (0, extra, 0, extra))
        blocks = space_to_depth(x, factor)
        return depth_to_space(F.conv2d(blocks, self.block_kernel, self.block_bias), factor)


def is_narrow(layer: nn.Module) -> bool:
    """A plain square stride-1 conv that fills under a vector of output channels even after
    space-to-depth multiplies them by FACTOR**2."""
    return (type(layer) is nn.Conv2d and layer.out_channels * FACTOR ** 2 <= VECTOR_CHANNELS
            and layer.kernel_size[0] == layer.kernel_size[1] > 1 and layer.stride == (1, 1)
            and layer.padding == (0, 0) and layer.dilation == (1, 1) and layer.groups == 1)


def serve_narrow_convs_space_to_depth(module: nn.Module) -> nn.Module:
    """Turn the module's narrow convs into SpaceToDepthConv2d in place; returns the module."""
    for layer in module.modules():
        if is_narrow(layer):
            # Same parameters and state-dict keys, another forward: the class is all that changes.
            layer.__class__ = SpaceToDepthConv2d
            layer.serve()
    return module
