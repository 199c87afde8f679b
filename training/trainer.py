"""The pix2pix training loop: one run of generator vs PatchGAN, with checkpoints, logs and export.

A run lives in <runs dir>/<run id>/: config.json, losses.jsonl, loss_curve.png, samples/,
checkpoint/ (safetensors tensors + JSON, never pickles), metrics.json. At the end the generator
is exported to the model registry as a candidate version. Given the seed, a CPU run is fully
deterministic, and a run resumed from a checkpoint ends bit-identical to one never interrupted.
"""
import contextlib
import copy
import dataclasses
import json
import logging
import math
import random
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, Dataset, Sampler

from inference.files import write_atomically, write_text_atomically
from inference.networks import (
    GENERATOR_PRESETS,
    build_generator,
    count_parameters,
    init_weights,
    size_multiple,
)
from inference.registry import save_model, weights_path
from training.augment import PairedAugment
from training.datasets import PairedDataset, read_manifest
from training.discriminators import PatchDiscriminator, receptive_field
from training.losses import GAN_MODES, GANLoss, gradient_penalty, l1_term
from training.metrics import MetricMeans, to_uint8
from training.sheets import contact_sheet, tensor_picture

logger = logging.getLogger(__name__)

DEFAULT_EPOCHS = 200  # pix2pix: 100 at the starting rate + 100 decaying to zero
SAMPLE_ROWS = 4
MAX_SAMPLE_GRIDS = 50  # the per-epoch default never writes more grids than this in one run
CHECKPOINT_DIR = "checkpoint"
CHECKPOINT_STATE = "state.json"
RUN_FILES = {
    "config": "config.json",
    "losses": "losses.jsonl",
    "loss_curve": "loss_curve.png",
    "samples": "samples",
    "checkpoint": CHECKPOINT_DIR,
    "metrics": "metrics.json",
}


