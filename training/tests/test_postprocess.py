"""pix2pix post-processing and the classical edges, on drawn shapes whose edges are known."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from training.edges import CannyEdgeDetector
from training.edges.classical import canny_edge_map
from training.edges.postprocess import (
    EDGE_THRESHOLD,
    edge_nms,
    remove_small_components,
    restroke_line_drawing,
    sketch_from_edges,
    thin_edges,
)


def square_ring(size=64, outer=(16, 48), thickness=3, value=1.0):
    """An edge map holding a square ring `thickness` px wide: rows/cols outer[0] .. outer[1] - 1."""
    edges = np.zeros((size, size), dtype=np.float32)
    low, high = outer
    edges[low:high, low:high] = value
    edges[low + thickness:high - thickness, low + thickness:high - thickness] = 0
    return edges


def test_thick_square_outline_thins_to_a_one_pixel_loop_on_its_boundary():
    ring = square_ring()
    lines = thin_edges(ring)

    assert lines[ring == 0].sum() == 0  # never off the outline
    for row in range(22, 42):  # left and right sides: exactly one pixel wide
        assert lines[row, 16:19].sum() == 1
        assert lines[row, 45:48].sum() == 1
    for col in range(22, 42):  # top and bottom sides
        assert lines[16:19, col].sum() == 1
        assert lines[45:48, col].sum() == 1


@pytest.mark.parametrize("direction", [(1, 0), (0, 1), (1, 1), (1, -2)])
def test_non_maximum_suppression_keeps_only_the_crest_of_a_soft_ridge(direction):
    rows, cols = np.mgrid[0:64, 0:64].astype(np.float64)
    normal = np.array(direction, dtype=np.float64) / np.hypot(*direction)
    distance = (rows - 32) * normal[0] + (cols - 32) * normal[1]  # signed, across the ridge
    ridge = 0.9 * np.exp(-(distance**2) / (2 * 3.0**2))  # a HED-like soft edge ~7 px wide

    kept = (edge_nms(ridge) >= EDGE_THRESHOLD)[8:-8, 8:-8]  # away from the faded border
    assert np.abs(distance[8:-8, 8:-8][kept]).max() <= 1.0
    assert kept.sum() >= 45  # the crest itself stays, along its whole length
    assert kept.sum() <= 0.2 * (ridge[8:-8, 8:-8] >= EDGE_THRESHOLD).sum()


def test_edges_weaker_than_25_of_255_are_dropped():
    assert not thin_edges(square_ring(value=24 / 255)).any()
    assert thin_edges(square_ring(value=26 / 255)).any()
    assert EDGE_THRESHOLD == pytest.approx(25 / 255)


def test_specks_under_five_pixels_are_removed_and_five_pixel_lines_kept():
    edges = np.zeros((32, 32), dtype=np.float32)
    edges[4:6, 4:6] = 1.0  # a 2x2 speck
    edges[10, 3:7] = 1.0  # a 4-px dash
    edges[20, 3:8] = 1.0  # a 5-px dash
    edges[25:30, 20:25] = np.eye(5)  # a 5-px diagonal: 8-connected, one component
    lines = thin_edges(edges)
    assert not lines[:12].any()
    assert lines[20, 3:8].all()
    assert lines[25:30, 20:25].sum() == 5


def test_remove_small_components_counts_diagonal_neighbours_as_connected():
    mask = np.zeros((8, 8), dtype=bool)
    mask[[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]] = True
    assert remove_small_components(mask, 5).sum() == 5
    assert remove_small_components(mask, 6).sum() == 0


def test_sketch_draws_the_thinned_outline_in_black_at_pen_width_on_white():
    edges = square_ring(size=256, outer=(64, 192), thickness=4)
    sketch = sketch_from_edges(edges)
    pixels = np.asarray(sketch)

    assert sketch.mode == "L" and sketch.size == (256, 256)
    assert pixels[128, 60:70].min() == 0  # black on the left side
    assert (pixels[128, 60:70] < 128).sum() >= 2  # wider than the 1-px skeleton
    assert (pixels[128, 60:70] < 128).sum() <= 5
    assert pixels[80:176, 80:176].min() == 255  # white inside
    assert pixels[:56].min() == 255  # and outside


def test_a_thin_drawing_is_restroked_at_pen_width_whatever_its_polarity():
    drawing = Image.new("L", (256, 256), 255)
    ImageDraw.Draw(drawing).line((40, 128, 216, 128), fill=0, width=1)
    inverted = Image.eval(drawing, lambda value: 255 - value)

    for given in (drawing, inverted):
        pixels = np.asarray(restroke_line_drawing(given))
        assert pixels[128, 128] == 0
        assert 2 <= (pixels[120:136, 128] < 128).sum() <= 5
        assert pixels[:100].min() == 255


def filled_square(size=256):
    photo = Image.new("RGB", (size, size), (240, 240, 235))
    ImageDraw.Draw(photo).rectangle((64, 64, 191, 191), fill=(60, 90, 160))
    return photo


def test_canny_finds_the_boundary_of_a_filled_square_and_nothing_else():
    edges = canny_edge_map(filled_square())
    assert edges.dtype == np.float32 and edges.shape == (256, 256)
    near_boundary = np.zeros_like(edges, dtype=bool)
    near_boundary[60:196, 60:196] = True
    near_boundary[68:188, 68:188] = False
    assert edges[~near_boundary].max() == 0
    assert edges[128, 60:68].max() == 1.0
    assert edges[60:68, 128].max() == 1.0


def test_canny_detector_makes_a_sketch_of_the_same_form():
    detector = CannyEdgeDetector()
    sketch = detector.sketch(filled_square())
    pixels = np.asarray(sketch)
    assert detector.method == "canny"
    assert sketch.mode == "L" and sketch.size == (256, 256)
    assert pixels[128, 58:70].min() == 0
    assert pixels[90:166, 90:166].min() == 255
    assert pixels[:50].min() == 255
