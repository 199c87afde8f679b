"""Versioned generator files (safetensors + JSON card) per category, loaded once per process."""
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file
from torch import nn

from inference.categories import CATEGORIES
from inference.files import write_atomically, write_text_atomically
from inference.narrow_conv import serve_narrow_convs_space_to_depth
from inference.networks import build_generator
from inference.precision import serving_dtype
from inference.rasterize import HINTED_CHANNELS, SKETCH_CHANNELS, model_input
from inference.sign_bit_relu import serve_relus_by_sign_bit

logger = logging.getLogger(__name__)

STILL_LEARNING = "still learning"
ACTIVE_FILE = "ACTIVE"
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a file name, never a path
PICTURE_SIZE = 256
DTYPES = {"float16": torch.float16, "float32": torch.float32, "bfloat16": torch.bfloat16}
# Served in channels_last on every device: cuDNN's fp16 tensor-core convolutions want it, and
# oneDNN's CPU convolutions run faster in it (bench/forward.py prints both layouts).
SERVING_MEMORY_FORMAT = torch.channels_last


class ModelUnavailable(Exception):
    """No picture can be made: `reason` is for the child, `detail` for the logs."""

    def __init__(self, reason: str = STILL_LEARNING, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class LoadedModel:
    card: dict
    module: nn.Module
    device: torch.device


@dataclass(frozen=True)
class GeneratedPicture:
    image: Image.Image  # RGB, PICTURE_SIZE x PICTURE_SIZE
    version: str
    model_ms: float


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    return category


def check_version(version: str) -> str:
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        raise ValueError(f"bad model version {version!r}: use 1-64 letters, digits, '.', '_' "
                         "or '-', starting with a letter or digit")
    return version


def weights_path(models_dir: Path, category: str, version: str) -> Path:
    """Where a version's weights live; its card is the same path with a .json suffix."""
    return Path(models_dir) / check_category(category) / f"{check_version(version)}.safetensors"


def set_active_version(models_dir: Path, category: str, version: str) -> None:
    """Make `version` the one served for `category` (workers pick it up on their next picture).
    In the studio only training.actions calls this, keeping the ModelVersion rows in step."""
    if not weights_path(models_dir, category, version).is_file():
        raise FileNotFoundError(f"no saved model {category}/{version} in {models_dir}")
    write_text_atomically(Path(models_dir) / category / ACTIVE_FILE, version + "\n")


def save_model(models_dir: Path, category: str, version: str, generator: nn.Module, card: dict,
               dtype: torch.dtype = torch.float16) -> Path:
    """Write the weights as safetensors with the card beside them; returns the weights path.

    The card must name the "architecture" and "arguments" that rebuild this generator; the
    category, version and dtype fields are filled in here. Files appear atomically. The model
    is a candidate: only training.actions.do_promote makes a version the served one.
    """
    path = weights_path(models_dir, category, version)
    dtype_name = next((name for name, value in DTYPES.items() if value == dtype), None)
    if dtype_name is None:
        raise ValueError(f"dtype must be one of {list(DTYPES)}, got {dtype}")
    card = {**card, "category": category, "version": version, "dtype": dtype_name}
    card_text = _card_text(card)  # before any file is written: a card that is not JSON fails
    expected = _build(card).state_dict()
    state = {name: tensor.detach().to("cpu", dtype if tensor.is_floating_point() else None)
             .contiguous() for name, tensor in generator.state_dict().items()}
    _check_state(state, expected)
    for name, tensor in state.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ValueError(f"weight {name} is not finite in {dtype_name}; not saving it")
    metadata = {"category": category, "version": version, "architecture": card["architecture"]}
    write_atomically(path, lambda temporary: save_file(state, temporary, metadata=metadata))
    write_text_atomically(path.with_suffix(".json"), card_text)
    return path


def read_card(path: Path) -> dict:
    """The JSON card of a model, given its .json or .safetensors path."""
    path = Path(path).with_suffix(".json")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"model card {path} is not valid JSON: {error}") from error
    if not isinstance(card, dict):
        raise ValueError(f"model card {path} must hold a JSON object")
    return card


def update_card(path: Path, **fields) -> dict:
    """Set top-level fields of a model's card (given its .json or .safetensors path), atomically;
    returns the new card. Workers see the change like any other edit of the files."""
    card = {**read_card(path), **fields}
    write_text_atomically(Path(path).with_suffix(".json"), _card_text(card))
    return card


def _card_text(card: dict) -> str:
    return json.dumps(card, indent=2, sort_keys=True)


def is_trained(card: dict) -> bool:
    training = card.get("training")
    steps = training.get("steps") if isinstance(training, dict) else None
    return isinstance(steps, int) and not isinstance(steps, bool) and steps > 0


