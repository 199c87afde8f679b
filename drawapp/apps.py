"""App config for the drawing room."""
from django.apps import AppConfig


class DrawappConfig(AppConfig):
    name = "drawapp"
    verbose_name = "Drawing room"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .state import claim_session_drawings

        user_logged_in.connect(claim_session_drawings, dispatch_uid="drawapp-claim-drawings")
