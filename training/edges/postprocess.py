"""pix2pix edge post-processing: threshold, thin to 1-px lines, drop specks, draw at pen width."""
import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.measure import label
from skimage.morphology import thin

from inference.rasterize import SKETCH_STROKE_SIZE, thicken

# The pix2pix authors' PostprocessHED.m: edge NMS (Dollar's edgesNmsMex(E, O, 1, 5, 1.01)),
# threshold 25/255, bwmorph thin, bwareaopen 5 (8-connected).
EDGE_THRESHOLD = 25 / 255
MIN_COMPONENT_PIXELS = 5
ORIENTATION_BLUR_RADIUS = 4  # convTri(E, 4) before the orientation estimate
NMS_RADIUS = 1
NMS_MARGIN = 1.01  # a pixel survives unless a neighbour across the edge beats it by over 1%
NMS_BORDER_FADE = 5  # edges fade linearly to zero over this many pixels at the image border
# A given line drawing (pix2pix "aligned" A half) counts a pixel as line below this grey level.
LINE_GREY_LEVEL = 128


def remove_small_components(mask: np.ndarray, min_pixels: int = MIN_COMPONENT_PIXELS) -> np.ndarray:
    """The mask without 8-connected components of fewer than min_pixels pixels."""
    labels = label(mask, connectivity=2)
    sizes = np.bincount(labels.ravel())
    keep = sizes >= min_pixels
    keep[0] = False  # background
    return keep[labels]


def triangle_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Dollar's convTri: separable triangle filter 1, 2, .., r+1, .., 2, 1, mirrored borders."""
    ramp = np.arange(1, radius + 2, dtype=np.float64)
    kernel = np.concatenate([ramp, ramp[-2::-1]]) / (radius + 1) ** 2
    blurred = ndimage.convolve1d(image, kernel, axis=0, mode="reflect")
    return ndimage.convolve1d(blurred, kernel, axis=1, mode="reflect")


def edge_orientation(edges: np.ndarray) -> np.ndarray:
    """Angle in [0, pi) (x right, y down) of the normal across each ridge of the blurred edge map.

    The Hessian's direction of strongest curvature: across the ridge on its crest and on its
    flanks alike. PostprocessHED's atan(Oyy * sign(-Oxy) / Oxx) agrees at 0, 45 and 90 degrees
    but is off by up to ~20 degrees in between and gives 0 for an exactly horizontal edge.
    """
    smooth = triangle_blur(edges, ORIENTATION_BLUR_RADIUS)
    d_dy, d_dx = np.gradient(smooth)
    d_dxx = np.gradient(d_dx, axis=1)
    d_dyy, d_dxy = np.gradient(d_dy)
    # Eigenvector of the larger eigenvalue; turned 90 degrees where the other is larger in size.
    angle = 0.5 * np.arctan2(2 * d_dxy, d_dxx - d_dyy)
    angle = np.where(d_dxx + d_dyy < 0, angle + np.pi / 2, angle)
    return np.mod(angle, np.pi)


def _bilinear(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    height, width = image.shape
    x = np.clip(x, 0, width - 1.001)
    y = np.clip(y, 0, height - 1.001)
    x0, y0 = x.astype(np.int64), y.astype(np.int64)
    fx, fy = x - x0, y - y0
    return (image[y0, x0] * (1 - fx) * (1 - fy) + image[y0, x0 + 1] * fx * (1 - fy)
            + image[y0 + 1, x0] * (1 - fx) * fy + image[y0 + 1, x0 + 1] * fx * fy)


def edge_nms(edges: np.ndarray) -> np.ndarray:
    """Non-maximum suppression across edges (edgesNmsMex): thick ridges -> their crest.

    Without it, thinning a wide, soft HED ridge leaves a honeycomb of skeleton branches.
    """
    edges = np.asarray(edges, dtype=np.float64)
    orientation = edge_orientation(edges)
    rows, cols = np.mgrid[0:edges.shape[0], 0:edges.shape[1]].astype(np.float64)
    boosted = edges * NMS_MARGIN
    keep = edges > 0
    for step in range(-NMS_RADIUS, NMS_RADIUS + 1):
        if step:
            across = _bilinear(edges, cols + step * np.cos(orientation),
                               rows + step * np.sin(orientation))
            keep &= boosted >= across
    suppressed = np.where(keep, edges, 0.0)
    fade = min(NMS_BORDER_FADE, edges.shape[0] // 2, edges.shape[1] // 2)
    for index in range(fade):
        suppressed[:, [index, -1 - index]] *= index / fade
        suppressed[[index, -1 - index], :] *= index / fade
    return suppressed


def thin_edges(probability: np.ndarray, threshold: float = EDGE_THRESHOLD) -> np.ndarray:
    """Edge probability H x W in [0, 1] -> boolean 1-px line mask (True = line)."""
    probability = np.asarray(probability, dtype=np.float32)
    if probability.ndim != 2 or min(probability.shape) < 2:
        raise ValueError(f"expected an H x W edge map, got shape {probability.shape}")
    return remove_small_components(thin(edge_nms(probability) >= threshold))


def sketch_from_edges(probability: np.ndarray,
                      stroke_size: float = SKETCH_STROKE_SIZE) -> Image.Image:
    """Edge probability -> PIL "L" sketch: black lines at the canvas pen width on white."""
    return thicken(thin_edges(probability), size=stroke_size)


def restroke_line_drawing(drawing: Image.Image,
                          stroke_size: float = SKETCH_STROKE_SIZE) -> Image.Image:
    """A given line drawing redrawn at the canvas pen width, so it looks like a served sketch.

    Lines are the dark pixels; a mostly dark drawing (white lines on black) is inverted first.
    """
    grey = np.asarray(drawing.convert("L"))
    lines = grey < LINE_GREY_LEVEL
    if lines.mean() > 0.5:
        lines = ~lines
    return thicken(remove_small_components(thin(lines)), size=stroke_size)
