"""`manage.py evaluate <model> <sketches>`: metrics as JSON and a sketch | picture | real sheet;
`manage.py evaluate --suite wild <model>`: the wild-drawings suite (training.wild) as JSON."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inference.registry import PICTURE_SIZE, update_card
from training.evaluate import DEFAULT_ROWS, card_evaluation, evaluate_model, report_json
from training.wild import DEFAULT_WILD_COUNT, WILD_SEED_START, evaluate_wild

SUITES = ("wild",)


class Command(BaseCommand):
    help = ("Run a saved generator on a folder of sketches or on a dataset's held-out pairs; "
            "print L1 / PSNR / SSIM (and the mean-picture baseline) as JSON when real pictures "
            "exist, and write a contact sheet PNG.")

    def add_arguments(self, parser):
        parser.add_argument("model", help="the model's .safetensors file (its .json card beside)")
        parser.add_argument("sketches", nargs="?",
                            help="a folder of sketches, or a dataset name or folder (not with "
                                 "--suite)")
        parser.add_argument("--suite", choices=SUITES,
                            help="score on a built-in suite instead: 'wild' draws the model's "
                                 "world from unseen seeds clean, doodled and plain")
        parser.add_argument("--count", type=int, default=DEFAULT_WILD_COUNT,
                            help="drawings per part of the suite (default %(default)s)")
        parser.add_argument("--seed-start", type=int, default=WILD_SEED_START,
                            help="first world seed of the suite (default %(default)s)")
        parser.add_argument("--sheets-dir", type=Path,
                            help="with --suite: write <category>-<part>.png sheets here")
        parser.add_argument("--out", type=Path,
                            help="contact sheet PNG (default: an evaluations/ folder in the runs "
                                 "directory)")
        parser.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                            help="rows on the contact sheet (default %(default)s)")
        parser.add_argument("--size", type=int, default=PICTURE_SIZE,
                            help="picture size the model runs at (default %(default)s)")
        parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
        parser.add_argument("--record", action="store_true",
                            help="write the metrics, this command and the sheet's path into the "
                                 "model card's \"evaluation\" field")

    def handle(self, *args, **options):
        if options["suite"]:
            self.stdout.write(report_json(self.suite(options)))
            return
        if not options["sketches"]:
            raise CommandError("name the sketches to evaluate on, or a --suite")
        try:
            report = evaluate_model(
                Path(options["model"]), options["sketches"], data_dir=settings.TRAINING_DATA_DIR,
                out=options["out"], rows=options["rows"], size=options["size"],
                device=options["device"], sheets_dir=settings.TRAINING_RUNS_DIR / "evaluations",
            )
        except (ValueError, FileNotFoundError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        if options["record"]:
            if report["metrics"] is None:
                raise CommandError("nothing to record: these sketches have no real pictures")
            update_card(Path(options["model"]),
                        evaluation=card_evaluation(report, self.command_line(options)))
        self.stdout.write(report_json(report))

    @staticmethod
    def suite(options) -> dict:
        if options["sketches"]:
            raise CommandError("--suite scores the model's own world; give no sketches with it")
        try:
            return evaluate_wild(Path(options["model"]), count=options["count"],
                                 seed_start=options["seed_start"], size=options["size"],
                                 device=options["device"], sheets_dir=options["sheets_dir"],
                                 rows=options["rows"])
        except (ValueError, FileNotFoundError, RuntimeError) as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def command_line(options) -> str:
        """The command that reproduces this evaluation (defaults left out)."""
        words = ["python", "manage.py", "evaluate", str(options["model"]), options["sketches"]]
        if options["out"] is not None:
            words += ["--out", str(options["out"])]
        for name, default in (("rows", DEFAULT_ROWS), ("size", PICTURE_SIZE), ("device", "cpu")):
            if options[name] != default:
                words += [f"--{name}", str(options[name])]
        return " ".join(words + ["--record"])
