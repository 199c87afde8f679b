"""Classical edge fallback (Canny) for when the HED weights are missing: same output form as HED."""
import numpy as np
from PIL import Image
from skimage.feature import canny

# Gaussian blur before Canny, in pixels at 256x256: hides texture and JPEG noise, keeps outlines.
CANNY_SIGMA = 2.0
# Hysteresis thresholds on the gradient of a [0, 1] grey image (skimage's own defaults).
CANNY_LOW_THRESHOLD = 0.1
CANNY_HIGH_THRESHOLD = 0.2


def canny_edge_map(photo: Image.Image) -> np.ndarray:
    """PIL photo -> H x W float32 edge map in [0, 1] (1 on Canny edges), like HED's."""
    grey = np.asarray(photo.convert("L"), dtype=np.float32) / 255.0
    edges = canny(
        grey, sigma=CANNY_SIGMA, low_threshold=CANNY_LOW_THRESHOLD,
        high_threshold=CANNY_HIGH_THRESHOLD, mode="nearest",
    )
    return edges.astype(np.float32)
