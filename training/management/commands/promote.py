"""`manage.py promote <category> <version>`: make a saved model the version the workers serve."""
from django.core.management.base import BaseCommand, CommandError

from training.actions import RetrainError, do_promote, find_model_version


class Command(BaseCommand):
    help = ("Make <category>/<version> (a model file in MODELS_DIR) the active version: the "
            "ACTIVE file and the admin's model versions change together, and `rollback` can undo "
            "it. Workers serve it from their next picture, with no restart.")

    def add_arguments(self, parser):
        parser.add_argument("category")
        parser.add_argument("version", help="the model file's name without .safetensors")

    def handle(self, *args, **options):
        try:
            version = do_promote(find_model_version(options["category"], options["version"]))
        except RetrainError as error:
            raise CommandError(str(error)) from error
        replaced = f" (was {version.replaced.version})" if version.replaced else ""
        self.stdout.write(f"promoted {version}{replaced}")
