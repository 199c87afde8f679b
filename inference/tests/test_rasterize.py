"""Strokes to edge images: where ink lands, eraser, dots, edge safety, pen-like thickening."""
import math

import numpy as np
import pytest
import torch
from PIL import Image

from inference.palette import PALETTE
from inference.rasterize import (
    SKETCH_STROKE_SIZE,
    model_input,
    rasterize,
    rasterize_hints,
    thicken,
    to_tensor,
)


def _ink(image):
    """Amount of ink in pixels (a fully black pixel counts 1)."""
    return (255 - np.asarray(image, dtype=np.float64)).sum() / 255


def _centre(pixel, size=256):
    return (pixel + 0.5) / size


def test_pen_line_is_black_along_its_path_and_white_elsewhere():
    sketch = rasterize([{"points": [[0.25, 0.5], [0.75, 0.5]], "size": 3, "tool": "pen"}])
    pixels = np.asarray(sketch)
    assert sketch.mode == "L" and sketch.size == (256, 256)
    assert (pixels[127:129, 70:186] == 0).all()  # y = 0.5 is the border of rows 127 and 128
    assert (pixels[:120] == 255).all() and (pixels[136:] == 255).all()
    assert (pixels[:, :58] == 255).all() and (pixels[:, 199:] == 255).all()


def test_pen_line_is_as_wide_as_its_size_and_caps_are_round():
    pixels = np.asarray(rasterize([{"points": [[0.25, 0.5], [0.75, 0.5]], "size": 8}]))
    ink_per_column = (255 - pixels.astype(float)).sum(axis=0) / 255
    assert ink_per_column[128] == pytest.approx(8, abs=0.1)
    # The ends are at x = 64 and 192; round caps reach 4 px further, thinning towards the tip.
    assert ink_per_column[59] == 0 and ink_per_column[196] == 0
    assert 0 < ink_per_column[60] < ink_per_column[61] < ink_per_column[62] < 8
    np.testing.assert_allclose(ink_per_column[60:64], ink_per_column[192:196][::-1])


def test_diagonal_line_is_anti_aliased():
    pixels = np.asarray(rasterize([{"points": [[0.1, 0.2], [0.9, 0.7]], "size": 3}]))
    greys = np.count_nonzero((pixels > 0) & (pixels < 255))
    assert greys > 100


def test_stroke_size_is_in_256_px_units_whatever_the_raster_size():
    line = [{"points": [[0.25, 0.5], [0.75, 0.5]], "size": 3}]
    small, large = rasterize(line, size=128), rasterize(line, size=512)
    assert _ink(np.asarray(large)[:, 256:257]) == pytest.approx(6, abs=0.1)
    assert _ink(np.asarray(small)[:, 64:65]) == pytest.approx(1.5, abs=0.1)


def test_single_point_stroke_is_a_round_dot_centred_on_the_point():
    pixels = np.asarray(rasterize([{"points": [[0.5, 0.5]], "size": 10}]))
    assert _ink(pixels) == pytest.approx(math.pi * 5**2, rel=0.03)
    assert (pixels[125:131, 125:131] == 0).all()
    assert pixels[123, 128] < 128 and pixels[122, 122] == 255  # round, not square
    np.testing.assert_array_equal(pixels, pixels[::-1, ::-1])  # symmetric about the canvas centre


def test_eraser_paints_white_over_earlier_ink_only():
    pen = {"points": [[0.1, 0.5], [0.9, 0.5]], "size": 6, "tool": "pen"}
    eraser = {"points": [[0.5, 0.1], [0.5, 0.9]], "size": 20, "tool": "eraser"}
    erased = np.asarray(rasterize([pen, eraser]))
    assert (erased[:, 120:136] == 255).all()
    assert (erased[127:129, 40:100] == 0).all()
    redrawn = np.asarray(rasterize([pen, eraser, pen]))  # order matters: ink after the eraser
    assert (redrawn[127:129, 120:136] == 0).all()


