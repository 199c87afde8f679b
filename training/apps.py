"""App config for the training app."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from training import upkeep  # noqa: F401  (its worker_ready handler and beat task)
