"""Template helpers for the gallery: who is signed in, for the hooks on shared pages; icons."""
from django import template

from ..access import kid_of, teacher_of
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


@register.simple_tag
def keep_titles(category: str):
    """The title buttons of the keep form, grouped by category (gallery/titles.py)."""
    return titles_by_category(category)


@register.simple_tag
def title_max() -> int:
    return TITLE_MAX
