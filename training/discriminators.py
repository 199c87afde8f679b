"""PatchGAN discriminators (pix2pix NLayerDiscriminator, PixelGAN) that judge (sketch, picture)."""
from torch import nn

from inference.networks import InstanceNorm

KERNEL_SIZE = 4
LEAKY_SLOPE = 0.2
NORMS = ("instance", "batch", "none")


def _norm_layer(norm: str, channels: int) -> nn.Module:
    if norm == "instance":
        return InstanceNorm(channels)
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    return nn.Identity()


def _patch_layout(n_layers: int) -> list[tuple[int, int]]:
    """(kernel, stride) of every conv in an n-layer PatchGAN, input side first."""
    if n_layers == 0:
        return [(1, 1), (1, 1), (1, 1)]
    return [(KERNEL_SIZE, 2)] * n_layers + [(KERNEL_SIZE, 1), (KERNEL_SIZE, 1)]


def receptive_field(n_layers: int) -> int:
    """Side in input pixels of the square one score sees: 0 -> 1, 1 -> 16, 3 -> 70, 5 -> 286."""
    if n_layers < 0:
        raise ValueError(f"n_layers must be >= 0, got {n_layers}")
    field = 1
    for kernel, stride in reversed(_patch_layout(n_layers)):
        field = field * stride + (kernel - stride)
    return field


class PatchDiscriminator(nn.Module):
    """Scores overlapping patches of a (sketch, picture) pair as real or fake.

    Input N x in_channels x H x W (sketch channel(s) then picture channels); output N x 1 x h x w
    raw scores (logits), one per receptive-field patch. n_layers=3 is the pix2pix 70x70 PatchGAN
    C64-C128-C256-C512 (2,765,761 parameters with in_channels=4); n_layers=0 is the 1x1 PixelGAN.
    Convs followed by InstanceNorm keep their bias, as pix2pix does (the parameter count needs it).
    """

    def __init__(self, in_channels: int = 4, ndf: int = 64, n_layers: int = 3,
                 norm: str = "instance"):
        super().__init__()
        if n_layers < 0:
            raise ValueError(f"n_layers must be >= 0, got {n_layers}")
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        self.n_layers = n_layers
        self.receptive_field = receptive_field(n_layers)
        # Without BatchNorm each pair's scores depend on that pair alone: pairs may share a batch.
        self.judges_pairs_alone = norm != "batch"
        use_bias = norm != "batch"  # BatchNorm has its own shift; InstanceNorm(affine=False) not
        if n_layers == 0:
            layers = [
                nn.Conv2d(in_channels, ndf, 1, 1, 0),
                nn.LeakyReLU(LEAKY_SLOPE, True),
                nn.Conv2d(ndf, ndf * 2, 1, 1, 0, bias=use_bias),
                _norm_layer(norm, ndf * 2),
                nn.LeakyReLU(LEAKY_SLOPE, True),
                nn.Conv2d(ndf * 2, 1, 1, 1, 0),
            ]
        else:
            layers = [nn.Conv2d(in_channels, ndf, KERNEL_SIZE, 2, 1),
                      nn.LeakyReLU(LEAKY_SLOPE, True)]
            channels = ndf
            for index in range(1, n_layers + 1):
                stride = 2 if index < n_layers else 1
                out_channels = ndf * min(2**index, 8)
                layers += [
                    nn.Conv2d(channels, out_channels, KERNEL_SIZE, stride, 1, bias=use_bias),
                    _norm_layer(norm, out_channels),
                    nn.LeakyReLU(LEAKY_SLOPE, True),
                ]
                channels = out_channels
            layers.append(nn.Conv2d(channels, 1, KERNEL_SIZE, 1, 1))
        self.model = nn.Sequential(*layers)

    def forward(self, pair):
        return self.model(pair)
