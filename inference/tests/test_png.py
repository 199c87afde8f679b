"""The picture encoder: its files open in Pillow with exactly the pixels given, and it refuses
arrays that are not pictures."""
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from inference.png import encode_png


def decoded(data: bytes) -> np.ndarray:
    with Image.open(BytesIO(data)) as image:
        image.load()
        return np.asarray(image)


@pytest.mark.parametrize("shape", [(256, 256, 3), (7, 13, 3), (1, 1, 3), (5, 4, 4), (9, 3, 1)])
def test_random_pixels_come_back_exactly(shape):
    pixels = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    back = decoded(encode_png(pixels))
    assert np.array_equal(back.reshape(shape), pixels)


def test_grey_array_is_a_grey_png():
    pixels = np.tile(np.arange(256, dtype=np.uint8), (4, 1))
    with Image.open(BytesIO(encode_png(pixels))) as image:
        assert image.mode == "L" and image.size == (256, 4)
        assert np.array_equal(np.asarray(image), pixels)


def test_smooth_picture_compresses_below_raw_size():
    ramp = np.linspace(0, 255, 256, dtype=np.float32)
    pixels = np.stack(np.broadcast_arrays(ramp[None, :], ramp[:, None], 128.0), axis=2)
    data = encode_png(pixels.astype(np.uint8))
    assert len(data) < pixels.size // 4


def test_a_view_with_strides_encodes_its_own_pixels():
    big = np.random.default_rng(3).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    view = big[::2, 5:25]
    assert np.array_equal(decoded(encode_png(view)), view)


@pytest.mark.parametrize("pixels", [
    np.zeros((4, 4, 3), dtype=np.float32),
    np.zeros((4, 4, 2), dtype=np.uint8),
    np.zeros((0, 4, 3), dtype=np.uint8),
    np.zeros((4,), dtype=np.uint8),
])
def test_refuses_what_is_not_a_picture(pixels):
    with pytest.raises(ValueError):
        encode_png(pixels)
