"""Validation metrics: L1, PSNR and SSIM on 8-bit pictures, with known answers."""
import math

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio

from training.metrics import PSNR_CAP_DB, MetricMeans, picture_metrics, to_uint8


def picture(value: int, size: int = 32) -> np.ndarray:
    return np.full((size, size, 3), value, dtype=np.uint8)


def test_identical_pictures_score_perfectly():
    noisy = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert picture_metrics(noisy, noisy) == {"l1": 0.0, "psnr": PSNR_CAP_DB, "ssim": 1.0}


def test_a_uniform_offset_gives_the_textbook_l1_and_psnr():
    values = picture_metrics(picture(100), picture(110))
    assert values["l1"] == pytest.approx(10 / 127.5)  # on the generator's [-1, 1] scale
    assert values["psnr"] == pytest.approx(20 * math.log10(255 / 10))
    assert values["psnr"] == pytest.approx(peak_signal_noise_ratio(picture(110), picture(100)))


def test_ssim_drops_when_structure_is_lost():
    rng = np.random.default_rng(1)
    real = np.zeros((64, 64, 3), dtype=np.uint8)
    real[:, 32:] = 255
    noisy = np.clip(real + rng.normal(0, 60, real.shape), 0, 255).astype(np.uint8)
    assert picture_metrics(noisy, real)["ssim"] < 0.5 < picture_metrics(real, real)["ssim"]


def test_means_average_over_pairs():
    means = MetricMeans()
    means.add(picture(0), picture(0))
    means.add(picture(0), picture(51))
    result = means.means()
    assert result["pairs"] == 2
    assert result["l1"] == pytest.approx((0 + 51 / 127.5) / 2)
    assert MetricMeans().means() == {"pairs": 0}


def test_tensor_pictures_map_minus_one_to_black_and_one_to_white():
    tensor = torch.stack([torch.full((2, 2), -1.0), torch.zeros(2, 2), torch.ones(2, 2)])
    pixels = to_uint8(tensor)
    assert pixels.shape == (2, 2, 3)
    assert pixels[0, 0].tolist() == [0, 128, 255]


def test_mismatched_pictures_are_refused():
    with pytest.raises(ValueError, match="one size"):
        picture_metrics(picture(0, 16), picture(0, 32))
    with pytest.raises(ValueError, match="uint8"):
        picture_metrics(picture(0).astype(float), picture(0).astype(float))
