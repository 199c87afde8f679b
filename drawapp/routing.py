"""WebSocket routes."""
from django.urls import path

from gallery.consumers import KidConsumer

from .consumers import DrawConsumer

websocket_urlpatterns = [
    path("ws/draw/<str:drawing_id>/", DrawConsumer.as_asgi()),
    path("ws/kid/", KidConsumer.as_asgi()),
]
