"""WebSocket routes."""
from django.urls import path

from .consumers import DrawConsumer

websocket_urlpatterns = [
    path("ws/draw/<str:drawing_id>/", DrawConsumer.as_asgi()),
]
