"""The language button: it offers the other language, its choice is kept for the next visits
(the language cookie) over the browser's language, and every category and crayon has a name."""
import pytest
from django.conf import settings

from drawapp.labels import CATEGORY_NAMES, CATEGORY_PLURALS, CRAYON_NAMES
from inference.categories import CATEGORIES
from inference.palette import PALETTE

pytestmark = pytest.mark.django_db

NAMED_IN_ITSELF = {"en": ">English<", "ko": ">한국어<"}


def language_of(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("browser_language", "offered"), [("en", "ko"), ("ko", "en")])
def test_each_kid_page_offers_the_other_language(client, browser_language, offered):
    drawing_url = client.get("/draw/", HTTP_ACCEPT_LANGUAGE=browser_language).url
    for url in ("/", drawing_url, "/offline/", "/no-such-page/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=browser_language).content.decode()
        assert language_of(page) == browser_language, url
        assert f'data-testid="language-{offered}"' in page, url
        assert f'data-testid="language-{browser_language}"' not in page, url
        assert NAMED_IN_ITSELF[offered] in page, url  # named so its speakers can find it


def test_the_chosen_language_survives_a_reload_and_beats_the_browsers(client):
    chosen = client.post("/i18n/setlang/", {"language": "ko", "next": "/"},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert chosen.status_code == 302 and chosen.url == "/"
    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    for _reload in range(2):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert language_of(page) == "ko" and "그리면 그림이 돼요!" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert language_of(page) == "en" and "Draw it, see it!" in page


def test_the_button_brings_the_child_back_to_the_same_drawing(client):
    drawing_url = client.get("/draw/").url
    page = client.get(drawing_url).content.decode()
    assert f'name="next" value="{drawing_url}"' in page
    back = client.post("/i18n/setlang/", {"language": "ko", "next": drawing_url})
    assert back.url == drawing_url
    assert language_of(client.get(drawing_url).content.decode()) == "ko"


def test_every_category_and_crayon_has_a_name_a_child_reads():
    assert set(CATEGORY_NAMES) == set(CATEGORY_PLURALS) == set(CATEGORIES)
    assert set(CRAYON_NAMES) == set(PALETTE)
