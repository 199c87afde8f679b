"""App config for sketch-to-picture inference."""
from django.apps import AppConfig


class InferenceConfig(AppConfig):
    name = "inference"
    verbose_name = "Pictures"