@dataclass
class TrainConfig:
    """Every option of a run; saved as config.json and rebuilt into the exact train command."""

    category: str
    dataset: str  # a dataset name under TRAINING_DATA_DIR, or a dataset folder
    generator: str = "resnet9"  # a GENERATOR_PRESETS name ...
    architecture: str | None = None  # ... or an architecture ("resnet" | "unet") ...
    generator_args: dict = field(default_factory=dict)  # ... with arguments (override a preset's)
    steps: int | None = None
    epochs: int | None = None  # steps wins when both are given; DEFAULT_EPOCHS when neither
    batch_size: int = 1
    image_size: int = 256
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    lambda_l1: float = 10.0
    gan_mode: str = "lsgan"
    lambda_gp: float = 10.0
    ndf: int = 64
    n_layers: int = 3
    jitter: bool = True  # resize 286 + random crop 256 (scaled with image_size)
    mirror: bool = True
    stroke_width: bool = True  # sketch-domain augmentations, each switchable
    wobble: bool = True
    gaps: bool = True
    seed: int = 0
    device: str = "auto"  # "auto" picks CUDA when there is one
    sample_every: int | None = None  # None: once per epoch (at most MAX_SAMPLE_GRIDS grids)
    checkpoint_every: int = 500
    num_workers: int = 0
    version: str | None = None  # registry version of the exported model; None: the run id

    def __post_init__(self):
        self.betas = tuple(self.betas)
        self.generator_args = dict(self.generator_args)
        self.check()

    def check(self) -> None:
        """Raise ValueError naming the first option that cannot work."""
        if self.architecture is None and self.generator not in GENERATOR_PRESETS:
            raise ValueError(f"generator must be one of {sorted(GENERATOR_PRESETS)}, "
                             f"got {self.generator!r}")
        if self.gan_mode not in GAN_MODES:
            raise ValueError(f"gan mode must be one of {GAN_MODES}, got {self.gan_mode!r}")
        positive = {"batch_size": self.batch_size, "ndf": self.ndf,
                    "checkpoint_every": self.checkpoint_every}
        for name in ("steps", "epochs", "sample_every"):
            if getattr(self, name) is not None:
                positive[name] = getattr(self, name)
        for name, value in positive.items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.image_size < 16 or self.image_size % 4:
            raise ValueError(f"image size must be a multiple of 4 and at least 16, "
                             f"got {self.image_size}")
        architecture, arguments = self.generator_spec()
        multiple = size_multiple(architecture, arguments)
        if self.image_size % multiple:
            raise ValueError(f"this {architecture} generator halves the picture "
                             f"{multiple.bit_length() - 1} times, so it needs an image size "
                             f"that is a multiple of {multiple}, not {self.image_size}")
        if self.n_layers < 0 or self.num_workers < 0:
            raise ValueError("n_layers and num_workers must not be negative")
        if self.lr <= 0 or self.lambda_l1 < 0 or self.lambda_gp < 0:
            raise ValueError("lr must be positive and the loss weights not negative")
        if len(self.betas) != 2 or not all(0 <= beta < 1 for beta in self.betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas}")

    @property
    def sketch_augment(self) -> bool:
        return self.stroke_width or self.wobble or self.gaps

    def generator_spec(self) -> tuple[str, dict]:
        """(architecture, build_generator arguments) of the generator this run trains."""
        if self.architecture is not None:
            return self.architecture, dict(self.generator_args)
        architecture, arguments = GENERATOR_PRESETS[self.generator]
        return architecture, {**arguments, **self.generator_args}

    def to_dict(self) -> dict:
        document = dataclasses.asdict(self)
        document["betas"] = list(self.betas)
        return document

    @classmethod
    def from_dict(cls, document: dict) -> "TrainConfig":
        known = {option.name for option in dataclasses.fields(cls)}
        # Runs saved before promotion left the trainer (`train --activate` now promotes through
        # training.actions) carry an "activate" option; it no longer belongs to a run.
        document = {name: value for name, value in document.items() if name != "activate"}
        unknown = set(document) - known
        if unknown:
            raise ValueError(f"unknown training options: {sorted(unknown)}")
        return cls(**document)

    def command(self) -> str:
        """The train command that reproduces this run, every option spelled out."""
        words = ["python", "manage.py", "train", self.category, "--dataset", self.dataset]
        if self.architecture is not None:
            words += ["--architecture", self.architecture]
        else:
            words += ["--generator", self.generator]
        if self.generator_args:
            words += ["--generator-args", json.dumps(self.generator_args, sort_keys=True)]
        words += ["--steps", str(self.steps)] if self.steps else ["--epochs", str(self.epochs)]
        words += [
            "--batch-size", str(self.batch_size), "--image-size", str(self.image_size),
            "--lr", repr(self.lr), "--beta1", repr(self.betas[0]), "--beta2", repr(self.betas[1]),
            "--lambda-l1", repr(self.lambda_l1), "--gan-mode", self.gan_mode,
            "--lambda-gp", repr(self.lambda_gp), "--ndf", str(self.ndf),
            "--n-layers", str(self.n_layers), "--seed", str(self.seed),
        ]
        switches = {"--no-jitter": self.jitter, "--no-mirror": self.mirror,
                    "--no-stroke-width": self.stroke_width, "--no-wobble": self.wobble,
                    "--no-gaps": self.gaps}
        words += [flag for flag, enabled in switches.items() if not enabled]
        if self.version:
            words += ["--version", self.version]
        return shlex.join(words)


@dataclass
class TrainResult:
    run_dir: Path
    step: int
    total_steps: int
    stopped: bool  # should_stop() ended the run early; it can be resumed
    wall_time_s: float
    metrics: dict | None = None
    model_path: Path | None = None


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("CUDA was asked for but this machine has no usable CUDA device")
    return device


def resolve_dataset(dataset: str, data_dir: Path) -> Path:
    """A dataset folder from a name under data_dir, or from a path to the folder itself."""
    candidate = Path(dataset).expanduser()
    if (candidate / "manifest.json").is_file():
        return candidate.resolve()
    named = Path(data_dir) / dataset
    if (named / "manifest.json").is_file():
        return named.resolve()
    raise ValueError(f"no dataset {dataset!r}: neither {named} nor {candidate} holds a "
                     "manifest.json (build one with `manage.py build_dataset`)")


class LinearDecay:
    """LR factor: 1.0 for the first half of the steps, then linearly to 0 (pix2pix "linear")."""

    def __init__(self, total_steps: int):
        self.total_steps = total_steps
        self.constant_steps = total_steps // 2

    def __call__(self, step: int) -> float:
        decay_steps = self.total_steps - self.constant_steps
        # pix2pix's rule with steps for epochs: the last step runs at 1 / (decay_steps + 1).
        return 1.0 - max(0, step + 1 - self.constant_steps) / float(decay_steps + 1)


