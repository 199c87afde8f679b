"""Fixtures for the drawing room: a browser session that owns a drawing, and sockets to it."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from drawapp.asgi import application
from drawapp.models import Drawing

from .browser import browser, screen, studio_url  # noqa: F401  (fixtures shared with other apps' tests)


def new_session_key() -> str:
    session = SessionStore()
    session.create()
    return session.session_key


@pytest.fixture
def session_key(db):
    return new_session_key()


@pytest.fixture
def drawing(session_key):
    return Drawing.objects.create(owner_session=session_key)


class Socket:
    """A WebsocketCommunicator that speaks JSON and remembers nothing else."""

    def __init__(self, drawing_id, session_key, origin=b"http://testserver"):
        headers = [(b"origin", origin), (b"host", b"testserver")]
        if session_key:
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()
            headers.append((b"cookie", cookie))
        self.communicator = WebsocketCommunicator(
            application, f"/ws/draw/{drawing_id}/", headers=headers
        )

    async def connect(self):
        return await self.communicator.connect(timeout=5)

    async def send(self, message):
        text = message if isinstance(message, str) else json.dumps(message)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout=10):
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def receive_until(self, kind, timeout=20):
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message

    async def close(self):
        await self.communicator.disconnect()


def stroke_message(points=((0.2, 0.2), (0.8, 0.8)), size=3, tool="pen") -> dict:
    return {"type": "stroke", "points": [list(p) for p in points], "size": size, "tool": tool}


saved_drawing = database_sync_to_async(lambda pk: Drawing.objects.get(pk=pk))


@pytest.fixture
def embedded(settings):
    """The embedded default, whatever the environment says: in-memory layer, in-process jobs."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.RUN_TASKS_IN_PROCESS = True
    return settings
