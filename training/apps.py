"""App config for the training app."""
from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from training import upkeep  # noqa: F401  (its worker_ready handler and beat task)
