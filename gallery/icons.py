"""The studio's own SVG icons (static/gallery/icons.svg) and the emoji each one stands for.

Emoji need a colour-emoji font, which school kiosks and Chromebooks often lack (empty boxes);
the pages draw these icons instead. Badges and sign-in pictures keep an emoji as their name in
the database, and this table turns it into the icon.
"""
from django.templatetags.static import static
from django.utils.html import format_html

SPRITE = "gallery/icons.svg"

ICON_OF_EMOJI = {
    "🏠": "home", "🖌️": "brush", "🖼️": "pictures", "🏫": "school", "🎯": "target",
    "🏅": "medal", "🍎": "apple", "🔑": "key", "👋": "bye", "📌": "pin", "⭐": "star",
    "🌟": "shining-star", "💌": "note", "▶️": "play", "✏️": "pencil", "📋": "clipboard",
    "✅": "check", "⏳": "waiting", "🙈": "hidden", "💖": "heart", "➡️": "go", "🏆": "trophy",
    "🥇": "gold-medal", "🔔": "bell", "🧒": "child", "🔥": "fire", "🎉": "party",
    "🎨": "palette", "🌈": "rainbow", "🚀": "rocket", "⏰": "clock", "🐱": "cat", "🐶": "dog",
    "🌞": "sun", "🐟": "fish", "🌸": "flower", "🚗": "car",
}


def icon_name(emoji: str) -> str | None:
    """The icon drawn for this emoji, or None where the studio has none."""
    return ICON_OF_EMOJI.get(emoji) or ICON_OF_EMOJI.get(f"{emoji}\ufe0f")


def icon_svg(name: str, css_class: str = "icon"):
    """An inline <svg> that draws one icon of the sprite; decorative (hidden from readers)."""
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class, static(SPRITE), name)
