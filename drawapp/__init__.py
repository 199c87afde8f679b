"""The Django project and the drawing room: canvas page, WebSocket consumer, stroke protocol."""
from .celery import app as celery_app

__all__ = ("celery_app",)