def test_points_far_outside_the_canvas_are_safe_and_the_inside_part_is_drawn():
    pixels = np.asarray(rasterize([
        {"points": [[-1e12, 0.5], [0.5, 0.5], [0.5, 7e30]], "size": 3},
        {"points": [[-3, -3]], "size": 3},
        {"points": [[1.0, 1.0]], "size": 3},
    ]))
    assert (pixels[127:129, 0:126] == 0).all()
    assert (pixels[130:256, 127:129] == 0).all()
    assert pixels[255, 255] < 255  # a dot on the corner shows its quarter


def test_enormous_pen_covers_the_canvas_without_drawing_beyond_it():
    assert (np.asarray(rasterize([{"points": [[0.5, 0.5]], "size": 1e12}], size=64)) == 0).all()


@pytest.mark.parametrize("stroke", [
    {"points": [[0.1, float("nan")]], "size": 3},
    {"points": [], "size": 3},
    {"points": [[0.1, 0.2, 0.3]], "size": 3},
    {"points": "0.1,0.2", "size": 3},
    {"points": [[0.1, 0.2]], "size": 0},
    {"points": [[0.1, 0.2]], "size": float("inf")},
    {"points": [[0.1, 0.2]], "size": 3, "tool": "laser"},
    [[0.1, 0.2]],
])
def test_malformed_strokes_are_rejected_with_a_clear_error(stroke):
    with pytest.raises(ValueError, match="stroke 0"):
        rasterize([stroke])


def test_bad_raster_size_is_rejected():
    with pytest.raises(ValueError, match="size"):
        rasterize([], size=0)
    with pytest.raises(ValueError, match="strokes"):
        rasterize("not strokes")


def test_no_strokes_is_blank_paper():
    assert (np.asarray(rasterize([])) == 255).all()


@pytest.mark.parametrize("size", [SKETCH_STROKE_SIZE, 1.0, 2.6, 5.0, 9.3])
def test_thickened_pixel_is_exactly_a_pen_dot_on_that_pixel(size):
    for row, column in [(100, 37), (0, 0), (255, 254)]:
        mask = np.zeros((256, 256), dtype=bool)
        mask[row, column] = True
        dot = rasterize([{"points": [[_centre(column), _centre(row)]], "size": size}])
        np.testing.assert_array_equal(np.asarray(thicken(mask, size)), np.asarray(dot))


def test_thicken_draws_exactly_what_the_pen_draws_through_the_line_pixels():
    mask = np.random.default_rng(0).random((24, 24)) < 0.2
    strokes = [{"points": [[_centre(j, 24), _centre(i, 24)]], "size": 7.3}
               for i, j in zip(*np.nonzero(mask), strict=True)]
    for i, j in zip(*np.nonzero(mask), strict=True):
        for step_i, step_j in [(0, 1), (1, 0), (1, 1), (1, -1)]:
            if 0 <= i + step_i < 24 and 0 <= j + step_j < 24 and mask[i + step_i, j + step_j]:
                strokes.append({"points": [[_centre(j, 24), _centre(i, 24)],
                                           [_centre(j + step_j, 24), _centre(i + step_i, 24)]],
                                "size": 7.3})
    np.testing.assert_array_equal(np.asarray(thicken(mask, 7.3)),
                                  np.asarray(rasterize(strokes, size=24)))


@pytest.mark.parametrize("size", [SKETCH_STROKE_SIZE, 2.5, 6.0])
def test_thickened_lines_are_as_wide_as_one_long_pen_stroke(size):
    # Directions whose 1-px line lies exactly on the pen's path (other slopes are staircases).
    ends = [(40, 40, 40, 200), (40, 40, 200, 40), (40, 40, 200, 200), (200, 40, 40, 200)]
    for row0, column0, row1, column1 in ends:
        mask = np.zeros((256, 256), dtype=bool)
        steps = max(abs(row1 - row0), abs(column1 - column0)) + 1
        mask[np.linspace(row0, row1, steps).astype(int),
             np.linspace(column0, column1, steps).astype(int)] = True
        pen = rasterize([{"points": [[_centre(column0), _centre(row0)],
                                     [_centre(column1), _centre(row1)]], "size": size}])
        # Pillow rounds a long line's edges a little differently from many short ones.
        assert _ink(thicken(mask, size)) == pytest.approx(_ink(pen), rel=0.035)


