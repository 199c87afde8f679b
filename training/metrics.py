"""Picture quality metrics over validation pairs: L1, PSNR and SSIM on 8-bit RGB pictures, and
the figures L1 misses: colour mud, ghost (washed-out subjects) and colour error (CIELAB)."""
import numpy as np
import torch
from scipy.ndimage import binary_erosion
from skimage.color import rgb2hsv, rgb2lab
from skimage.metrics import structural_similarity

PSNR_CAP_DB = 100.0  # identical pictures have infinite PSNR; JSON wants a number
FLAT_STEP = 6.0  # a truth pixel is flat when no channel changes more than this to a neighbour
FLAT_MARGIN = 2  # px: flat regions are shrunk by this, so no pixel beside an edge counts
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


def _neighbour_steps(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean RGB change to the right and to the lower neighbour (H x W-1, H-1 x W)."""
    pixels = pixels.astype(np.float64)
    return (np.linalg.norm(np.diff(pixels, axis=1), axis=2),
            np.linalg.norm(np.diff(pixels, axis=0), axis=2))


def flat_regions(truth: np.ndarray) -> np.ndarray:
    """H x W bool: where the truth paints one flat colour (FLAT_MARGIN px away from any edge)."""
    pixels = truth.astype(np.float64)
    step = np.zeros(truth.shape[:2])
    across = np.abs(np.diff(pixels, axis=1)).max(axis=2)
    down = np.abs(np.diff(pixels, axis=0)).max(axis=2)
    step[:, :-1] = np.maximum(step[:, :-1], across)
    step[:, 1:] = np.maximum(step[:, 1:], across)
    step[:-1, :] = np.maximum(step[:-1, :], down)
    step[1:, :] = np.maximum(step[1:, :], down)
    return binary_erosion(step <= FLAT_STEP, iterations=FLAT_MARGIN, border_value=0)


def colour_mud(picture: np.ndarray, truth: np.ndarray) -> dict | None:
    """Mean RGB change between neighbouring pixels inside the truth's flat regions, for the
    picture ("mud") and for the truth itself ("truth"); None when the truth has no flat region.
    A model that streaks colours where the truth is one paint scores far above the truth."""
    flat = flat_regions(truth)
    across, down = flat[:, :-1] & flat[:, 1:], flat[:-1, :] & flat[1:, :]
    if not across.any() and not down.any():
        return None

    def mean_change(pixels):
        steps_across, steps_down = _neighbour_steps(pixels)
        return float(np.concatenate([steps_across[across], steps_down[down]]).mean())

    return {"mud": mean_change(picture), "truth": mean_change(truth)}


def ghost(picture: np.ndarray, truth: np.ndarray, subject: np.ndarray) -> dict | None:
    """Saturation (HSV, 0-1) and contrast (standard deviation of luminance, 0-255) inside the
    subject, of the picture and of the truth; None when the subject mask is empty. A washed-out
    subject (a grey ghost of a white panda) has both well below the truth's."""
    if subject.shape != truth.shape[:2]:
        raise ValueError(f"subject mask {subject.shape} does not fit the picture {truth.shape}")
    if not subject.any():
        return None

    def inside(pixels):
        saturation = rgb2hsv(pixels)[..., 1][subject]
        luminance = (pixels.astype(np.float64) @ [0.299, 0.587, 0.114])[subject]
        return float(saturation.mean()), float(luminance.std())

    (saturation, contrast), (truth_saturation, truth_contrast) = inside(picture), inside(truth)
    return {"saturation": saturation, "saturation_truth": truth_saturation,
            "contrast": contrast, "contrast_truth": truth_contrast}


def colour_error(picture: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float | None:
    """Mean CIE76 colour difference (Delta E in CIELAB) between picture and truth inside the
    region (H x W bool); None when the region is empty."""
    if not region.any():
        return None
    difference = rgb2lab(picture)[region] - rgb2lab(truth)[region]
    return float(np.linalg.norm(difference, axis=1).mean())
