"""`manage.py train <category> --dataset <name>`: train a generator and export it as a candidate."""
import json
import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference.categories import CATEGORIES
from training.actions import RetrainError, do_promote, find_model_version
from training.trainer import TrainConfig, Trainer
from training.trainer.options import add_arguments, config_from_arguments


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
        add_arguments(parser)
        parser.add_argument("--no-sketch-augment", action="store_true",
                            help="none of the sketch-domain augmentations (--no-stroke-width, "
                                 "--no-wobble, --no-gaps, --no-doodles, --no-retrace and "
                                 "--no-plain-outlines together)")
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
                # The run's saved device stands unless another one is named.
                device = None if options["device"] == "auto" else options["device"]
                trainer = Trainer.resume(options["resume"], device=device, **hooks)
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
        if options["no_sketch_augment"]:
            options = {**options, "stroke_width": False, "wobble": False, "gaps": False,
                       "doodles": False, "retrace": False, "plain_outlines": False}
        try:
            return config_from_arguments(options["category"], options["dataset"], options)
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

