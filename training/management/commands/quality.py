"""`manage.py quality`: the wild-drawings table for every category's active model, with
drawing | picture | truth sheets per part written to docs/quality/, and the ink and line
pieces of child drawings, edge sketches and bridged edge sketches of the same pictures."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inference.categories import CATEGORIES
from inference.registry import PICTURE_SIZE, Registry, weights_path
from training.edges import edge_detector
from training.wild import (
    DEFAULT_WILD_COUNT,
    evaluate_wild,
    sketch_statistics,
    sketch_table,
    wild_table,
)

DEFAULT_SHEETS_DIR = Path(settings.BASE_DIR) / "docs" / "quality"


class Command(BaseCommand):
    help = ("Score every category's active model on the wild-drawings suite (clean, doodled and "
            "plain drawings from unseen seeds); print the table and write contact sheets.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=DEFAULT_WILD_COUNT,
                            help="drawings per part and category (default %(default)s)")
        parser.add_argument("--sheets-dir", type=Path, default=DEFAULT_SHEETS_DIR,
                            help="where the sheets go (default %(default)s)")
        parser.add_argument("--json", type=Path, help="also write every figure to this file")
        parser.add_argument("--also", type=Path, nargs="+", default=[], metavar="MODEL",
                            help="score these model files too (the HED-bridge proof's pair, a "
                                 "candidate before promotion), after the active models")
        parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
        parser.add_argument("--size", type=int, default=PICTURE_SIZE,
                            help="picture size the models run at (default %(default)s; the "
                                 "HED-bridge proof's models were trained at 128)")
        parser.add_argument("--edges", choices=("auto", "hed", "canny"), default="auto",
                            help="edge method for the sketch statistics (auto: HED when its "
                                 "weights load, else Canny)")
        parser.add_argument("--sketch-count", type=int, default=8,
                            help="pictures per category for the sketch statistics "
                                 "(default %(default)s)")

    def handle(self, *args, **options):
        registry = Registry(settings.MODELS_DIR, "cpu")
        reports = []
        for category in CATEGORIES:
            version = registry.active_version(category)
            if version is None:
                self.stdout.write(f"{category}: no active model, skipped")
                continue
            try:
                reports.append(evaluate_wild(
                    weights_path(settings.MODELS_DIR, category, version), count=options["count"],
                    size=options["size"], device=options["device"],
                    sheets_dir=options["sheets_dir"]))
            except (ValueError, FileNotFoundError, RuntimeError) as error:
                raise CommandError(f"{category}/{version}: {error}") from error
        for path in options["also"]:
            try:
                reports.append(evaluate_wild(path, count=options["count"], size=options["size"],
                                             device=options["device"]))
            except (ValueError, FileNotFoundError, RuntimeError) as error:
                raise CommandError(f"{path}: {error}") from error
        self.stdout.write("Wild drawings (ratios: model / mean picture for L1, model / truth "
                          "for the rest)")
        self.stdout.write(wild_table(reports))
        detector = edge_detector(options["edges"])
        statistics = {category: sketch_statistics(category, detector, options["sketch_count"])
                      for category in CATEGORIES}
        self.stdout.write("")
        self.stdout.write("Sketches of the same world pictures: ink % and line pieces "
                          "(min/mean/max)")
        self.stdout.write(sketch_table(statistics, detector.method))
        if options["json"]:
            document = {"wild": reports, "sketches": statistics, "edges": detector.method}
            options["json"].write_text(json.dumps(document, indent=2), encoding="utf-8")
