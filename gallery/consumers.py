"""The signed-in kid's small WebSocket: badge pop-ups pushed from badges.award_badges."""
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from .access import kid_of
from .badges import kid_group
from .models import AwardedBadge, Badge

CLOSE_FORBIDDEN = 4403
MAX_MESSAGE_BYTES = 512


def language_of(scope) -> str:
    """The language of the page that opened the socket, chosen as LocaleMiddleware chose it:
    the language button's cookie, else the browser's Accept-Language, else the default."""
    wanted = [scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")]
    headers = dict(scope.get("headers", []))
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    wanted += [code for code, _quality in parse_accept_lang_header(accept) if code != "*"]
    for code in filter(None, wanted):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _unseen_badges(kid, language: str) -> list[dict]:
    awards = AwardedBadge.objects.filter(kid=kid, seen=False).select_related("badge")
    with translation.override(language):
        return [award.badge.as_message() for award in awards.order_by("awarded_at", "pk")]


def _badge_in(slug: str, language: str, pushed: dict) -> dict:
    """A pushed badge said again in this socket's language (whoever earned it for the kid, a
    teacher featuring a picture say, may read another language)."""
    badge = Badge.objects.filter(slug=slug).first()
    if badge is None:
        return pushed
    with translation.override(language):
        return badge.as_message()


def _mark_seen(kid, slug: str) -> None:
    AwardedBadge.objects.filter(kid=kid, badge__slug=slug).update(seen=True)


class KidConsumer(AsyncWebsocketConsumer):
    """Joins group kid.<id>; refuses anyone who is not a signed-in kid (close code 4403).
    Server → client: {"type": "badge.awarded", "badge": {slug, name, icon, description}}.
    Client → server: {"type": "seen", "slug": "..."} once a pop-up has been shown, so a badge
    earned while no page was open pops up on the next one."""

    async def connect(self):
        self.kid = await database_sync_to_async(kid_of)(self.scope.get("user"))
        if self.kid is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.language = language_of(self.scope)
        self.group = kid_group(self.kid.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        for badge in await database_sync_to_async(_unseen_badges)(self.kid, self.language):
            await self.send_json({"type": "badge.awarded", "badge": badge})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if not text_data or len(text_data) > MAX_MESSAGE_BYTES:
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") == "seen":
            slug = message.get("slug")
            if isinstance(slug, str) and len(slug) <= 50:
                await database_sync_to_async(_mark_seen)(self.kid, slug)

    async def badge_awarded(self, event):
        badge = await database_sync_to_async(_badge_in)(
            event["badge"].get("slug", ""), self.language, event["badge"])
        await self.send_json({"type": "badge.awarded", "badge": badge})

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
