"""Every option of a training run, declared once (type, default, bounds, help): TrainConfig.

The `train` command's arguments (add_arguments), the admin's retrain form (training.forms) and
the command that reproduces a run (TrainConfig.command) are all built from these declarations.
"""
import argparse
import dataclasses
import json
import shlex
from dataclasses import dataclass, field
from typing import get_args

import torch

# _ only marks words for the catalog (gettext_noop): the admin form translates them when built.
from django.utils.translation import gettext_noop as _

from inference.networks import ARCHITECTURES, GENERATOR_PRESETS, size_multiple
from inference.rasterize import HINTED_CHANNELS, SKETCH_CHANNELS
from training.losses import GAN_MODES

# Options added after runs were saved: a saved run without them resumes as it ran, without.
OPTIONS_ADDED_OFF = ("doodles", "retrace", "plain_outlines", "bridge", "hints")
PRECISIONS = ("auto", "fp32", "bf16")
DEFAULT_EPOCHS = 200  # pix2pix: 100 at the starting rate + 100 decaying to zero
MAIN, ADVANCED = "main", "advanced"  # where the admin's retrain form shows an option


def option(default, help: str, *, low=None, high=None, open_low=False, open_high=False,
           choices=None, form=None, label=None, group=None):
    """A TrainConfig field with what the command line and the admin form need to offer it.

    low/high bound the value (open_low/open_high: the bound itself is not allowed); choices
    lists the allowed values; form is MAIN or ADVANCED to show it on the retrain form; group
    names options of which the command line accepts only one.
    """
    metadata = {"help": help, "low": low, "high": high, "open_low": open_low,
                "open_high": open_high, "choices": choices, "form": form, "label": label,
                "group": group}
    if isinstance(default, dict):
        return field(default_factory=dict, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class TrainConfig:
    """Every option of a run; saved as config.json and rebuilt into the exact train command."""

    category: str = field(metadata={"subject": True})
    dataset: str = field(metadata={"subject": True})  # a name under TRAINING_DATA_DIR, or a folder
    generator: str = option(
        "resnet9", _("generator preset; resnet9 is the full-size pix2pix generator, small runs "
                     "in real time on a CPU"), choices=tuple(GENERATOR_PRESETS), form=MAIN,
        label=_("Generator"))
    architecture: str | None = option(
        None, "build this architecture from --generator-args instead of a preset",
        choices=ARCHITECTURES)
    generator_args: dict = option(
        {}, _('JSON build arguments overriding the preset\'s, e.g. {"ngf": 32, "n_blocks": 6}'),
        form=ADVANCED, label=_("Generator arguments"))
    steps: int | None = option(None, _("training steps (batches); give steps or epochs"), low=1,
                               form=MAIN, group="length", label=_("Steps"))
    epochs: int | None = option(  # a literal 200 (DEFAULT_EPOCHS), so the catalog can hold it
        None, _("passes over the training pairs (200 when neither is given)"), low=1,
        form=MAIN, group="length", label=_("Epochs"))
    batch_size: int = option(1, _("pairs per step"), low=1, high=256, form=MAIN,
                             label=_("Batch size"))
    image_size: int = option(256, _("training crop size"), low=16, high=1024, form=ADVANCED,
                             label=_("Image size"))
    lr: float = option(2e-4, "Adam learning rate", low=0.0, open_low=True, high=1.0)
    beta1: float = option(0.5, "Adam beta1", low=0.0, high=1.0, open_high=True)
    beta2: float = option(0.999, "Adam beta2", low=0.0, high=1.0, open_high=True)
    lambda_l1: float = option(10.0, _("weight of the L1 term against the GAN loss"), low=0.0,
                              form=MAIN, label=_("Lambda L1"))
    gan_mode: str = option("lsgan", _("GAN loss"), choices=GAN_MODES, form=MAIN,
                           label=_("GAN mode"))
    lambda_gp: float = option(10.0, "gradient penalty weight for wgangp", low=0.0)
    ndf: int = option(64, _("discriminator filters in its first layer"), low=1, high=512,
                      form=ADVANCED, label=_("Discriminator filters"))
    n_layers: int = option(3, _("discriminator depth: 0 pixel, 1 16x16, 3 70x70, 5 286x286"),
                           low=0, high=6, form=ADVANCED, label=_("Discriminator layers"))
    jitter: bool = option(True, _("resize to 286 and crop back to 256 at random (scaled with "
                                  "the image size)"), form=MAIN, label=_("Jitter"))
    mirror: bool = option(True, _("flip left-right at random"), form=MAIN, label=_("Mirror"))
    stroke_width: bool = option(True, _("vary the sketch's line width"), form=MAIN,
                                label=_("Stroke width"))
    wobble: bool = option(True, _("wobble the sketch's lines like a hand"), form=MAIN,
                          label=_("Wobble"))
    gaps: bool = option(True, _("leave small gaps in the sketch's lines"), form=MAIN,
                        label=_("Gaps"))
    doodles: bool = option(True, _("add a child's doodles to some sketches: a sun, clouds, "
                                   "hearts, letters, speed lines, shading scribbled inside "
                                   "shapes"), form=MAIN, label=_("Doodles"))
    retrace: bool = option(True, _("trace some sketches' lines twice, a little apart"),
                           form=MAIN, label=_("Retrace"))
    plain_outlines: bool = option(True, _("drop the inner detail of some sketches: the main "
                                          "outlines only"), form=MAIN,
                                  label=_("Plain outlines"))
    bridge: bool = option(True, _("redraw HED and Canny sketches as a child would, a new hand "
                                  "each time (datasets built before build_dataset's bridge)"),
                          form=MAIN, label=_("Bridge"))
    hints: bool = option(False, _("colour hints: the generator also takes crayon colours "
                                  "sampled from the picture (5 input channels; served from "
                                  "coloured strokes)"),
                         form=MAIN, label=_("Colour hints"))
    seed: int = option(0, _("seed of every random choice (a CPU run is deterministic)"), low=0,
                       form=ADVANCED, label=_("Seed"))
    device: str = option("auto", "auto, cpu, cuda or cuda:N (auto: CUDA when there is one)")
    precision: str = option(
        "auto", "arithmetic of the training step: auto is bf16 autocast where the chip computes "
        "bf16 natively (CUDA; CPUs with AVX-512 BF16 or AMX), fp16 on older CUDA, else fp32",
        choices=PRECISIONS)
    sample_every: int | None = option(
        None, "steps between sample grids (default: once per epoch, at most 50 grids)", low=1)
    checkpoint_every: int = option(500, _("steps between checkpoints"), low=1, form=ADVANCED,
                                   label=_("Checkpoint every"))
    num_workers: int = option(0, "data loader worker processes", low=0)
    version: str | None = option(None, "registry version of the exported model (default: the "
                                 "run id)")

    def __post_init__(self):
        self.generator_args = dict(self.generator_args)
        self.check()

    def check(self) -> None:
        """Raise ValueError naming the first option that cannot work."""
        for declared in declared_options():
            check_value(declared, getattr(self, declared.name))
        if self.architecture is None and self.generator not in GENERATOR_PRESETS:
            raise ValueError(f"generator must be one of {sorted(GENERATOR_PRESETS)}, "
                             f"got {self.generator!r}")
        if self.image_size % 4:
            raise ValueError(f"image size must be a multiple of 4, got {self.image_size}")
        if self.generator_args.get("in_channels", SKETCH_CHANNELS) not in (
                SKETCH_CHANNELS, HINTED_CHANNELS if self.hints else SKETCH_CHANNELS):
            raise ValueError("in_channels follows --hints (1 without, 5 with); do not set it")
        architecture, arguments = self.generator_spec()
        multiple = size_multiple(architecture, arguments)
        if self.image_size % multiple:
            raise ValueError(f"this {architecture} generator halves the picture "
                             f"{multiple.bit_length() - 1} times, so it needs an image size "
                             f"that is a multiple of {multiple}, not {self.image_size}")

    @property
    def betas(self) -> tuple[float, float]:
        return self.beta1, self.beta2

    @property
    def sketch_augment(self) -> bool:
        return (self.stroke_width or self.wobble or self.gaps or self.doodles or self.retrace
                or self.plain_outlines)

    def generator_spec(self) -> tuple[str, dict]:
        """(architecture, build_generator arguments) of the generator this run trains."""
        if self.architecture is not None:
            architecture, arguments = self.architecture, dict(self.generator_args)
        else:
            architecture, arguments = GENERATOR_PRESETS[self.generator]
            arguments = {**arguments, **self.generator_args}
        if self.hints:  # the sketch and the colour-hint channels
            arguments["in_channels"] = HINTED_CHANNELS
        return architecture, arguments

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, document: dict) -> "TrainConfig":
        document = dict(document)
        # Runs saved by earlier versions: "betas" was one pair, and "activate" was an option
        # (`train --activate` now promotes through training.actions after the run).
        if "betas" in document:
            document["beta1"], document["beta2"] = document.pop("betas")
        document.pop("activate", None)
        for name in OPTIONS_ADDED_OFF:  # runs saved before these options ran without them
            document.setdefault(name, False)
        # Runs saved before "precision" computed under autocast on CUDA and in fp32 on the CPU:
        # one resumed here goes on as it ran.
        if "precision" not in document:
            on_cuda = document.get("device", "auto") != "cpu" and torch.cuda.is_available()
            document["precision"] = "auto" if on_cuda else "fp32"
        known = {declared.name for declared in dataclasses.fields(cls)}
        unknown = set(document) - known
        if unknown:
            raise ValueError(f"unknown training options: {sorted(unknown)}")
        return cls(**document)

    def command(self) -> str:
        """The train command that reproduces this run, every option spelled out."""
        words = ["python", "manage.py", "train", self.category, "--dataset", self.dataset]
        for declared in declared_options():
            value = getattr(self, declared.name)
            if value is None or (declared.name == "epochs" and self.steps is not None):
                continue
            if declared.type is bool:  # a switch is spelled out only when it is not the default
                words += [] if value == declared.default else [flag(declared.name,
                                                                     negated=declared.default)]
            elif declared.type is dict:
                words += [flag(declared.name), json.dumps(value, sort_keys=True)]
            else:
                words += [flag(declared.name), repr(value) if isinstance(value, float)
                          else str(value)]
        return shlex.join(words)


