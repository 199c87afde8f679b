"""`manage.py make_world_dataset <category> --count N --name <name>`: a procedural world as data."""
from django.core.management.base import BaseCommand, CommandError

from training.actions import register_dataset_folder
from training.datasets import DEFAULT_VAL_FRACTION, DatasetExists, read_manifest
from training.worlds import WORLDS
from training.worlds.dataset import make_world_dataset


class Command(BaseCommand):
    help = ("Paint a category's procedural world (pictures and the child-like drawings of them, "
            "rasterized like served sketches) into a training dataset, one pair per seed.")

    def add_arguments(self, parser):
        parser.add_argument("category", choices=sorted(WORLDS))
        parser.add_argument("--count", type=int, required=True, help="number of pairs (seeds)")
        parser.add_argument("--name", required=True,
                            help="dataset name (its folder under the data directory)")
        parser.add_argument("--seed-start", type=int, default=0,
                            help="first seed (default %(default)s); seeds never overlap when "
                                 "datasets use disjoint ranges")
        parser.add_argument("--val-fraction", type=float, default=DEFAULT_VAL_FRACTION,
                            help="share held out for validation: the last seeds of the range "
                                 "(default %(default)s)")
        parser.add_argument("--robust", action="store_true",
                            help="draw the training pictures the ways children draw (doodles, "
                                 "plain outlines, ruled or wobbly lines, any pen width)")
        parser.add_argument("--drawings-per-picture", type=int, default=1,
                            help="with --robust: drawings of each training picture, each its "
                                 "own pair (default %(default)s)")
        parser.add_argument("--views",
                            help="comma-separated views to paint, of those the world has "
                                 "(default all: panda portrait,whole_body; car side,front,"
                                 "three_quarter; shoe sneaker_or_boot,sandal,high_heel,slipper; "
                                 "maplestory adventurer,armed,pet); the first starter models "
                                 "saw only the first of each")
        parser.add_argument("--overwrite", action="store_true",
                            help="replace an existing dataset of the same name")

    def handle(self, *args, **options):
        try:
            folder = make_world_dataset(
                options["category"], options["count"], options["name"],
                seed_start=options["seed_start"], val_fraction=options["val_fraction"],
                overwrite=options["overwrite"], progress=options["verbosity"] > 0,
                robust=options["robust"], drawings_per_picture=options["drawings_per_picture"],
                views=tuple(options["views"].split(",")) if options["views"] else None,
            )
        except DatasetExists as error:
            raise CommandError(f"{error}; pass --overwrite to replace it") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        register_dataset_folder(folder)  # the admin lists it and can train on it
        pairs = read_manifest(folder)["pairs"]
        held_out = sum(pair["split"] == "val" for pair in pairs)
        self.stdout.write(str(folder))
        first = options["seed_start"]
        self.stdout.write(f"{len(pairs)} pairs ({len(pairs) - held_out} train, {held_out} val), "
                          f"seeds {first}..{first + options['count'] - 1}")
