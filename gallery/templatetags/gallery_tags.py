"""Template helpers for the gallery: who is signed in, for the hooks on shared pages; icons;
words kept in English in the database shown in the page's language."""
from django import template
from django.utils.translation import gettext

from ..access import kid_of, teacher_of
from ..category_names import category_name
from ..icons import icon_name, icon_svg
from ..models import TITLE_MAX
from ..titles import titles_by_category

register = template.Library()


@register.simple_tag(takes_context=True)
def current_kid(context):
    """The signed-in kid's profile, or None (guests, teachers, anonymous visitors)."""
    request = context.get("request")
    return kid_of(request.user) if request is not None else None


@register.simple_tag(takes_context=True)
def current_teacher(context):
    """The signed-in teacher, or None."""
    request = context.get("request")
    return teacher_of(request.user) if request is not None else None


@register.simple_tag
def icon(name: str, css_class: str = "icon"):
    """One of the studio's SVG icons by name: {% icon "home" %}."""
    return icon_svg(name, css_class)


@register.simple_tag
def emoji_icon(emoji: str, css_class: str = "icon"):
    """The icon for an emoji kept in the database (a badge's, a sign-in picture's), or the
    emoji itself where the studio draws none."""
    name = icon_name(emoji)
    return icon_svg(name, css_class) if name else emoji


@register.filter
def prompt_text(challenge) -> str:
    """A challenge's prompt: the daily ones (written by the studio) in the page's language, a
    teacher's as the teacher wrote it."""
    return gettext(challenge.prompt) if challenge.daily_for else challenge.prompt


@register.filter
def category_text(category: str) -> str:
    """A picture kind in the page's language: 'panda' -> '판다'."""
    return category_name(category)
@register.simple_tag
def keep_titles(category: str):
    """The title buttons of the keep form, grouped by category (gallery/titles.py)."""
    return titles_by_category(category)


@register.simple_tag
def title_max() -> int:
    return TITLE_MAX
