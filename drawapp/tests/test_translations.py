"""The Korean catalogs are whole and compiled: every string translated, none fuzzy, and each
committed .mo says exactly what its .po says (so nobody ships a stale compile)."""
import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every folder of templates or strings has its Korean catalog.
CATALOGS = [ROOT / folder / "ko/LC_MESSAGES/django.po"
            for folder in ("locale", "drawapp/locale", "gallery/locale", "training/locale")]


def entries(po_path: Path):
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    return [message for message in catalog if message.id]


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_string_is_translated_and_none_is_fuzzy(po_path):
    messages = entries(po_path)
    assert messages, f"{po_path} holds no strings"
    untranslated = [message.id for message in messages
                    if not all(message.string if isinstance(message.string, tuple)
                               else [message.string])]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_compiled_catalog_matches_its_source(po_path):
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in entries(po_path):
        if isinstance(message.id, tuple):  # plural (Korean has one form for every count)
            singular, plural = message.id
            for count in (1, 2, 5):
                assert compiled.ngettext(singular, plural, count) in message.string
        else:
            context = message.context
            said = (compiled.pgettext(context, message.id) if context
                    else compiled.gettext(message.id))
            assert said == message.string, message.id