def _build(card: dict) -> nn.Module:
    """The card's architecture with no weights allocated (meta device): for shapes and loading."""
    arguments = card.get("arguments")
    if not isinstance(arguments, dict):
        raise ValueError("model card needs an 'arguments' object")
    with torch.device("meta"):
        return build_generator(card.get("architecture"), **arguments)


def _check_state(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> None:
    missing, unexpected = expected.keys() - state.keys(), state.keys() - expected.keys()
    if missing or unexpected:
        raise ValueError(f"weights do not fit the architecture: missing {sorted(missing)[:5]}, "
                         f"unexpected {sorted(unexpected)[:5]}")
    for name, tensor in expected.items():
        if state[name].shape != tensor.shape:
            raise ValueError(f"weight {name} has shape {tuple(state[name].shape)}, the "
                             f"architecture needs {tuple(tensor.shape)}")


def input_channels(card: dict) -> int:
    """How many input channels the card's model takes: 1 (the sketch) or 5 (the sketch and
    colour hints, recorded as "input": "sketch+hints")."""
    arguments = card.get("arguments") if isinstance(card.get("arguments"), dict) else {}
    channels = arguments.get("in_channels", SKETCH_CHANNELS)
    if channels not in (SKETCH_CHANNELS, HINTED_CHANNELS):
        raise ValueError(f"model card asks for {channels!r} input channels; a model takes "
                         f"{SKETCH_CHANNELS} (sketch) or {HINTED_CHANNELS} (sketch and hints)")
    return channels


def takes_hints(card: dict) -> bool:
    return input_channels(card) == HINTED_CHANNELS


def resolve_device(name: str | torch.device | None = "auto") -> torch.device:
    """The torch device a name asks for: "auto" (or nothing) is CUDA when there is one, else the
    CPU; ValueError for a name torch does not know or a CUDA device this machine lacks."""
    if name in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ValueError(f"bad device {name!r}: {error}") from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} was asked for, but this machine has no usable CUDA")
    return device


def _load_module(path: Path, card: dict, device: torch.device) -> nn.Module:
    """Build the card's architecture and fill it from the safetensors file (no pickles)."""
    module = _build(card)
    state = load_file(path, device="cpu")
    _check_state(state, module.state_dict())
    for name, tensor in state.items():
        if not torch.isfinite(tensor).all():
            raise ValueError(f"weight {name} is not finite")
        state[name] = tensor.to(device, serving_dtype(device), copy=True)
    module.load_state_dict(state, strict=True, assign=True)
    return prepare_for_inference(module, device)


def prepare_for_inference(module: nn.Module, device: torch.device) -> nn.Module:
    """The module as served on `device`: eval mode, no gradients, serving dtype and memory
    format (inputs must match: see as_served_input); on the CPU, narrow convs run as
    space-to-depth convs (see inference.narrow_conv) and ReLUs in bf16 by the sign bit (see
    inference.sign_bit_relu)."""
    module.requires_grad_(False).eval()
    module = module.to(device, serving_dtype(device), memory_format=SERVING_MEMORY_FORMAT)
    if device.type == "cpu":
        serve_narrow_convs_space_to_depth(module)
        serve_relus_by_sign_bit(module)
    return module


def as_served_input(batch: torch.Tensor, device: torch.device) -> torch.Tensor:
    """A sketch batch moved to `device` in the dtype and memory format the model is served in."""
    return batch.to(device, serving_dtype(device), memory_format=SERVING_MEMORY_FORMAT)


def _file_signature(*paths: Path) -> tuple:
    stats = [path.stat() for path in paths]
    return tuple((stat.st_ino, stat.st_mtime_ns, stat.st_size) for stat in stats)


