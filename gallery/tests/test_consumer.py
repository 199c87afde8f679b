"""The kid's badge socket: only signed-in kids get in, and new badges reach their open pages."""
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from drawapp.asgi import application
from gallery.consumers import CLOSE_FORBIDDEN
from gallery.models import AwardedBadge

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("in_memory_layer", "default_badges"),
]


def session_of(cast, who: str) -> str | None:
    """A session cookie for one of the cast ('anonymous' has none)."""
    if who == "anonymous":
        return None
    person = getattr(cast, who)
    client = Client()
    client.force_login(person if who == "guest_user" else person.user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def kid_socket(cast, who: str) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    session = await sync_to_async(session_of)(cast, who)
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    return WebsocketCommunicator(application, "/ws/kid/", headers=headers)


async def receive(socket) -> dict:
    return json.loads(await socket.receive_from(timeout=5))


@pytest.mark.parametrize("who", ["anonymous", "teacher", "guest_user"])
async def test_anyone_but_a_kid_is_refused_with_4403(cast, who):
    socket = await kid_socket(cast, who)
    assert await socket.connect(timeout=5) == (False, CLOSE_FORBIDDEN)


async def test_a_badge_earned_while_the_page_is_open_pops_up_there(cast):
    socket = await kid_socket(cast, "kid")
    assert (await socket.connect(timeout=5))[0]
    assert await socket.receive_nothing(timeout=0.2)
    await sync_to_async(cast.art)(cast.kid)  # the first picture
    message = await receive(socket)
    assert message == {"type": "badge.awarded", "badge": {
        "slug": "first-picture", "name": "First picture", "icon": "🎨", "icon_name": "palette",
        "description": "You kept your first picture!"}}
    await socket.disconnect()


async def test_a_classmates_badge_does_not_reach_this_kid(cast):
    socket = await kid_socket(cast, "kid")
    assert (await socket.connect(timeout=5))[0]
    await sync_to_async(cast.art)(cast.classmate)
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_badge_not_yet_seen_pops_up_on_the_next_page_until_seen(cast):
    await sync_to_async(cast.art)(cast.kid)  # no page open
    socket = await kid_socket(cast, "kid")
    assert (await socket.connect(timeout=5))[0]
    assert (await receive(socket))["badge"]["slug"] == "first-picture"
    await socket.send_to(text_data=json.dumps({"type": "seen", "slug": "first-picture"}))
    await socket.send_to(text_data="not json")  # ignored, the socket stays open
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()

    assert await sync_to_async(
        AwardedBadge.objects.filter(kid=cast.kid, seen=True).count)() == 1
    again = await kid_socket(cast, "kid")
    assert (await again.connect(timeout=5))[0]
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()
