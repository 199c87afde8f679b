"""`manage.py quality`: the wild-drawings table for every category's active model, with
drawing | picture | truth sheets per part written to docs/quality/."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inference.categories import CATEGORIES
from inference.registry import Registry, weights_path
from training.wild import DEFAULT_WILD_COUNT, evaluate_wild, wild_table

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
        parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")

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
                    device=options["device"], sheets_dir=options["sheets_dir"]))
            except (ValueError, FileNotFoundError, RuntimeError) as error:
                raise CommandError(f"{category}/{version}: {error}") from error
        self.stdout.write("Wild drawings (ratios: model / mean picture for L1, model / truth "
                          "for the rest)")
        self.stdout.write(wild_table(reports))
        if options["json"]:
            options["json"].write_text(json.dumps(reports, indent=2), encoding="utf-8")
