"""`manage.py build_dataset <category> <source> --name <name>`: photos -> paired sketch dataset."""
from django.core.management.base import BaseCommand, CommandError

from inference.categories import CATEGORIES
from training.actions import register_dataset_folder
from training.build import BuildError, build_dataset
from training.datasets import DEFAULT_VAL_FRACTION, DatasetExists
from training.edges import EDGE_METHODS
from training.edges.hed_weights import HedWeightsUnavailable
from training.sources import SourceError


class Command(BaseCommand):
    help = (
        "Build a 256x256 sketch/photo training dataset from a folder or .zip of photos "
        "(jpg/png/webp) or of pix2pix aligned A|B pairs."
    )

    def add_arguments(self, parser):
        parser.add_argument("category", help=f"one of: {', '.join(CATEGORIES)}")
        parser.add_argument("source", help="a folder or a .zip of photos")
        parser.add_argument("--name", required=True,
                            help="dataset name (its folder under the data directory)")
        parser.add_argument("--edges", choices=EDGE_METHODS, default="auto",
                            help="edge method; auto = HED when its weights load, else Canny")
        parser.add_argument("--aligned", action="store_true", default=None,
                            help="images are A|B pairs side by side (A = sketch, B = photo); "
                                 "detected automatically when every image is twice as wide as high")
        parser.add_argument("--val-fraction", type=float, default=DEFAULT_VAL_FRACTION,
                            help="share of pairs held out for validation (default %(default)s)")
        parser.add_argument("--no-bridge", dest="bridge", action="store_false",
                            help="keep HED/Canny sketches as they are instead of redrawing them "
                                 "as a child would (the HED-to-child bridge, on by default)")
        parser.add_argument("--overwrite", action="store_true",
                            help="replace an existing dataset of the same name")

    def handle(self, *args, **options):
        try:
            result = build_dataset(
                options["category"], options["source"], options["name"], edges=options["edges"],
                aligned=options["aligned"], val_fraction=options["val_fraction"],
                overwrite=options["overwrite"], progress=options["verbosity"] > 0,
                bridge=options["bridge"],
            )
        except BuildError as error:
            if error.skipped:
                self._print_skipped(error.skipped)
            raise CommandError(str(error)) from error
        except DatasetExists as error:
            raise CommandError(f"{error}; pass --overwrite to replace it") from error
        except (SourceError, HedWeightsUnavailable, ValueError) as error:
            raise CommandError(str(error)) from error

        register_dataset_folder(result.dataset_dir)  # the admin lists it and can train on it
        self.stdout.write(str(result.dataset_dir))
        self.stdout.write(
            f"{result.pairs} pairs ({result.train_pairs} train, {result.val_pairs} val), "
            f"edge method: {result.edge_method}"
            + (", aligned A|B source" if result.aligned else "")
        )
        self._print_skipped(result.skipped)

    def _print_skipped(self, skipped):
        self.stdout.write(f"{len(skipped)} skipped" + (":" if skipped else ""))
        for entry in skipped:
            self.stdout.write(f"  {entry.file}: {entry.reason}")