class Registry:
    """Serves each category's ACTIVE version, loading each model once per process and device.

    ACTIVE is read on every call (one small file), so a promoted version is used from the next
    picture on without a restart. Loaded models and load failures are cached by (category,
    version, device) and refreshed when the files change.
    """

    def __init__(self, models_dir: Path, device: str | torch.device | None = None):
        self.models_dir = Path(models_dir)
        self.device = resolve_device(device)
        self._cache: dict[tuple[str, str, str], tuple[tuple, LoadedModel | ModelUnavailable]] = {}
        self._lock = threading.Lock()

    def active_version(self, category: str) -> str | None:
        """The version named in <category>/ACTIVE, or None when there is none (or it is bad)."""
        path = self.models_dir / check_category(category) / ACTIVE_FILE
        try:
            version = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            logger.error("cannot read %s: %s", path, error)
            return None
        if not VERSION_PATTERN.fullmatch(version):
            logger.error("%s names a bad version %r", path, version)
            return None
        return version

    def load(self, category: str, version: str | None = None) -> LoadedModel:
        """The model for this version (default: the active one); raises ModelUnavailable."""
        check_category(category)
        version = check_version(version) if version is not None else self.active_version(category)
        if version is None:
            raise ModelUnavailable(STILL_LEARNING, f"{category} has no active model")
        path = weights_path(self.models_dir, category, version)
        key = (category, version, str(self.device))
        with self._lock:
            try:
                signature = _file_signature(path, path.with_suffix(".json"))
            except OSError as error:
                logger.error("model %s/%s is missing: %s", category, version, error)
                raise ModelUnavailable(STILL_LEARNING, f"{category}/{version}: {error}") from error
            cached = self._cache.get(key)
            if cached is None or cached[0] != signature:
                self._evict_other_versions(category, version)
                cached = (signature, self._load_uncached(path, category, version))
                self._cache[key] = cached
        outcome = cached[1]
        if isinstance(outcome, ModelUnavailable):
            raise ModelUnavailable(outcome.reason, outcome.detail)
        return outcome

    def _evict_other_versions(self, category: str, version: str) -> None:
        """A worker serves one version per category; older ones only hold memory."""
        for key in [key for key in self._cache if key[0] == category and key[1] != version
                    and key[2] == str(self.device)]:
            del self._cache[key]

    def _load_uncached(self, path: Path, category: str,
                       version: str) -> LoadedModel | ModelUnavailable:
        try:
            card = read_card(path)
            if not is_trained(card):
                return ModelUnavailable(STILL_LEARNING, f"{category}/{version} is untrained")
            if card.get("category") != category or card.get("version") != version:
                raise ValueError(f"card names {card.get('category')}/{card.get('version')}")
            input_channels(card)
            module = _load_module(path, card, self.device)
        except Exception as error:  # a broken file must never reach the child as a crash
            logger.error("model %s/%s cannot be loaded: %s", category, version, error,
                         exc_info=True)
            return ModelUnavailable(STILL_LEARNING, f"{category}/{version} is unreadable: {error}")
        logger.info("loaded model %s/%s on %s", category, version, self.device)
        return LoadedModel(card=card, module=module, device=self.device)

    def generate(self, category: str, sketch: Image.Image,
                 hints: np.ndarray | None = None) -> GeneratedPicture:
        """The category's active model applied to a PICTURE_SIZE "L" sketch: an RGB picture."""
        return self.generate_batch(category, [sketch], [hints])[0]

    def generate_batch(self, category: str, sketches: list[Image.Image],
                       hints: list[np.ndarray | None] | None = None) -> list[GeneratedPicture]:
        """The category's active model applied to several sketches in one forward: one picture
        each, in order, the same pictures generate() makes one at a time. Each picture's
        model_ms is its share of the forward's time.

        `hints` (rasterize_hints of each sketch's strokes) reach only a model whose card takes
        them; a sketch-only model ignores them, a hint model without them sees no hints.
        """
        if not sketches:
            raise ValueError("generate_batch needs at least one sketch")
        hints = hints if hints is not None else [None] * len(sketches)
        if len(hints) != len(sketches):
            raise ValueError(f"{len(hints)} hints for {len(sketches)} sketches")
        for sketch in sketches:
            if not isinstance(sketch, Image.Image) or sketch.mode != "L" \
                    or sketch.size != (PICTURE_SIZE, PICTURE_SIZE):
                raise ValueError(f"sketch must be a {PICTURE_SIZE}x{PICTURE_SIZE} 'L' image, "
                                 f"got {sketch!r}")
        model = self.load(category)
        channels = input_channels(model.card)
        batch = torch.cat([model_input(sketch, hint, channels)
                           for sketch, hint in zip(sketches, hints, strict=True)])
        started = time.perf_counter()
        with torch.inference_mode():
            output = model.module(as_served_input(batch, model.device))
            pixels = ((output.float() + 1) * 127.5).round_().clamp_(0, 255).to(torch.uint8)
            pixels = pixels.permute(0, 2, 3, 1).cpu().numpy()  # the copy waits for the GPU
        share_ms = (time.perf_counter() - started) * 1000 / len(sketches)
        version = model.card["version"]
        return [GeneratedPicture(image=Image.fromarray(np.ascontiguousarray(one)),
                                 version=version, model_ms=share_ms) for one in pixels]


_registry: tuple[tuple[str, str], Registry] | None = None
_registry_lock = threading.Lock()


def get_registry() -> Registry:
    """The process-wide registry for settings.MODELS_DIR and settings.INFERENCE_DEVICE."""
    from django.conf import settings

    global _registry
    configuration = (str(settings.MODELS_DIR), settings.INFERENCE_DEVICE or "")
    with _registry_lock:
        if _registry is None or _registry[0] != configuration:
            _registry = (configuration, Registry(settings.MODELS_DIR, configuration[1] or None))
        return _registry[1]
