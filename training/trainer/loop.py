"""The pix2pix training loop: one run of generator vs PatchGAN, from its options to a saved model.

A run lives in <runs dir>/<run id>/: config.json, losses.jsonl, loss_curve.png, samples/,
checkpoint/ (training.trainer.checkpoints), metrics.json. At the end the generator is exported to
the model registry as a candidate version. Given the seed, a CPU run is fully deterministic.
"""
import contextlib
import copy
import json
import logging
import math
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader

from inference.files import write_text_atomically
from inference.networks import build_generator, count_parameters, init_weights
from inference.precision import cpu_computes_bf16
from inference.registry import resolve_device, save_model, weights_path
from training.augment import PairedAugment
from training.datasets import PairedDataset, read_manifest
from training.discriminators import PatchDiscriminator, receptive_field
from training.edges.bridge import BRIDGED_EDGE_METHODS
from training.losses import GANLoss, gradient_penalty, l1_term
from training.metrics import MetricMeans, to_uint8
from training.trainer import checkpoints, samples
from training.trainer.data import AugmentedPairs, LinearDecay, SeededBatchSampler, prefetched
from training.trainer.options import DEFAULT_EPOCHS, TrainConfig
from training.trainer.runs import (
    CHECKPOINT_DIR,
    CHECKPOINT_STATE,
    RUN_FILES,
    TrainResult,
    new_run_id,
    resolve_dataset,
    write_json,
)

logger = logging.getLogger(__name__)

MAX_SAMPLE_GRIDS = 50  # the per-epoch default never writes more grids than this in one run


def training_memory_format(device: torch.device) -> torch.memory_format:
    """The layout of both networks and their inputs: channels_last on CUDA, where cuDNN's
    tensor-core convolutions want it; the default layout on the CPU, where oneDNN's training
    step measured slower in channels_last (bench/training.py, the plain loop's speed = 1: fp32
    small 0.98x, seed 0.79x, against 1.06x and 1.01x contiguous; bf16 0.75x and 1.18x, against
    1.55x and 2.08x contiguous)."""
    return torch.channels_last if device.type == "cuda" else torch.contiguous_format


def autocast_dtype_for(device: torch.device, precision: str) -> torch.dtype | None:
    """The dtype the step computes in under autocast, or None for plain fp32. On this kind of
    CPU (AVX-512 BF16) bf16 made the step 1.5-1.9x faster than fp32 (bench/training.py); the
    weights, the optimiser and the losses stay fp32 either way."""
    if precision == "fp32":
        return None
    if device.type == "cuda":
        if torch.cuda.is_bf16_supported():
            return torch.bfloat16
        if precision == "bf16":
            raise ValueError("this CUDA device has no bf16; use --precision auto or fp32")
        return torch.float16
    if device.type == "cpu" and (precision == "bf16" or cpu_computes_bf16()):
        return torch.bfloat16
    return None


def _set_requires_grad(module: torch.nn.Module, flag: bool) -> None:
    for parameter in module.parameters():
        parameter.requires_grad_(flag)


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
        edge_sketches = self.manifest.get("edge_method") in BRIDGED_EDGE_METHODS \
            and not self.manifest.get("settings", {}).get("bridge")
        self.augment = PairedAugment(
            config.image_size, jitter=config.jitter, mirror=config.mirror,
            stroke_width=config.stroke_width, wobble=config.wobble, gaps=config.gaps,
            doodles=config.doodles, retrace=config.retrace, plain=config.plain_outlines,
            bridge=config.bridge and edge_sketches, hints=config.hints, seed=config.seed,
        )
        self.train_pairs = PairedDataset(self.dataset_dir, "train", transform=self.augment)
        if len(self.train_pairs) == 0:
            raise ValueError(f"dataset {self.dataset_dir} has no training pairs")
        plain = PairedAugment.resize_only(config.image_size, hints=config.hints)
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
        self.memory_format = training_memory_format(self.device)
        self.generator.to(memory_format=self.memory_format)
        self.discriminator.to(memory_format=self.memory_format)
        self.gan_loss = GANLoss(config.gan_mode)
        self.optimizer_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr,
                                            betas=config.betas)
        self.optimizer_d = torch.optim.Adam(self.discriminator.parameters(), lr=config.lr,
                                            betas=config.betas)
        self.scheduler_g = LambdaLR(self.optimizer_g, LinearDecay(self.total_steps))
        self.scheduler_d = LambdaLR(self.optimizer_d, LinearDecay(self.total_steps))
        self.autocast_dtype = autocast_dtype_for(self.device, config.precision)
        self.scaler = torch.amp.GradScaler(
            self.device.type, enabled=self.autocast_dtype == torch.float16)

        self.step = 0
        self.previous_wall_time_s = 0.0  # wall time of earlier sessions of a resumed run
        self.run_id = run_id or new_run_id(config.category, self.runs_dir, self.models_dir)
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
        return tensor.contiguous(memory_format=self.memory_format)

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
            d_real, d_fake = self._judge(real_pair, fake_pair)
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

    def _judge(self, real_pair: torch.Tensor, fake_pair: torch.Tensor):
        """D's scores on the real and the fake pairs: one pass over both when D judges each pair
        alone (no BatchNorm), the same numbers as two passes, and faster."""
        if self.discriminator.judges_pairs_alone:
            return self.discriminator(torch.cat([real_pair, fake_pair])).chunk(2)
        return self.discriminator(real_pair), self.discriminator(fake_pair)

    # The loop --------------------------------------------------------------------------------

    def _loader(self):
        sampler = SeededBatchSampler(len(self.train_pairs), self.config.batch_size,
                                     self.config.seed, self.step, self.total_steps)
        # An own generator keeps DataLoader from drawing on the global RNG (exact resume).
        loader = DataLoader(AugmentedPairs(self.train_pairs, self.augment), batch_sampler=sampler,
                            num_workers=self.config.num_workers, pin_memory=self.on_cuda,
                            generator=torch.Generator().manual_seed(self.config.seed))
        # Worker processes load ahead by themselves; without them a thread does.
        return loader if self.config.num_workers else prefetched(loader)

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
        write_json(self.run_dir / RUN_FILES["metrics"], document)
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
            write_json(config_path, self.describe())
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
        return checkpoints.save_checkpoint(self, wall_time_s)

    def load_checkpoint(self) -> None:
        checkpoints.load_checkpoint(self)

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
        return samples.save_samples(self)

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
        return samples.plot_losses(self)

    # Export ----------------------------------------------------------------------------------

    def model_card(self, metrics: dict, wall_time_s: float) -> dict:
        files = {name: str(self.run_dir / relative) for name, relative in RUN_FILES.items()}
        return {
            "architecture": self.architecture,
            "arguments": self.generator_arguments,
            "input": "sketch+hints" if self.config.hints else "sketch",
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

