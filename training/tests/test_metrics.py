"""Validation metrics: L1, PSNR, SSIM, colour mud, ghost and colour error, with known answers."""
import math

import numpy as np
import pytest
import torch
from skimage.color import rgb2lab
from skimage.metrics import peak_signal_noise_ratio

from training.metrics import (
    PSNR_CAP_DB,
    MetricMeans,
    colour_error,
    colour_mud,
    flat_regions,
    ghost,
    picture_metrics,
    to_uint8,
)


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


def two_paints(size: int = 32) -> np.ndarray:
    """Left half one flat red, right half one flat blue: two flat regions and one edge."""
    pixels = np.zeros((size, size, 3), dtype=np.uint8)
    pixels[:, : size // 2] = (200, 40, 40)
    pixels[:, size // 2:] = (40, 60, 200)
    return pixels


def test_flat_regions_leave_out_the_edge_between_paints():
    flat = flat_regions(two_paints())
    assert flat[16, 4] and flat[16, 27]
    assert not flat[16, 14:18].any()  # beside the edge, within FLAT_MARGIN
    assert not flat[0].any() and not flat[:, 0].any()  # the picture's border is not trusted


def test_colour_mud_is_zero_for_flat_paint_and_grows_with_streaks():
    truth = two_paints()
    assert colour_mud(truth, truth) == {"mud": 0.0, "truth": 0.0}
    streaked = truth.copy()
    streaked[::2, :, 1] = 120  # every other row streaked with green
    mud = colour_mud(streaked, truth)
    assert mud["truth"] == 0.0
    # Flat pixels change by 0 across and by |120 - 40| or |120 - 60| down: the mean of those.
    assert 0 < mud["mud"] < 80
    assert colour_mud(picture(0), np.random.default_rng(0).integers(
        0, 256, (32, 32, 3), dtype=np.uint8)) is None  # noise has no flat region


def test_ghost_sees_a_washed_out_subject():
    truth = two_paints()
    subject = np.zeros((32, 32), bool)
    subject[8:24, 8:24] = True
    faded = (truth * 0.4 + 150).astype(np.uint8)  # towards grey: paler and flatter
    values = ghost(faded, truth, subject)
    assert values["saturation"] < 0.6 * values["saturation_truth"]
    assert values["contrast"] == pytest.approx(0.4 * values["contrast_truth"], rel=0.05)
    assert ghost(truth, truth, np.zeros((32, 32), bool)) is None
    with pytest.raises(ValueError):
        ghost(truth, truth, np.ones((8, 8), bool))


def test_colour_error_is_the_cielab_distance_inside_the_region():
    truth = picture(128)
    region = np.zeros((32, 32), bool)
    region[:4] = True
    assert colour_error(truth, truth, region) == 0.0
    lighter = picture(148)
    # grey to grey changes only L*: the Delta E is the change of lightness
    expected = float(rgb2lab(lighter[:1, :1])[0, 0, 0] - rgb2lab(truth[:1, :1])[0, 0, 0])
    assert colour_error(lighter, truth, region) == pytest.approx(expected)
    assert colour_error(lighter, truth, np.zeros((32, 32), bool)) is None
