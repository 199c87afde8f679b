"""Picture quality metrics over validation pairs: L1, PSNR and SSIM on 8-bit RGB pictures."""
import numpy as np
import torch
from skimage.metrics import structural_similarity

PSNR_CAP_DB = 100.0  # identical pictures have infinite PSNR; JSON wants a number
METRIC_NAMES = ("l1", "psnr", "ssim")


def to_uint8(picture: torch.Tensor) -> np.ndarray:
    """A 3 x H x W tensor in [-1, 1] as an H x W x 3 uint8 array."""
    if picture.dim() != 3 or picture.shape[0] != 3:
        raise ValueError(f"expected a 3 x H x W picture, got {tuple(picture.shape)}")
    scaled = ((picture.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round()
    return scaled.to(torch.uint8).permute(1, 2, 0).numpy()


def l1(fake: np.ndarray, real: np.ndarray) -> float:
    """Mean absolute difference on the generator's [-1, 1] scale (the same as its L1 loss)."""
    return float(np.abs(fake.astype(np.float64) - real.astype(np.float64)).mean() / 127.5)


def psnr(fake: np.ndarray, real: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for 8-bit pictures (capped at PSNR_CAP_DB)."""
    mse = float(((fake.astype(np.float64) - real.astype(np.float64)) ** 2).mean())
    if mse == 0:
        return PSNR_CAP_DB
    return float(min(PSNR_CAP_DB, 10 * np.log10(255.0**2 / mse)))


def ssim(fake: np.ndarray, real: np.ndarray) -> float:
    """Structural similarity of two H x W x 3 uint8 pictures (1 = identical)."""
    return float(structural_similarity(fake, real, channel_axis=2, data_range=255))


def picture_metrics(fake: np.ndarray, real: np.ndarray) -> dict:
    """L1, PSNR and SSIM of one generated picture against its real one (H x W x 3 uint8 each)."""
    if fake.shape != real.shape or fake.ndim != 3 or fake.shape[2] != 3:
        raise ValueError(f"need two H x W x 3 pictures of one size, got {fake.shape}, {real.shape}")
    if fake.dtype != np.uint8 or real.dtype != np.uint8:
        raise ValueError("pictures must be uint8")
    return {"l1": l1(fake, real), "psnr": psnr(fake, real), "ssim": ssim(fake, real)}


class MetricMeans:
    """Running means of the per-picture metrics."""

    def __init__(self):
        self.totals = dict.fromkeys(METRIC_NAMES, 0.0)
        self.count = 0

    def add(self, fake: np.ndarray, real: np.ndarray) -> dict:
        values = picture_metrics(fake, real)
        for name, value in values.items():
            self.totals[name] += value
        self.count += 1
        return values

    def means(self) -> dict:
        if self.count == 0:
            return {"pairs": 0}
        return {**{name: total / self.count for name, total in self.totals.items()},
                "pairs": self.count}