class SeededBatchSampler(Sampler):
    """Batches of (pair index, augmentation seed) for steps start..total-1.

    Step s belongs to epoch s // steps_per_epoch; each epoch's order and every sample's
    augmentation seed come from (seed, epoch, position) alone, so any step can be replayed
    without saved sampler state and worker processes agree.
    """

    def __init__(self, size: int, batch_size: int, seed: int, start_step: int, total_steps: int):
        self.size, self.batch_size, self.seed = size, batch_size, seed
        self.start_step, self.total_steps = start_step, total_steps
        self.steps_per_epoch = math.ceil(size / batch_size)

    def batch_for(self, step: int) -> list[tuple[int, int]]:
        epoch, position = divmod(step, self.steps_per_epoch)
        order = np.random.default_rng([self.seed, epoch]).permutation(self.size)
        slots = range(position * self.batch_size, min(self.size, (position + 1) * self.batch_size))
        return [(int(order[slot]), sample_seed(self.seed, epoch, slot)) for slot in slots]

    def __iter__(self):
        for step in range(self.start_step, self.total_steps):
            yield self.batch_for(step)

    def __len__(self) -> int:
        return max(0, self.total_steps - self.start_step)


def sample_seed(seed: int, epoch: int, slot: int) -> int:
    return int(np.random.SeedSequence([seed, epoch, slot]).generate_state(1)[0])


class AugmentedPairs(Dataset):
    """PairedDataset read with the augmentation reseeded for each (index, seed) item."""

    def __init__(self, pairs: PairedDataset, augment: PairedAugment):
        self.pairs, self.augment = pairs, augment

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, item: tuple[int, int]) -> dict:
        index, seed = item
        self.augment.reseed(seed)
        return self.pairs[index]


def _set_requires_grad(module: torch.nn.Module, flag: bool) -> None:
    for parameter in module.parameters():
        parameter.requires_grad_(flag)


def _write_json(path: Path, document) -> None:
    write_text_atomically(path, json.dumps(document, indent=1))


def _flatten_optimizer(state: dict, prefix: str) -> tuple[dict, dict]:
    """Optimizer state_dict -> (tensors for safetensors, everything else for JSON)."""
    tensors, scalars = {}, {}
    for parameter_id, parameter_state in state["state"].items():
        for name, value in parameter_state.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{parameter_id}.{name}"] = value
            else:
                scalars.setdefault(str(parameter_id), {})[name] = value
    groups = [{**group, "betas": list(group["betas"])} if "betas" in group else dict(group)
              for group in state["param_groups"]]
    return tensors, {"param_groups": groups, "scalars": scalars}


def _unflatten_optimizer(tensors: dict, document: dict, prefix: str) -> dict:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith(prefix + "."):
            parameter_id, name = key[len(prefix) + 1:].split(".", 1)
            state.setdefault(int(parameter_id), {})[name] = value
    for parameter_id, scalars in document["scalars"].items():
        state.setdefault(int(parameter_id), {}).update(scalars)
    groups = [{**group, "betas": tuple(group["betas"])} if "betas" in group else dict(group)
              for group in document["param_groups"]]
    return {"state": state, "param_groups": groups}


def _numpy_rng_state() -> dict:
    name, keys, position, has_gauss, gauss = np.random.get_state()
    return {"name": name, "keys": keys.tolist(), "position": int(position),
            "has_gauss": int(has_gauss), "gauss": float(gauss)}


def _set_numpy_rng_state(state: dict) -> None:
    np.random.set_state((state["name"], np.array(state["keys"], dtype=np.uint32),
                         state["position"], state["has_gauss"], state["gauss"]))


def _python_rng_state() -> list:
    version, internal, gauss_next = random.getstate()
    return [version, list(internal), gauss_next]


def _set_python_rng_state(state: list) -> None:
    version, internal, gauss_next = state
    random.setstate((version, tuple(internal), gauss_next))


