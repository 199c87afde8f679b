"""Crayon colours over the drawing socket: saved with the stroke, restored on reconnect, checked."""
import pytest

from .conftest import Socket, saved_drawing, stroke_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]


async def test_red_stroke_is_saved_red_and_comes_back_red_after_a_reconnect(drawing, session_key):
    socket = Socket(drawing.pk, session_key)
    assert (await socket.connect())[0]
    await socket.receive_until("state")
    await socket.send({**stroke_message(), "color": "red"})
    assert await socket.receive_until("ack") == {"type": "ack", "revision": 1}
    await socket.send(stroke_message())  # an old page's stroke, without a colour
    assert await socket.receive_until("ack") == {"type": "ack", "revision": 2}
    await socket.close()

    again = Socket(drawing.pk, session_key)
    assert (await again.connect())[0]
    state = await again.receive_until("state")
    assert [stroke.get("color", "black") for stroke in state["strokes"]] == ["red", "black"]
    await again.close()


async def test_wrong_colour_is_refused_with_bad_color_and_nothing_is_saved(drawing, session_key):
    socket = Socket(drawing.pk, session_key)
    assert (await socket.connect())[0]
    await socket.receive_until("state")
    await socket.send({**stroke_message(), "color": "sparkly"})
    error = await socket.receive()
    assert error["type"] == "error" and error["code"] == "bad_color"
    assert (await saved_drawing(drawing.pk)).revision == 0
    await socket.close()
