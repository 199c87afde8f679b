"""App config for the drawing room."""
from django.apps import AppConfig


class DrawappConfig(AppConfig):
    name = "drawapp"
    verbose_name = "Drawing room"
