"""The drawing room's WebSocket: validate, save, acknowledge, then ask for a picture."""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .actions import apply_message
from .pictures.events import drawing_group
from .pictures.line import picture_line
from .pictures.scheduler import (
    ASLEEP_MESSAGE,
    NO_ANSWER_S,
    picture_machine_asleep,
    request_picture,
)
from .protocol import (
    MAX_ERRORS_BEFORE_CLOSE,
    MAX_MESSAGE_BYTES,
    ProtocolError,
    RateLimiter,
    parse_client_message,
)
from .state import drawing_state, load_owned_drawing

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_ABUSIVE = 4429


class DrawConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        drawing_id = self.scope["url_route"]["kwargs"]["drawing_id"]
        session = self.scope.get("session")
        drawing = await database_sync_to_async(load_owned_drawing)(
            drawing_id, session.session_key if session else None, self.scope.get("user")
        )
        if drawing is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.drawing_id = str(drawing.pk)
        self.group = drawing_group(self.drawing_id)
        self.limiter = RateLimiter()
        self.errors = 0
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        state = await database_sync_to_async(drawing_state)(drawing)
        # Pictures of older revisions than one already sent never reach the page (two workers
        # may finish a drawing's pictures out of order).
        self.newest_picture = state["result"]["revision"] if state["result"] else -1
        self.newest_answer = self.newest_picture
        self.asleep_watch = None
        await self.send_json({"type": "state", **state})
        if state["needs_picture"]:
            await self._ask_for_picture(drawing.revision, drawing.category, asking_again=True)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "asleep_watch", None):
            self.asleep_watch.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        try:
            if bytes_data is not None:
                raise ProtocolError("not_text", "Send JSON text frames.")
            if len(text_data) > MAX_MESSAGE_BYTES:  # cheap check before decoding anything
                raise ProtocolError(
                    "too_big", f"Messages may be at most {MAX_MESSAGE_BYTES} bytes."
                )
            if not self.limiter.allow():
                raise ProtocolError("rate_limited", "Slow down a little!")
            message = parse_client_message(text_data)
            change = await database_sync_to_async(apply_message)(self.drawing_id, message)
        except ProtocolError as error:
            await self._reject(error)
            return
        await self.send_json({"type": "ack", "revision": change.revision})
        if not change.is_empty:
            await self._ask_for_picture(change.revision, change.category)

    async def _ask_for_picture(self, revision: int, category: str, asking_again: bool = False):
        await request_picture(self.drawing_id, revision, category, asking_again)
        watching = self.asleep_watch is not None and not self.asleep_watch.done()
        if not watching and not picture_line().in_memory:
            self.asleep_watch = asyncio.create_task(self._tell_if_asleep(revision, category))

    async def _tell_if_asleep(self, revision: int, category: str):
        """No answer for `revision` within NO_ANSWER_S and no worker awake: say so kindly."""
        await asyncio.sleep(NO_ANSWER_S)
        if self.newest_answer < revision and await picture_machine_asleep(category):
            await self.send_json({"type": "status", "state": "asleep", "message": ASLEEP_MESSAGE})

    async def _reject(self, error: ProtocolError):
        self.errors += 1
        await self.send_json(error.as_message())
        if self.errors >= MAX_ERRORS_BEFORE_CLOSE:
            log.warning("closing abusive socket on drawing %s", self.drawing_id)
            await self.close(code=CLOSE_ABUSIVE)

    async def gen_done(self, event):
        if event["revision"] < self.newest_picture:
            return
        self.newest_picture = self.newest_answer = event["revision"]
        await self.send_json(
            {
                "type": "result",
                "revision": event["revision"],
                "url": event["url"],
                "model_ms": event["model_ms"],
            }
        )

    async def gen_unavailable(self, event):
        self.newest_answer = max(self.newest_answer, event["revision"])
        await self.send_json(
            {
                "type": "unavailable",
                "revision": event["revision"],
                "category": event["category"],
                "reason": event["reason"],
            }
        )

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
