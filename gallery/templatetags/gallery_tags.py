"""Template helpers for the gallery: who is signed in, for the hooks on shared pages."""
from django import template

from ..access import kid_of, teacher_of

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
