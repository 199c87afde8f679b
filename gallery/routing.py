"""WebSocket routes of the gallery: the kid socket that brings badge pop-ups and notes."""
from django.urls import path

from .consumers import KidConsumer

websocket_urlpatterns = [
    path("ws/kid/", KidConsumer.as_asgi()),
]
