"""App config for the drawing room."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawappConfig(AppConfig):
    name = "drawapp"
    verbose_name = _("Drawing room")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .state import claim_session_drawings

        user_logged_in.connect(claim_session_drawings, dispatch_uid="drawapp-claim-drawings")
