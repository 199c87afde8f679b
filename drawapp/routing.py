"""WebSocket routes: the drawing socket here, the apps' own routes added after it."""
from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from gallery.routing import websocket_urlpatterns as gallery_websocket_urlpatterns

from .consumers import DrawConsumer

websocket_urlpatterns = [
    path("ws/draw/<str:drawing_id>/", DrawConsumer.as_asgi()),
    *gallery_websocket_urlpatterns,
    re_path(r"", WebsocketDenier.as_asgi()),  # any other path: refused, not a server error
]