@dataclass(frozen=True)
class DeclaredOption:
    name: str
    type: type  # bool, int, float, str or dict
    default: object
    help: str
    low: float | None
    high: float | None
    open_low: bool
    open_high: bool
    choices: tuple | None
    form: str | None
    label: str | None
    group: str | None

    @property
    def required(self) -> bool:
        return self.default is not None


def declared_options() -> list[DeclaredOption]:
    """The options of TrainConfig in declaration order (category and dataset are the subject of
    a run, not options)."""
    options = []
    for declared in dataclasses.fields(TrainConfig):
        if declared.metadata.get("subject"):
            continue
        kind = declared.type if isinstance(declared.type, type) else get_args(declared.type)[0]
        default = {} if declared.default_factory is dict else declared.default
        options.append(DeclaredOption(declared.name, kind, default,
                                      **{key: value for key, value in declared.metadata.items()}))
    return options


def check_value(declared: DeclaredOption, value) -> None:
    """Raise ValueError when `value` is not of the option's type or outside its bounds."""
    if value is None and not declared.required:
        return
    number = declared.type in (int, float)
    kinds = (int, float) if declared.type is float else declared.type
    if not isinstance(value, kinds) or (number and isinstance(value, bool)):
        raise ValueError(f"{declared.name} must be {_describe_type(declared)}, got {value!r}")
    if declared.choices is not None and value not in declared.choices:
        raise ValueError(f"{declared.name.replace('_', ' ')} must be one of "
                         f"{declared.choices}, got {value!r}")
    low, high = declared.low, declared.high
    if (low is not None and (value < low or (declared.open_low and value == low))) or (
            high is not None and (value > high or (declared.open_high and value == high))):
        raise ValueError(f"{declared.name} must be in {_describe_bounds(declared)}, got {value!r}")


