"""The drawing room's WebSocket: validate, save, acknowledge, then ask for a picture."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import DatabaseError, OperationalError, reset_queries

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
    SAVE_ATTEMPTS,
    SAVE_RETRY_WAIT_S,
    ProtocolError,
    RateLimiter,
    ServerTrouble,
    encode_message,
    parse_client_message,
)
from .state import load_owned_drawing, state_messages

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
def in_database(function):
    """`function` as a coroutine on the database thread that leaves no query log behind: with
    DEBUG on, Django keeps every query (strokes and all) until a request ends, and on the
    socket's thread no request ever does."""

    def run(*arguments):
        try:
            return function(*arguments)
        finally:
            reset_queries()

    return database_sync_to_async(run)


CLOSE_ABUSIVE = 4429
CLOSE_TRY_AGAIN = 4503  # the server could not read the drawing just now; reconnect later


class DrawConsumer(AsyncWebsocketConsumer):
    """One open canvas. No exception leaves a handler: a message always gets its answer, and a
    connect that fails closes with CLOSE_TRY_AGAIN, never with 1011."""

    async def connect(self):
        try:
            await self._open()
        except Exception:
            log.exception("could not open a drawing socket")
            await self.close(code=CLOSE_TRY_AGAIN)

    async def _open(self):
        drawing_id = self.scope["url_route"]["kwargs"]["drawing_id"]
        session = self.scope.get("session")
        drawing = await in_database(load_owned_drawing)(
            drawing_id, session.session_key if session else None, self.scope.get("user")
        )
        if drawing is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.drawing_id = str(drawing.pk)
        self.group = drawing_group(self.drawing_id)
        self.limiter = RateLimiter()
        self.errors = 0
        self.closing = False  # set once the socket is to be closed: nothing more is saved
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.asleep_watch = None
        pages = await in_database(state_messages)(drawing)
        state = pages[0]
        # Pictures of older revisions than one already sent never reach the page (two workers
        # may finish a drawing's pictures out of order).
        self.newest_picture = state["result"]["revision"] if state["result"] else -1
        self.newest_answer = self.newest_picture
        for page in pages:
            await self.send_json(page)
        if state["needs_picture"]:
            await self._ask_for_picture(state["revision"], state["category"], asking_again=True)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "asleep_watch", None):
            self.asleep_watch.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:  # already queued when the close was decided: neither saved nor answered
            return
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
            change = await self._save(message)
        except ProtocolError as error:
            await self._reject(error)
            return
        except Exception:
            log.exception("saving a message on drawing %s failed", self.drawing_id)
            await self._reject(ServerTrouble("server_error", "Something went wrong: try again."))
            return
        if not change.is_new:
            await self.send_json({"type": "ack", "revision": change.revision, "repeat": True})
            return
        await self.send_json({"type": "ack", "revision": change.revision})
        if not change.is_empty:
            try:
                await self._ask_for_picture(change.revision, change.category)
            except Exception:  # saved and acked; the next connect asks for the picture again
                log.exception("could not ask for the picture of drawing %s", self.drawing_id)

    async def _save(self, message):
        """apply_message, tried again after a database error (each failed try rolled back)."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                return await in_database(apply_message)(self.drawing_id, message)
            except OperationalError as error:
                log.warning("save on drawing %s, try %d: %s", self.drawing_id, attempt, error)
                if attempt < SAVE_ATTEMPTS:
                    await asyncio.sleep(SAVE_RETRY_WAIT_S)
            except DatabaseError:
                log.exception("save on drawing %s failed", self.drawing_id)
                break
        raise ServerTrouble("busy", "The studio is busy: send that again in a moment.")

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
        await self.send_json(error.as_message())
        if isinstance(error, ServerTrouble):
            return
        self.errors += 1
        if self.errors >= MAX_ERRORS_BEFORE_CLOSE:
            self.closing = True
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
        await self.send(text_data=encode_message(content))
