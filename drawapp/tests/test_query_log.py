"""With DEBUG on (`make run`), the drawing socket and the in-process picture thread keep no
log of their queries: it would hold every stroke ever sent until the process ends."""
import asyncio

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from drawapp import runner

from .conftest import Socket, stroke_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]

STROKES = 30


def logged_queries() -> int:
    return len(connection.queries_log)


async def test_socket_queries_leave_no_log_behind_with_debug_on(
    drawing, session_key, settings, trained_panda
):
    settings.DEBUG = True
    socket = Socket(drawing.pk, session_key)
    assert (await socket.connect())[0]
    await socket.receive_until("state")
    for _ in range(STROKES):
        await socket.send(stroke_message())
        await socket.receive_until("ack")
    await socket.receive_until("result")
    await socket.close()
    assert settings.DEBUG and connection.queries_logged
    assert await database_sync_to_async(logged_queries)() == 0  # the socket's database thread
    picture_thread = asyncio.get_running_loop().run_in_executor(
        runner._executor("gen.panda"), logged_queries
    )
    assert await picture_thread == 0
