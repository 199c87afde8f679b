"""The studio's own icons: every emoji the pages and the badges use is drawn from the sprite."""
import re
from pathlib import Path

from django.conf import settings

from gallery.icons import ICON_OF_EMOJI, icon_name
from gallery.migrations import __path__ as migration_dirs
from gallery.pins import PIN_PICTURES

SPRITE = Path(settings.BASE_DIR) / "static" / "gallery" / "icons.svg"
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "gallery"]
# Pictographs that need a colour-emoji font (the plain arrows and crosses are in ordinary fonts).
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u26FF\u2B50\u2705\u23F0-\u23FA\u25B6]")


def sprite_symbols() -> set[str]:
    return set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))


def test_every_icon_the_table_names_is_in_the_sprite():
    assert set(ICON_OF_EMOJI.values()) <= sprite_symbols()


def test_badges_and_sign_in_pictures_all_have_an_icon():
    migration = next(Path(migration_dirs[0]).glob("0002_default_badges.py")).read_text()
    badge_icons = re.findall(r'\("[a-z0-9-]+", "[^"]+", "([^"]+)"', migration)
    assert badge_icons and all(icon_name(icon) for icon in badge_icons)
    assert all(icon_name(emoji) for _, emoji, _ in PIN_PICTURES)


def test_no_template_shows_an_emoji():
    found = {str(path): EMOJI.findall(path.read_text())
             for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")}
    assert {path: emoji for path, emoji in found.items() if emoji} == {}
