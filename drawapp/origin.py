"""Which pages may open the studio's WebSockets: the site's own origin, scheme and port too."""
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _is_secure(scope) -> bool:
    """Like Django's request.is_secure(): TLS to this server, or a trusted proxy says so."""
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, secure_value = proxy
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        return _header(scope, header).split(",")[0].strip() == secure_value
    return False


def is_own_origin(scope) -> bool:
    """Whether the socket's Origin is this site as the browser reached it (scheme, host and
    port of the Host header, which ALLOWED_HOSTS must allow) or one of CSRF_TRUSTED_ORIGINS."""
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    domain, _ = split_domain_port(host)
    if not origin or not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if _is_secure(scope) else "http"
    claimed = _origin_parts(origin)
    if claimed is None:
        return False
    trusted = {_origin_parts(url) for url in settings.CSRF_TRUSTED_ORIGINS}
    return claimed == _origin_parts(f"{scheme}://{host}") or claimed in trusted


class SameOriginValidator:
    """ASGI middleware: a WebSocket from any other origin is refused before it is accepted."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not is_own_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
