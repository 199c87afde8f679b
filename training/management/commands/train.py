"""`manage.py train <category> --dataset <name>`: train a generator and export it as a candidate."""
import argparse
import json
import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference.categories import CATEGORIES
from inference.networks import ARCHITECTURES, GENERATOR_PRESETS
from training.actions import RetrainError, do_promote, find_model_version
from training.losses import GAN_MODES
from training.trainer import DEFAULT_EPOCHS, TrainConfig, Trainer

DEFAULTS = TrainConfig.__dataclass_fields__


def _default(name: str):
    return DEFAULTS[name].default


def json_object(text: str) -> dict:
    """argparse type: a JSON object such as {"ngf": 32}."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from error
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object like {\"ngf\": 32}")
    return value


class Command(BaseCommand):
    help = ("Train a sketch-to-picture generator against a PatchGAN on a dataset built with "
            "build_dataset, then save it to the model registry as a candidate version. "
            "Ctrl-C (or SIGTERM) stops after the current step with a checkpoint; --resume goes on.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version names the model version; it replaces Django's "print version" flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("category", help=f"one of: {', '.join(CATEGORIES)}")
        parser.add_argument("--dataset", help="dataset name in the data directory, or its folder")
        parser.add_argument("--generator", choices=sorted(GENERATOR_PRESETS),
                            default=_default("generator"), help="generator preset (%(default)s)")
        parser.add_argument("--architecture", choices=ARCHITECTURES,
                            help="build this from --generator-args instead of a preset")
        parser.add_argument("--generator-args", type=json_object, default={},
                            help='JSON build arguments, e.g. \'{"ngf": 32, "n_blocks": 6}\' '
                                 "(override the preset's)")
        length = parser.add_mutually_exclusive_group()
        length.add_argument("--steps", type=int, help="training steps (batches)")
        length.add_argument("--epochs", type=int,
                            help=f"passes over the training pairs (default {DEFAULT_EPOCHS})")
        parser.add_argument("--batch-size", type=int, default=_default("batch_size"))
        parser.add_argument("--image-size", type=int, default=_default("image_size"),
                            help="training crop size (default %(default)s)")
        parser.add_argument("--lr", type=float, default=_default("lr"))
        parser.add_argument("--beta1", type=float, default=0.5)
        parser.add_argument("--beta2", type=float, default=0.999)
        parser.add_argument("--lambda-l1", type=float, default=_default("lambda_l1"))
        parser.add_argument("--gan-mode", choices=GAN_MODES, default=_default("gan_mode"))
        parser.add_argument("--lambda-gp", type=float, default=_default("lambda_gp"),
                            help="gradient penalty weight for wgangp")
        parser.add_argument("--ndf", type=int, default=_default("ndf"),
                            help="discriminator filters in its first layer")
        parser.add_argument("--n-layers", type=int, default=_default("n_layers"),
                            help="discriminator depth: 0 pixel, 1 16x16, 3 70x70, 5 286x286")
        parser.add_argument("--no-jitter", action="store_true",
                            help="no resize 286 + random crop 256")
        parser.add_argument("--no-mirror", action="store_true")
        parser.add_argument("--no-sketch-augment", action="store_true",
                            help="none of the sketch-domain augmentations below")
        parser.add_argument("--no-stroke-width", action="store_true")
        parser.add_argument("--no-wobble", action="store_true")
        parser.add_argument("--no-gaps", action="store_true")
        parser.add_argument("--seed", type=int, default=_default("seed"))
        parser.add_argument("--device",
                            help="auto, cpu, cuda or cuda:N (default auto: CUDA when there is one)")
        parser.add_argument("--sample-every", type=int,
                            help="steps between sample grids (default: once per epoch)")
        parser.add_argument("--checkpoint-every", type=int, default=_default("checkpoint_every"))
        parser.add_argument("--num-workers", type=int, default=_default("num_workers"))
        parser.add_argument("--version", help="registry version name (default: the run id)")
        parser.add_argument("--activate", action="store_true",
                            help="promote the new model when the run ends, as `manage.py "
                                 "promote` would (default: a candidate only)")
        parser.add_argument("--resume", metavar="RUN",
                            help="continue this run (its id or folder) with its saved options")

    def handle(self, *args, **options):
        stop = threading.Event()
        previous_handlers = self._catch_stop_signals(stop)
        bar = tqdm(total=0, unit="step", dynamic_ncols=True, file=sys.stderr,
                   disable=options["verbosity"] == 0)

        def progress(step, total, losses, eta):
            bar.total = total
            bar.n = step
            bar.set_postfix({name: f"{value:.3f}" for name, value in losses.items()
                             if name in ("d", "g_gan", "l1")}, refresh=True)

        hooks = {"should_stop": stop.is_set, "progress": progress, "log": self._log}
        try:
            if options["resume"]:
                trainer = Trainer.resume(options["resume"], device=options["device"], **hooks)
                if trainer.config.category != options["category"]:
                    raise CommandError(f"run {options['resume']} trains "
                                       f"{trainer.config.category}, not {options['category']}")
                self._log(f"resuming at step {trainer.step}; the run's saved options apply")
            else:
                trainer = Trainer(self._config(options), **hooks)
            bar.reset(total=trainer.total_steps)
            bar.update(trainer.step)
            result = trainer.train()
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
            for number, handler in previous_handlers.items():
                signal.signal(number, handler)

        self.stdout.write(f"run: {result.run_dir}")
        if result.stopped:
            self.stdout.write(f"stopped at step {result.step} of {result.total_steps}; resume with "
                              f"--resume {result.run_dir.name}")
            return
        self.stdout.write(f"metrics: {json.dumps(result.metrics)}")
        self.stdout.write(f"wall time: {result.wall_time_s:.1f} s")
        if options["activate"]:
            try:
                version = do_promote(find_model_version(trainer.config.category,
                                                        result.model_path.stem))
            except RetrainError as error:
                raise CommandError(f"trained {result.model_path}, but it could not be promoted: "
                                   f"{error}") from error
            self.stdout.write(f"promoted {version}: it is served from the next picture")
        self.stdout.write(str(result.model_path))

    def _config(self, options) -> TrainConfig:
        if options["category"] not in CATEGORIES:
            raise CommandError(f"unknown category {options['category']!r}; "
                               f"expected one of {', '.join(CATEGORIES)}")
        if not options["dataset"]:
            raise CommandError("--dataset is required (or --resume RUN)")
        no_sketch = options["no_sketch_augment"]
        try:
            return TrainConfig(
                category=options["category"], dataset=options["dataset"],
                generator=options["generator"], architecture=options["architecture"],
                generator_args=options["generator_args"], steps=options["steps"],
                epochs=options["epochs"], batch_size=options["batch_size"],
                image_size=options["image_size"], lr=options["lr"],
                betas=(options["beta1"], options["beta2"]), lambda_l1=options["lambda_l1"],
                gan_mode=options["gan_mode"], lambda_gp=options["lambda_gp"], ndf=options["ndf"],
                n_layers=options["n_layers"], jitter=not options["no_jitter"],
                mirror=not options["no_mirror"],
                stroke_width=not (no_sketch or options["no_stroke_width"]),
                wobble=not (no_sketch or options["no_wobble"]),
                gaps=not (no_sketch or options["no_gaps"]), seed=options["seed"],
                device=options["device"] or "auto", sample_every=options["sample_every"],
                checkpoint_every=options["checkpoint_every"], num_workers=options["num_workers"],
                version=options["version"],
            )
        except (ValueError, TypeError) as error:
            raise CommandError(str(error)) from error

    def _log(self, message: str) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            self.stdout.write(message)

    def _catch_stop_signals(self, stop: threading.Event) -> dict:
        """First Ctrl-C/SIGTERM: stop after this step with a checkpoint. A second one: quit now.
        Returns the handlers it replaced."""
        if threading.current_thread() is not threading.main_thread():
            return {}

        def handler(number, frame):
            if stop.is_set():
                raise KeyboardInterrupt
            stop.set()
            tqdm.write("stopping after this step (writing a checkpoint)...", file=sys.stderr)

        previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        for number in previous:
            signal.signal(number, handler)
        return previous

