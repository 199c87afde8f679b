"""`manage.py sync_models`: register the model files in MODELS_DIR as ModelVersion rows (and
the dataset folders in TRAINING_DATA_DIR as datasets)."""
from django.core.management.base import BaseCommand

from training.actions import sync_datasets, sync_model_versions


class Command(BaseCommand):
    help = ("Register every <category>/<version>.safetensors in MODELS_DIR (with its card) as a "
            "model version in the admin; the active one per category follows the ACTIVE file. "
            "Dataset folders made by commands are registered as datasets too.")

    def handle(self, *args, **options):
        result = sync_model_versions()
        for version in result.registered:
            self.stdout.write(f"registered {version} ({version.get_status_display()})")
        for problem in result.unreadable:
            self.stderr.write(f"not registered: {problem}")
        active = ", ".join(f"{category}={version or '-'}"
                           for category, version in result.active.items())
        self.stdout.write(f"{len(result.registered)} new; active: {active}")
        datasets = sync_datasets()
        for dataset in datasets.registered:
            self.stdout.write(f"registered dataset {dataset.name} ({dataset.pairs} pairs)")
        for problem in datasets.unreadable:
            self.stderr.write(f"dataset not registered: {problem}")
