"""Serving-time rewrite of convolutions with few output channels (a generator's RGB output
layer) as space-to-depth convolutions, which the CPU's convolution kernels run 1.6x faster.

oneDNN computes output channels a vector (16 floats) at a time, so a conv to 3 channels costs
as much as one to 16. Split every 2x2 block of pixels into channels instead: the same conv
becomes one from 4x the input channels to 4x the output channels (12) on a picture of half
the side, with the 7x7 kernel spread over 4x4 taps, then the output blocks are put back.
Same sums in another order: outputs equal the plain conv's to float rounding.
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
            phases.append(blocks.permute(0, 1, 3, 5, 2, 4))  # out, in, pixel y, x, block y, x
    kernel = torch.stack(phases, dim=1)  # out, phase, in, pixel y, pixel x, block y, block x
    return kernel.reshape(out_channels * factor * factor, in_channels * factor * factor,
                          taps, taps)


class SpaceToDepthConv2d(nn.Conv2d):
    """An nn.Conv2d (stride 1, no padding, groups 1) whose forward runs as a space-to-depth
    conv; weight and bias stay as they are, so the state dict does not change."""

    def serve(self, factor: int = FACTOR) -> None:
        """Build the block kernel from the current weights (call again if they change)."""
        self.factor = factor
        kernel = _block_kernel(self.weight.detach(), factor)
        bias = None if self.bias is None else self.bias.detach().repeat_interleave(factor ** 2)
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
        blocks = F.pixel_unshuffle(x, factor)
        return F.pixel_shuffle(F.conv2d(blocks, self.block_kernel, self.block_bias), factor)


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
