"""Who may open the studio's sockets: the site's own origin with its scheme and port, a listed
trusted origin, and nobody else; a path with no socket is refused cleanly."""
import pytest
from channels.testing import WebsocketCommunicator

from drawapp.asgi import application

from .conftest import Socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("embedded")]


async def opens(drawing, session_key, origin: str, host="testserver", extra=()) -> bool:
    socket = Socket(drawing.pk, session_key, origin=origin.encode())
    headers = [(k, v) for k, v in socket.communicator.scope["headers"] if k != b"host"]
    socket.communicator.scope["headers"] = [*headers, (b"host", host.encode()), *extra]
    accepted, _ = await socket.connect()
    if accepted:
        await socket.close()
    return accepted


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://testserver", "testserver", True),
        ("http://testserver:80", "testserver", True),
        ("http://testserver:8000", "testserver:8000", True),
        ("http://testserver:8001", "testserver:8000", False),  # another port
        ("http://testserver", "testserver:8000", False),
        ("https://testserver", "testserver", False),  # another scheme
        ("http://evil.example", "testserver", False),
        ("http://evil.example", "evil.example", False),  # a host the site does not serve
        ("null", "testserver", False),
        ("", "testserver", False),
    ],
)
async def test_only_the_sites_own_origin_opens_a_drawing_socket(
    drawing, session_key, origin, host, allowed
):
    assert await opens(drawing, session_key, origin, host) is allowed


async def test_behind_a_tls_proxy_the_https_origin_is_the_own_one(drawing, session_key, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = [(b"x-forwarded-proto", b"https")]
    assert await opens(drawing, session_key, "https://testserver", extra=proxied)
    assert not await opens(drawing, session_key, "http://testserver", extra=proxied)
    assert not await opens(drawing, session_key, "https://testserver")  # no proxy said so


async def test_a_trusted_origin_from_the_settings_may_open_it(drawing, session_key, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://studio.example"]
    assert await opens(drawing, session_key, "https://studio.example")
    assert not await opens(drawing, session_key, "https://studio.example:8443")


async def test_a_path_with_no_socket_is_refused_without_an_error():
    communicator = WebsocketCommunicator(
        application, "/ws/nothing/here/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    accepted, _ = await communicator.connect(timeout=5)
    assert not accepted
    await communicator.wait(timeout=5)  # the application ended without raising
