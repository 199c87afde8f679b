"""Photo -> training sketch: HED (or a classical fallback) edges, then pix2pix post-processing."""
import logging
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from training.edges.classical import canny_edge_map
from training.edges.hed import HED
from training.edges.hed_weights import HedWeightsUnavailable, load_hed
from training.edges.postprocess import sketch_from_edges

logger = logging.getLogger(__name__)

EDGE_METHODS = ("auto", "hed", "canny")
# HED (zero "same" padding) answers up to ~0.24 along the image border, above the 25/255 threshold
# on plain backgrounds; mirroring this many pixels around the photo first removes that frame
# (pix2pix's batch_hed.py mirrors 128 px for the same reason; 16 suffices at 256x256).
HED_REFLECT_PAD = 16


class EdgeDetector:
    """Turns RGB photos into sketches: black lines at the canvas pen width on white, PIL "L"."""

    method = ""

    def edge_maps(self, photos: list[Image.Image]) -> list[np.ndarray]:
        """One H x W float edge map in [0, 1] per photo."""
        raise NotImplementedError

    def sketches(self, photos: list[Image.Image]) -> list[Image.Image]:
        return [sketch_from_edges(edges) for edges in self.edge_maps(photos)]

    def sketch(self, photo: Image.Image) -> Image.Image:
        """One photo (PIL RGB, 256x256 in datasets) -> its sketch, same size."""
        return self.sketches([photo])[0]


class HedEdgeDetector(EdgeDetector):
    method = "hed"

    def __init__(self, network: HED):
        self.network = network.eval()

    def edge_maps(self, photos: list[Image.Image]) -> list[np.ndarray]:
        if not photos:
            return []
        sizes = {photo.size for photo in photos}
        if len(sizes) > 1:  # one batch needs one size
            return [self.edge_maps([photo])[0] for photo in photos]
        batch = np.stack([np.asarray(photo.convert("RGB"), dtype=np.float32) for photo in photos])
        rgb = torch.from_numpy(batch).permute(0, 3, 1, 2) / 255.0
        pad = min(HED_REFLECT_PAD, rgb.shape[2] - 1, rgb.shape[3] - 1)
        with torch.inference_mode():
            padded = F.pad(rgb, (pad, pad, pad, pad), mode="reflect")
            probability = self.network(padded)[:, 0, pad:pad + rgb.shape[2], pad:pad + rgb.shape[3]]
        return list(probability.numpy())


class CannyEdgeDetector(EdgeDetector):
    method = "canny"

    def edge_maps(self, photos: list[Image.Image]) -> list[np.ndarray]:
        return [canny_edge_map(photo) for photo in photos]


def edge_detector(method: str = "auto", hed_cache: Path | None = None) -> EdgeDetector:
    """The edge detector for a method: "hed", "canny", or "auto" (HED when its weights load).

    "hed" raises HedWeightsUnavailable without weights; "auto" then warns loudly and uses Canny.
    """
    if method not in EDGE_METHODS:
        raise ValueError(f"unknown edge method {method!r}; choose one of {', '.join(EDGE_METHODS)}")
    if method == "canny":
        return CannyEdgeDetector()
    try:
        return HedEdgeDetector(load_hed(cache_path=hed_cache))
    except HedWeightsUnavailable as error:
        if method == "hed":
            raise
        message = (
            f"HED weights unavailable ({error}); falling back to Canny edges. Sketches will look "
            "less like the pix2pix datasets and the dataset records edge_method 'canny'."
        )
        logger.warning(message)
        print(f"WARNING: {message}", file=sys.stderr)
        return CannyEdgeDetector()