def _describe_type(declared: DeclaredOption) -> str:
    if declared.type is int and declared.low == 1:
        return "a positive integer"
    return {int: "an integer", float: "a number", bool: "true or false", dict: "a JSON object",
            str: "a text"}[declared.type]


def _describe_bounds(declared: DeclaredOption) -> str:
    left = "(" if declared.open_low else "["
    right = ")" if declared.open_high else "]"
    low = "-inf" if declared.low is None else declared.low
    high = "inf" if declared.high is None else declared.high
    return f"{left}{low}, {high}{right}"


def flag(name: str, negated: bool = False) -> str:
    return ("--no-" if negated else "--") + name.replace("_", "-")


def json_object(text: str) -> dict:
    """argparse type: a JSON object such as {"ngf": 32}."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from error
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object like {\"ngf\": 32}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One command-line argument per declared option, with its default, choices and help."""
    groups = {}
    for declared in declared_options():
        target = parser
        if declared.group is not None:
            target = groups.setdefault(declared.group, parser.add_mutually_exclusive_group())
        if declared.type is bool:
            target.add_argument(flag(declared.name, negated=declared.default), dest=declared.name,
                                action="store_false" if declared.default else "store_true",
                                help=f"{'no: ' if declared.default else ''}{declared.help}")
            continue
        kind = json_object if declared.type is dict else declared.type
        default = "" if declared.default is None else f" (default {declared.default})"
        target.add_argument(flag(declared.name), dest=declared.name, type=kind,
                            default=declared.default, choices=declared.choices,
                            help=declared.help + default)


def config_from_arguments(category: str, dataset: str, arguments: dict) -> TrainConfig:
    """The TrainConfig of parsed command-line arguments (a dict holding every declared name)."""
    return TrainConfig(category=category, dataset=dataset,
                       **{declared.name: arguments[declared.name]
                          for declared in declared_options()})