def _contiguous_cpu(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().cpu().contiguous()


class Trainer:
    """Trains one generator against a PatchGAN as configured; train() runs the whole loop.

    should_stop() is asked after every step; when it says True the trainer writes a checkpoint
    and returns (the run can be resumed). progress(step, total, losses, eta_s) reports each step.
    """

    def __init__(self, config: TrainConfig, *, runs_dir: Path | None = None,
                 data_dir: Path | None = None, models_dir: Path | None = None,
                 run_id: str | None = None, should_stop: Callable[[], bool] | None = None,
                 progress: Callable[[int, int, dict, float], None] | None = None,
                 log: Callable[[str], None] | None = None, export: bool = True):
        from django.conf import settings

        self.config = config
        self.runs_dir = Path(runs_dir or settings.TRAINING_RUNS_DIR)
        self.models_dir = Path(models_dir or settings.MODELS_DIR)
        self.should_stop = should_stop or (lambda: False)
        self.progress = progress
        self.log = log or logger.info
        self.export_at_end = export
        self.device = resolve_device(config.device)
        self.on_cuda = self.device.type == "cuda"

        self.dataset_dir = resolve_dataset(config.dataset, Path(data_dir or
                                                                settings.TRAINING_DATA_DIR))
        self.manifest = read_manifest(self.dataset_dir)
        if self.manifest.get("category") != config.category:
            raise ValueError(f"dataset {self.manifest.get('name')!r} is for category "
                             f"{self.manifest.get('category')!r}, not {config.category!r}")
        self.augment = PairedAugment(
            config.image_size, jitter=config.jitter, mirror=config.mirror,
            stroke_width=config.stroke_width, wobble=config.wobble, gaps=config.gaps,
            seed=config.seed,
        )
        self.train_pairs = PairedDataset(self.dataset_dir, "train", transform=self.augment)
        if len(self.train_pairs) == 0:
            raise ValueError(f"dataset {self.dataset_dir} has no training pairs")
        plain = PairedAugment.resize_only(config.image_size)
        self.val_pairs = PairedDataset(self.dataset_dir, "val", transform=plain)
        self.val_split = "val"
        if len(self.val_pairs) == 0:
            self.val_pairs = PairedDataset(self.dataset_dir, "train", transform=plain)
            self.val_split = "train"  # nothing held out: metrics on training pairs, and said so
        self.steps_per_epoch = math.ceil(len(self.train_pairs) / config.batch_size)
        if config.steps:
            self.total_steps = config.steps
        else:
            self.total_steps = (config.epochs or DEFAULT_EPOCHS) * self.steps_per_epoch
        self.sample_every = config.sample_every or max(
            self.steps_per_epoch, math.ceil(self.total_steps / MAX_SAMPLE_GRIDS))

        self._seed_everything(config.seed)
        architecture, arguments = config.generator_spec()
        self.architecture, self.generator_arguments = architecture, arguments
        self.generator = init_weights(build_generator(architecture, **arguments)).to(self.device)
        self.discriminator = init_weights(PatchDiscriminator(
            in_channels=self.generator_in_channels + 3, ndf=config.ndf, n_layers=config.n_layers,
        )).to(self.device)
        if self.on_cuda:
            torch.backends.cudnn.benchmark = True
            self.generator.to(memory_format=torch.channels_last)
            self.discriminator.to(memory_format=torch.channels_last)
        self.gan_loss = GANLoss(config.gan_mode)
        self.optimizer_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr,
                                            betas=config.betas)
        self.optimizer_d = torch.optim.Adam(self.discriminator.parameters(), lr=config.lr,
                                            betas=config.betas)
        self.scheduler_g = LambdaLR(self.optimizer_g, LinearDecay(self.total_steps))
        self.scheduler_d = LambdaLR(self.optimizer_d, LinearDecay(self.total_steps))
        self.autocast_dtype = None
        if self.on_cuda:
            self.autocast_dtype = (torch.bfloat16 if torch.cuda.is_bf16_supported()
                                   else torch.float16)
        self.scaler = torch.amp.GradScaler(
            self.device.type, enabled=self.autocast_dtype == torch.float16)

        self.step = 0
        self.previous_wall_time_s = 0.0  # wall time of earlier sessions of a resumed run
        self.run_id = run_id or self._new_run_id()
        self.run_dir = self.runs_dir / self.run_id
        self.model_path = weights_path(self.models_dir, config.category,
                                       config.version or self.run_id)
        if export and self.model_path.exists():
            raise ValueError(f"model version {self.model_path.stem!r} already exists at "
                             f"{self.model_path}; choose another --version")

    @property
    def generator_in_channels(self) -> int:
        return self.generator_arguments.get("in_channels", 1)

    @staticmethod
    def _seed_everything(seed: int) -> None:
        random.seed(seed)
        np.random.seed(seed % 2**32)
        torch.manual_seed(seed)

    def _new_run_id(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        base = f"{self.config.category}-{stamp}"
        run_id, suffix = base, 1
        while (self.runs_dir / run_id).exists():
            suffix += 1
            run_id = f"{base}-{suffix}"
        return run_id

    @classmethod
    def resume(cls, run: str, *, runs_dir: Path | None = None, device: str | None = None,
               **options) -> "Trainer":
        """A trainer that continues run `run` (a run id under runs_dir, or its folder)."""
        from django.conf import settings

        runs_dir = Path(runs_dir or settings.TRAINING_RUNS_DIR)
        run_dir = Path(run) if (Path(run) / RUN_FILES["config"]).is_file() else runs_dir / run
        if not (run_dir / CHECKPOINT_DIR / CHECKPOINT_STATE).is_file():
            raise ValueError(f"no run with a checkpoint at {run_dir}")
        document = json.loads((run_dir / RUN_FILES["config"]).read_text())
        config = TrainConfig.from_dict(document["config"])
        if device is not None:
            config.device = device
        trainer = cls(config, runs_dir=run_dir.parent, run_id=run_dir.name, **options)
        trainer.load_checkpoint()
        return trainer

    # The algorithm ---------------------------------------------------------------------------

    def autocast(self):
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.autocast_dtype)

    def _to_device(self, tensor: torch.Tensor) -> torch.Tensor:
        tensor = tensor.to(self.device, non_blocking=True)
        return tensor.contiguous(memory_format=torch.channels_last) if self.on_cuda else tensor

    def train_step(self, batch: dict) -> dict:
        """One pix2pix iteration: D learns real vs fake pairs, then G learns to fool D and match."""
        sketch, real = self._to_device(batch["sketch"]), self._to_device(batch["photo"])
        with self.autocast():
            fake = self.generator(sketch)

        _set_requires_grad(self.discriminator, True)
        self.optimizer_d.zero_grad(set_to_none=True)
        real_pair = torch.cat([sketch, real], dim=1)
        fake_pair = torch.cat([sketch, fake.detach()], dim=1)
        with self.autocast():
            d_real, d_fake = self.discriminator(real_pair), self.discriminator(fake_pair)
        d_loss = self.gan_loss.discriminator_loss(d_real, d_fake)
        penalty = torch.zeros((), device=self.device)
        if self.config.gan_mode == "wgangp":
            penalty = gradient_penalty(self.discriminator, real_pair, fake_pair,
                                       self.config.lambda_gp)  # in float32, outside autocast
        self.scaler.scale(d_loss + penalty).backward()
        self.scaler.step(self.optimizer_d)

        _set_requires_grad(self.discriminator, False)  # G's step must not train D
        self.optimizer_g.zero_grad(set_to_none=True)
        with self.autocast():
            d_fake_for_g = self.discriminator(torch.cat([sketch, fake], dim=1))
        g_gan = self.gan_loss.generator_loss(d_fake_for_g)
        g_l1 = l1_term(fake, real, self.config.lambda_l1)
        self.scaler.scale(g_gan + g_l1).backward()
        self.scaler.step(self.optimizer_g)
        self.scaler.update()

        lr = self.optimizer_g.param_groups[0]["lr"]
        self.scheduler_g.step()
        self.scheduler_d.step()
        self.step += 1
        raw_l1 = g_l1 / self.config.lambda_l1 if self.config.lambda_l1 else l1_term(fake, real, 1)
        values = torch.stack([d_loss, penalty, g_gan, raw_l1, g_gan + g_l1]).detach().tolist()
        return dict(zip(("d", "gp", "g_gan", "l1", "g"), values, strict=True)) | {"lr": lr}

    # The loop --------------------------------------------------------------------------------

    def _loader(self) -> DataLoader:
        sampler = SeededBatchSampler(len(self.train_pairs), self.config.batch_size,
                                     self.config.seed, self.step, self.total_steps)
        # An own generator keeps DataLoader from drawing on the global RNG (exact resume).
        return DataLoader(AugmentedPairs(self.train_pairs, self.augment), batch_sampler=sampler,
                          num_workers=self.config.num_workers, pin_memory=self.on_cuda,
                          generator=torch.Generator().manual_seed(self.config.seed))

    def train(self) -> TrainResult:
        self._open_run()
        started = time.perf_counter()
        first_step = self.step
        self.generator.train()
        self.discriminator.train()
        with (self.run_dir / RUN_FILES["losses"]).open("a", encoding="utf-8") as loss_log:
            for batch in self._loader():
                losses = self.train_step(batch)
                elapsed = time.perf_counter() - started
                loss_log.write(json.dumps({"step": self.step, "epoch": self.epoch,
                                           **losses, "time_s": round(elapsed, 3)}) + "\n")
                finished = self.step == self.total_steps
                if self.step % self.sample_every == 0 or finished:
                    self.save_samples()
                if self.progress is not None:
                    eta = elapsed / (self.step - first_step) * (self.total_steps - self.step)
                    self.progress(self.step, self.total_steps, losses, eta)
                stop = not finished and self.should_stop()
                if self.step % self.config.checkpoint_every == 0 or finished or stop:
                    loss_log.flush()
                    self.save_checkpoint(self.previous_wall_time_s + elapsed)
                    self.plot_losses()
                if stop:
                    self.log(f"stopped at step {self.step} of {self.total_steps}; "
                             f"resume with --resume {self.run_id}")
                    return TrainResult(self.run_dir, self.step, self.total_steps, True,
                                       self.previous_wall_time_s + elapsed)
        wall_time = self.previous_wall_time_s + time.perf_counter() - started
        metrics = self.validate()
        document = {"step": self.step, "split": self.val_split, "val": metrics,
                    "wall_time_s": round(wall_time, 3)}
        _write_json(self.run_dir / RUN_FILES["metrics"], document)
        model_path = self.export(metrics, wall_time) if self.export_at_end else None
        return TrainResult(self.run_dir, self.step, self.total_steps, False, wall_time, metrics,
                           model_path)

    @property
    def epoch(self) -> int:
        return (self.step - 1) // self.steps_per_epoch + 1 if self.step else 0

    def _open_run(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / RUN_FILES["samples"]).mkdir(exist_ok=True)
        (self.run_dir / CHECKPOINT_DIR).mkdir(exist_ok=True)
        config_path = self.run_dir / RUN_FILES["config"]
        if not config_path.exists():
            _write_json(config_path, self.describe())
        self._trim_loss_log()
        options = "\n".join(f"  {name}: {value}" for name, value in self.config.to_dict().items())
        self.log(f"run {self.run_id} in {self.run_dir}\n"
                 f"  dataset dir: {self.dataset_dir} ({len(self.train_pairs)} train, "
                 f"{len(self.val_pairs)} {self.val_split})\n"
                 f"  steps: {self.total_steps} ({self.steps_per_epoch} per epoch), "
                 f"starting at {self.step}, device {self.device}\n{options}")

    def describe(self) -> dict:
        """config.json: the options, the exact command and what they resolved to."""
        return {
            "config": self.config.to_dict(),
            "command": self.config.command(),
            "run_id": self.run_id,
            "dataset_dir": str(self.dataset_dir),
            "edge_method": self.manifest.get("edge_method"),
            "total_steps": self.total_steps,
            "steps_per_epoch": self.steps_per_epoch,
            "sample_every": self.sample_every,
            "generator": {"architecture": self.architecture, "arguments": self.generator_arguments,
                          "parameters": count_parameters(self.generator)},
            "discriminator": {"ndf": self.config.ndf, "n_layers": self.config.n_layers,
                              "receptive_field": receptive_field(self.config.n_layers),
                              "parameters": count_parameters(self.discriminator)},
            "device": str(self.device),
            "autocast": str(self.autocast_dtype) if self.autocast_dtype else None,
            "torch": torch.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def _trim_loss_log(self) -> None:
        """Drop log lines written after the checkpoint we resume from (a crash leaves them)."""
        path = self.run_dir / RUN_FILES["losses"]
        if not path.exists():
            return
        kept = [line for line in path.read_text().splitlines()
                if line.strip() and json.loads(line)["step"] <= self.step]
        write_text_atomically(path, "".join(line + "\n" for line in kept))

    # Checkpoints -----------------------------------------------------------------------------

    def save_checkpoint(self, wall_time_s: float) -> Path:
        """checkpoint/step_XXXXX.safetensors (every tensor) + state.json (the rest), atomically."""
        folder = self.run_dir / CHECKPOINT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {}
        for prefix, module in (("generator", self.generator),
                               ("discriminator", self.discriminator)):
            for key, value in module.state_dict().items():
                tensors[f"{prefix}.{key}"] = _contiguous_cpu(value)
        optimizers = {}
        for name, optimizer in (("optimizer_g", self.optimizer_g),
                                ("optimizer_d", self.optimizer_d)):
            flat, optimizers[name] = _flatten_optimizer(optimizer.state_dict(), name)
            tensors.update({key: _contiguous_cpu(value) for key, value in flat.items()})
        tensors["rng.torch"] = torch.get_rng_state()
        if torch.cuda.is_available():
            for index, state in enumerate(torch.cuda.get_rng_state_all()):
                tensors[f"rng.cuda.{index}"] = state
        tensor_file = f"step_{self.step:06d}.safetensors"
        write_atomically(folder / tensor_file, lambda target: save_file(tensors, str(target)))
        state = {
            "step": self.step,
            "total_steps": self.total_steps,
            "tensors": tensor_file,
            "optimizers": optimizers,
            "schedulers": {"scheduler_g": self.scheduler_g.state_dict(),
                           "scheduler_d": self.scheduler_d.state_dict()},
            "scaler": self.scaler.state_dict(),
            "rng": {"numpy": _numpy_rng_state(), "python": _python_rng_state()},
            "sampler": {"seed": self.config.seed, "next_step": self.step,
                        "steps_per_epoch": self.steps_per_epoch},
            "wall_time_s": wall_time_s,
            "saved": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _write_json(folder / CHECKPOINT_STATE, state)
        for old in folder.glob("step_*.safetensors"):
            if old.name != tensor_file:
                old.unlink()
        return folder / tensor_file

    def load_checkpoint(self) -> None:
        folder = self.run_dir / CHECKPOINT_DIR
        state = json.loads((folder / CHECKPOINT_STATE).read_text())
        if state["total_steps"] != self.total_steps:
            raise ValueError(f"checkpoint was made for {state['total_steps']} steps, "
                             f"this run has {self.total_steps}")
        tensors = load_file(str(folder / state["tensors"]))
        for prefix, module in (("generator", self.generator),
                               ("discriminator", self.discriminator)):
            module.load_state_dict({key[len(prefix) + 1:]: value for key, value in tensors.items()
                                    if key.startswith(prefix + ".")})
        for name, optimizer in (("optimizer_g", self.optimizer_g),
                                ("optimizer_d", self.optimizer_d)):
            optimizer.load_state_dict(
                _unflatten_optimizer(tensors, state["optimizers"][name], name))
        self.scheduler_g.load_state_dict(state["schedulers"]["scheduler_g"])
        self.scheduler_d.load_state_dict(state["schedulers"]["scheduler_d"])
        if state["scaler"]:
            self.scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(tensors["rng.torch"])
        cuda_states = [tensors[key] for key in sorted(tensors) if key.startswith("rng.cuda.")]
        if cuda_states and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda_states[: torch.cuda.device_count()])
        _set_numpy_rng_state(state["rng"]["numpy"])
        _set_python_rng_state(state["rng"]["python"])
        self.step = state["step"]
        self.previous_wall_time_s = state["wall_time_s"]

    # Looking at the results ------------------------------------------------------------------

    @torch.no_grad()
    def generate(self, sketches: torch.Tensor) -> torch.Tensor:
        """Generator output for a batch of sketches, in eval mode, as float32 on the CPU."""
        was_training = self.generator.training
        self.generator.eval()
        try:
            with self.autocast():
                fake = self.generator(self._to_device(sketches))
        finally:
            self.generator.train(was_training)
        return fake.float().cpu()

    def save_samples(self) -> Path:
        """samples/step_XXXXX.png: rows of sketch | generated | real for a few held-out pairs."""
        items = [self.val_pairs[index] for index in range(min(SAMPLE_ROWS, len(self.val_pairs)))]
        fakes = self.generate(torch.stack([item["sketch"] for item in items]))
        rows = [[tensor_picture(item["sketch"]), tensor_picture(fake),
                 tensor_picture(item["photo"])] for item, fake in zip(items, fakes, strict=True)]
        path = self.run_dir / RUN_FILES["samples"] / f"step_{self.step:05d}.png"
        contact_sheet(rows).save(path)
        return path

    def validate(self) -> dict:
        """Mean L1 / PSNR / SSIM of generated against real pictures over the validation pairs."""
        means = MetricMeans()
        batch_size = max(1, self.config.batch_size)
        for start in range(0, len(self.val_pairs), batch_size):
            items = [self.val_pairs[index]
                     for index in range(start, min(len(self.val_pairs), start + batch_size))]
            fakes = self.generate(torch.stack([item["sketch"] for item in items]))
            for item, fake in zip(items, fakes, strict=True):
                means.add(to_uint8(fake), to_uint8(item["photo"]))
        return means.means()

    def plot_losses(self) -> Path:
        from matplotlib.figure import Figure

        path = self.run_dir / RUN_FILES["losses"]
        records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        figure = Figure(figsize=(8, 4.5), dpi=100)
        axes = figure.add_subplot()
        steps = [record["step"] for record in records]
        for name, label in (("d", "D"), ("g_gan", "G adversarial"), ("l1", "G L1 (unweighted)")):
            axes.plot(steps, [record[name] for record in records], label=label, linewidth=0.8)
        axes.set_xlabel("step")
        axes.set_ylabel("loss")
        axes.set_title(f"{self.run_id}: {self.config.gan_mode}, lambda L1 {self.config.lambda_l1}")
        axes.legend()
        axes.grid(alpha=0.3)
        target = self.run_dir / RUN_FILES["loss_curve"]
        write_atomically(target, lambda file: figure.savefig(file, format="png"))
        return target

    # Export ----------------------------------------------------------------------------------

    def model_card(self, metrics: dict, wall_time_s: float) -> dict:
        files = {name: str(self.run_dir / relative) for name, relative in RUN_FILES.items()}
        return {
            "architecture": self.architecture,
            "arguments": self.generator_arguments,
            "category": self.config.category,
            "dataset": {
                "name": self.manifest.get("name"),
                "manifest": str(self.dataset_dir / "manifest.json"),
                "source": self.manifest.get("source"),
                "created": self.manifest.get("created"),
                "train_pairs": len(self.train_pairs),
                "val_pairs": len(self.val_pairs) if self.val_split == "val" else 0,
                "settings": self.manifest.get("settings", {}),
            },
            "edge_method": self.manifest.get("edge_method", "unknown"),
            "training": {
                "steps": self.step,
                "epochs": self.step / self.steps_per_epoch,
                "command": self.config.command(),
                "recipe": self.config.to_dict(),
                "run_id": self.run_id,
                "run_dir": str(self.run_dir),
                "files": files,
                "wall_time_s": round(wall_time_s, 3),
                "device": str(self.device),
                "autocast": str(self.autocast_dtype) if self.autocast_dtype else None,
                "discriminator": {"ndf": self.config.ndf, "n_layers": self.config.n_layers,
                                  "receptive_field": receptive_field(self.config.n_layers)},
                "torch": torch.__version__,
            },
            "metrics": {**metrics, "split": self.val_split,
                        "image_size": self.config.image_size},
        }

    def export(self, metrics: dict, wall_time_s: float) -> Path:
        """Save the generator (float16) to the registry as a candidate version."""
        if self.model_path.exists():
            raise ValueError(f"model version {self.model_path.stem!r} appeared at "
                             f"{self.model_path} during training; not overwriting it")
        generator = copy.deepcopy(self.generator).cpu().to(memory_format=torch.contiguous_format)
        generator.eval()
        path = save_model(self.models_dir, self.config.category, self.model_path.stem, generator,
                          self.model_card(metrics, wall_time_s), dtype=torch.float16)
        self.log(f"exported {path} (a candidate)")
        return path