def test_thicken_scales_the_pen_with_the_mask_width():
    mask = np.zeros((64, 64), dtype=bool)
    mask[32, 10:50] = True
    assert _ink(np.asarray(thicken(mask, 8.0))[:, 30:31]) == pytest.approx(2.0, abs=0.1)


def test_thicken_rejects_non_boolean_masks():
    with pytest.raises(ValueError, match="boolean"):
        thicken(np.zeros((8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="size"):
        thicken(np.zeros((8, 8), dtype=bool), size=-1)


def test_to_tensor_gives_a_one_channel_batch_with_white_as_one():
    sketch = rasterize([{"points": [[0.5, 0.5]], "size": 40}], size=64)
    batch = to_tensor(sketch)
    assert batch.shape == (1, 1, 64, 64) and batch.dtype == torch.float32
    assert batch[0, 0, 0, 0] == 1.0 and batch[0, 0, 32, 32] == 0.0
    with pytest.raises(ValueError, match="'L'"):
        to_tensor(Image.new("RGB", (8, 8)))


def test_coloured_strokes_become_hints_and_black_ones_do_not():
    strokes = [{"points": [[0.1, 0.5], [0.9, 0.5]], "size": 8, "tool": "pen"},
               {"points": [[0.5, 0.1], [0.5, 0.9]], "size": 8, "tool": "pen", "color": "black"},
               {"points": [[0.2, 0.2], [0.4, 0.2]], "size": 8, "tool": "pen", "color": "red"},
               {"points": [[0.2, 0.8], [0.4, 0.8]], "size": 8, "tool": "pen",
                "color": "#10a0f0"}]
    hints = rasterize_hints(strokes, 64)
    assert hints.shape == (4, 64, 64) and hints.dtype == np.float32
    mask = hints[3] > 0.5
    assert mask[13, 19] and mask[51, 19]  # the red and the hex stroke
    assert not mask[32, 50] and not mask[50, 32]  # the plain pen lines are no hints
    assert np.allclose(hints[:3, 13, 19], np.array(PALETTE["red"]) / 255)
    assert np.allclose(hints[:3, 51, 19], np.array([0x10, 0xa0, 0xf0]) / 255)
    assert (hints[:3][:, ~mask] == 0).all()
    # every stroke, coloured or not, is a line of the sketch channel
    sketch = np.asarray(rasterize(strokes, 64))
    assert sketch[13, 19] < 128 and sketch[32, 50] < 128


def test_later_strokes_and_the_eraser_paint_over_hints():
    red = {"points": [[0.2, 0.5], [0.8, 0.5]], "size": 10, "tool": "pen", "color": "red"}
    blue = {"points": [[0.5, 0.2], [0.5, 0.8]], "size": 10, "tool": "pen", "color": "blue"}
    eraser = {"points": [[0.2, 0.5], [0.3, 0.5]], "size": 16, "tool": "eraser"}
    hints = rasterize_hints([red, blue, eraser], 100)
    assert np.allclose(hints[:3, 50, 50], np.array(PALETTE["blue"]) / 255)
    assert hints[3, 50, 22] == 0 and (hints[:3, 50, 22] == 0).all()
    assert hints[3, 50, 75] == 1


@pytest.mark.parametrize("colour", ["rainbow", "#12345", "#gggggg", 7])
def test_a_bad_colour_names_its_stroke(colour):
    with pytest.raises(ValueError, match="stroke 1"):
        rasterize_hints([{"points": [[0.1, 0.1]]}, {"points": [[0.2, 0.2]], "color": colour}])


def test_model_input_stacks_the_sketch_and_hints_or_zeros():
    strokes = [{"points": [[0.2, 0.2], [0.6, 0.6]], "size": 8, "color": "green"}]
    sketch, hints = rasterize(strokes, 32), rasterize_hints(strokes, 32)
    assert torch.equal(model_input(sketch, hints, 1), to_tensor(sketch))
    stacked = model_input(sketch, hints, 5)
    assert stacked.shape == (1, 5, 32, 32)
    assert torch.equal(stacked[0, 1:], torch.from_numpy(hints))
    assert torch.equal(model_input(sketch, None, 5)[0, 1:], torch.zeros(4, 32, 32))
    with pytest.raises(ValueError):
        model_input(sketch, hints, 3)
