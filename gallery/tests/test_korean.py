"""The gallery in Korean: every page a kid, a teacher or a visitor reaches, its messages and
form errors, shows and speaks no English when the browser asks for Korean (names the people
chose are theirs); in English the same pages still read as before; the language button
switches a browser to Korean and back; badges pop up in the language of the kid's page."""
import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from drawapp.untranslated import english_words
from gallery.actions import do_create_challenge, do_enter_challenge
from gallery.consumers import _badge_in, language_of
from gallery.models import Artwork, Badge, KidProfile, SignInAlert

from .conftest import KID_PIN, text

# The cast's own names: kids, classes and their teacher.
NAMES = {"Maya", "Leo", "Aisha", "Sunflowers", "Bluebells", "Rivera"}
WRONG_PIN = ["dog", "fish", "car"]
NOTE = "배경도 그려 볼까요?"
ROOT = Path(settings.BASE_DIR)
PROMPT = "우리 학교를 그려요"


def korean_client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    if user is not None:
        client.force_login(user)
    return client


def code_words(classroom) -> set[str]:
    """The class code as a card or the class page shows it: random letters, not English."""
    return set(re.findall(r"[A-Za-z]+", f"{classroom.spoken_code} {classroom.join_code}"))


# Words the gallery's scripts show or say, handed to them translated in these attributes.
SCRIPT_WORDS = re.compile(
    r'data-(?:see-it|try-again|try-later|new-badge|my-badges|close|failed|offline)="([^"]*)"')


def shown_english(response, allowed=frozenset()) -> list[str]:
    """English a page shows or speaks, its scripts' words included."""
    assert response.status_code < 500, response.status_code
    page = response.content.decode()
    assert '<html lang="ko">' in page
    allowed = NAMES | set(allowed)
    return english_words(page, allowed) + english_words(
        " ".join(SCRIPT_WORDS.findall(page)), allowed)


@pytest.fixture
def gallery_world(cast, default_badges):
    """The cast's class with art in every state, a returned picture with its note, a class
    challenge with a waiting entry and a winner, a past challenge, and sign-in alerts."""
    approved = cast.art(cast.kid)
    pending = cast.art(cast.kid, status=Artwork.Status.PENDING, category="car")
    returned = cast.art(cast.kid, status=Artwork.Status.RETURNED, category="shoe")
    Artwork.objects.filter(pk=returned.pk).update(teacher_note=NOTE)
    cast.art(cast.kid, status=Artwork.Status.HIDDEN, category="space")
    featured = cast.art(cast.classmate, featured=True, category="gemstone")
    classmate_waiting = cast.art(cast.classmate, status=Artwork.Status.PENDING)
    today = timezone.localdate()
    challenge = do_create_challenge(cast.teacher.user, classroom=cast.classroom, prompt=PROMPT,
                                    category="panda", starts=today, ends=today)
    do_enter_challenge(cast.classmate, challenge, classmate_waiting)
    do_create_challenge(cast.teacher.user, classroom=cast.classroom, prompt=PROMPT,
                        category="", starts=today - timedelta(days=9),
                        ends=today - timedelta(days=8))
    SignInAlert.objects.create(classroom=cast.classroom, kind=SignInAlert.Kind.KID_LOCKED,
                               kid=cast.classmate, times=2)
    SignInAlert.objects.create(classroom=cast.classroom,
                               kind=SignInAlert.Kind.DEVICE_STOPPED, clients=["throttle:x"])
    return {"approved": approved, "pending": pending, "returned": returned,
            "featured": featured, "challenge": challenge}


def test_a_kids_pages_show_no_english_in_korean(cast, gallery_world):
    kid = korean_client(cast.kid.user)
    art, challenge = gallery_world, gallery_world["challenge"]
    pages = {
        "my gallery": reverse("gallery:mine"),
        "class gallery": reverse("gallery:class", args=[cast.classroom.pk]),
        "own returned artwork": art["returned"].get_absolute_url(),
        "own waiting artwork": art["pending"].get_absolute_url(),
        "a classmate's artwork": art["featured"].get_absolute_url(),
        "profile and badges": reverse("gallery:profile"),
        "challenges": reverse("gallery:challenges"),
        "a class challenge": reverse("gallery:challenge", args=[challenge.pk]),
        "a teacher's page": reverse("gallery:teacher-home"),
    }
    found = {name: shown_english(kid.get(url, follow=True)) for name, url in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_a_kids_messages_and_refusals_show_no_english_in_korean(cast, gallery_world):
    kid = korean_client(cast.kid.user)
    featured = gallery_world["featured"]
    star = kid.post(reverse("gallery:star", args=[featured.pk]), follow=True)
    star_again = kid.post(reverse("gallery:star", args=[featured.pk]))
    own_star = kid.post(reverse("gallery:star", args=[gallery_world["approved"].pk]))
    renamed = kid.post(reverse("gallery:title", args=[gallery_world["approved"].pk]),
                       {"title": "x" * 200})
    as_json = kid.post(reverse("gallery:star", args=[gallery_world["approved"].pk]),
                       HTTP_ACCEPT="application/json")
    found = {name: shown_english(response) for name, response in {
        "star given": star, "second star": star_again, "own picture": own_star,
        "title too long": renamed}.items()}
    assert {name: words for name, words in found.items() if words} == {}
    assert "별" in star.content.decode()  # the message after the redirect: "⭐ 별을 줬어요!"
    assert english_words(as_json.json()["message"]) == []


def test_joining_a_class_shows_no_english_in_korean(cast, clock):
    visitor = korean_client()
    code = cast.classroom.join_code
    pin_url = reverse("gallery:join-pin", args=[code, cast.kid.pk])
    pages = {
        "join": visitor.get(reverse("gallery:join")),
        "join, no code": visitor.post(reverse("gallery:join"), {"code": ""}),
        "join, short code": visitor.post(reverse("gallery:join"), {"code": "AB"}),
        "join, unknown code": visitor.post(reverse("gallery:join"), {"code": "ZZZZZZ"}),
        "roster": visitor.get(reverse("gallery:join-roster", args=[code])),
        "pin": visitor.get(pin_url),
        "pin, too few pictures": visitor.post(pin_url, {"pictures": ["cat"]}),
        "pin, wrong": visitor.post(pin_url, {"pictures": WRONG_PIN}),
        "kid pages without a class": visitor.get(reverse("gallery:mine")),
    }
    KidProfile.objects.filter(pk=cast.kid.pk).update(
        locked_until=timezone.now() + timedelta(minutes=10))
    pages["pin, locked out"] = visitor.get(pin_url)
    # The code box's placeholder shows what a code looks like (Latin letters, as the kid types).
    allowed = code_words(cast.classroom) | {"ABC", "DEF"}
    found = {name: shown_english(response, allowed) for name, response in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}
    assert "아쉬워요" in text(pages["pin, wrong"])
    assert "10분" in text(pages["pin, locked out"])


def test_the_pin_pictures_are_named_in_korean_for_screen_readers(cast):
    page = text(korean_client().get(
        reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk])))
    assert all(name in page for name in ("고양이", "강아지", "로켓", "물고기", "꽃"))


def test_a_teachers_pages_show_no_english_in_korean(cast, gallery_world):
    teacher = korean_client(cast.teacher.user)
    classroom = cast.classroom
    challenge = gallery_world["challenge"]
    teacher.post(reverse("gallery:teacher-reset-pin", args=[classroom.pk, cast.kid.pk]))
    cards = teacher.get(reverse("gallery:teacher-cards", args=[classroom.pk]))
    join_url = cards.context["join_url"]
    pages = {
        "classes": teacher.get(reverse("gallery:teacher-home")),
        "new class, no name": teacher.post(reverse("gallery:teacher-home"), {"name": " "}),
        "class with alerts": teacher.get(reverse("gallery:teacher-class", args=[classroom.pk])),
        "adding kids, bad lines": teacher.post(
            reverse("gallery:teacher-add-kids", args=[classroom.pk]), {"names": "123\n!!"}),
        "adding kids, some good": teacher.post(
            reverse("gallery:teacher-add-kids", args=[classroom.pk]),
            {"names": "Maya K\n123"}, follow=True),
        "review queue": teacher.get(reverse("gallery:teacher-queue", args=[classroom.pk])),
        "approving all": teacher.post(
            reverse("gallery:teacher-approve-all", args=[classroom.pk]),
            {"artwork": [gallery_world["pending"].pk]}, follow=True),
        "sending back without a note": teacher.post(
            reverse("gallery:teacher-review", args=[gallery_world["approved"].pk]),
            {"action": "return", "note": ""}, follow=True),
        "a challenge with entries": teacher.get(
            reverse("gallery:challenge", args=[challenge.pk])),
        "new challenge": teacher.get(
            reverse("gallery:teacher-new-challenge", args=[classroom.pk])),
        "new challenge, errors": teacher.post(
            reverse("gallery:teacher-new-challenge", args=[classroom.pk]),
            {"prompt": "", "starts": "soon", "ends": ""}),
        "an artwork": teacher.get(gallery_world["returned"].get_absolute_url()),
        "settings saved": teacher.post(
            reverse("gallery:teacher-settings", args=[classroom.pk]),
            {"approval_required": "on"}, follow=True),
    }
    found = {name: shown_english(response, code_words(classroom))
             for name, response in pages.items()}
    # The cards show the join address (a URL: its words are not English to translate).
    found["sign-in cards"] = shown_english(
        cards, code_words(classroom) | set(re.findall(r"[A-Za-z]+", join_url)))
    assert {name: words for name, words in found.items() if words} == {}


def test_a_teachers_sign_in_and_sign_up_show_no_english_in_korean(db):
    visitor = korean_client()
    pages = {
        "sign in": visitor.get(reverse("gallery:teacher-login")),
        "sign in, wrong password": visitor.post(
            reverse("gallery:teacher-login"), {"username": "nobody", "password": "wrong-1"}),
        "sign up": visitor.get(reverse("gallery:teacher-signup")),
        "sign up, errors": visitor.post(
            reverse("gallery:teacher-signup"),
            {"username": "", "password1": "a", "password2": "b"}),
    }
    found = {name: shown_english(response) for name, response in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_the_home_page_with_the_featured_wall_shows_no_english_in_korean(cast, gallery_world):
    cast.classroom.public_featuring_allowed = True
    cast.classroom.save()
    for who in (None, cast.kid.user, cast.teacher.user):
        page = korean_client(who).get("/")
        assert "판다" in text(page) or "보석" in text(page)  # the wall's pictures, named
        assert shown_english(page) == []


def test_the_same_pages_still_read_in_english(cast, gallery_world):
    kid = cast.client("kid")
    assert '<html lang="en">' in kid.get(reverse("gallery:mine")).content.decode()
    assert "My pictures" in text(kid.get(reverse("gallery:mine")))
    assert "My panda" in text(kid.get(reverse("gallery:class", args=[cast.classroom.pk])))
    profile = text(kid.get(reverse("gallery:profile")))
    assert "First picture" in profile and "You kept your first picture!" in profile
    teacher = text(cast.client("teacher").get(
        reverse("gallery:teacher-class", args=[cast.classroom.pk])))
    assert "Leo B. was locked out after too many wrong pictures (2 times)." in teacher
    pin = text(Client().post(
        reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk]),
        {"pictures": WRONG_PIN}))
    assert "Not quite! Try again. (4 tries left)" in pin


def test_the_language_button_switches_to_korean_and_back(cast):
    kid = cast.client("kid")
    mine = reverse("gallery:mine")
    page = text(kid.get(mine))
    assert 'data-testid="language-ko"' in page and "My pictures" in page
    switched = kid.post(reverse("set_language"), {"language": "ko", "next": mine}, follow=True)
    assert '<html lang="ko">' in switched.content.decode() and "내 그림" in text(switched)
    assert 'data-testid="language-en"' in text(switched)
    back = kid.post(reverse("set_language"), {"language": "en", "next": mine}, follow=True)
    assert '<html lang="en">' in back.content.decode() and "My pictures" in text(back)


def test_the_pin_page_and_the_join_page_have_the_language_button(cast):
    visitor = Client()
    for url in (reverse("gallery:join"),
                reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk])):
        assert 'data-testid="language-ko"' in visitor.get(url).content.decode()


@pytest.mark.parametrize(("scope", "language"), [
    ({"cookies": {"django_language": "ko"}, "headers": []}, "ko"),
    ({"cookies": {}, "headers": [(b"accept-language", b"ko-KR,ko;q=0.9,en;q=0.8")]}, "ko"),
    ({"cookies": {"django_language": "en"},
      "headers": [(b"accept-language", b"ko-KR")]}, "en"),
    ({"cookies": {}, "headers": [(b"accept-language", b"fr-FR")]}, "en"),
    ({}, "en"),
])
def test_the_kids_socket_speaks_the_language_of_its_page(scope, language):
    assert language_of(scope) == language


def test_a_badge_pushed_by_an_english_teacher_pops_up_in_korean(default_badges):
    with translation.override("en"):
        pushed = Badge.objects.get(slug="featured").as_message()
    assert pushed["name"] == "On the wall"
    said = _badge_in("featured", "ko", pushed)
    assert said["name"] == "게시판에 걸렸어요"
    assert said["description"] == "선생님이 내 그림을 추천했어요."


def test_every_seeded_badge_and_daily_prompt_has_a_korean_translation(default_badges):
    from gallery.daily import DAILY_PROMPTS

    with translation.override("ko"):
        shown = [words for badge in Badge.objects.all()
                 for words in (badge.shown_name, badge.shown_description)]
        shown += [translation.gettext(prompt) for prompt, _category in DAILY_PROMPTS]
    assert [words for words in shown if english_words(words)] == []


def test_the_kid_pin_still_signs_in_on_a_korean_page(cast):
    visitor = korean_client()
    response = visitor.post(
        reverse("gallery:join-pin", args=[cast.classroom.join_code, cast.kid.pk]),
        {"pictures": list(KID_PIN)})
    assert response.status_code == 302 and response.url == reverse("gallery:mine")


def test_no_other_catalog_says_the_gallerys_words_otherwise():
    """Django reads the catalogs of apps listed earlier first (the admin's, drawapp's): a string
    they translate too must come out as the gallery's catalog says (the admin's "Go" is 실행,
    a command, not the child's 가기)."""
    with (ROOT / "gallery/locale/ko/LC_MESSAGES/django.po").open("rb") as handle:
        catalog = read_po(handle)
    shadowed = {}
    with translation.override("ko"):
        for message in catalog:
            if not message.id or isinstance(message.id, tuple):
                continue
            said = (translation.pgettext(message.context, message.id) if message.context
                    else translation.gettext(message.id))
            if said != message.string:
                shadowed[message.id] = said
    assert shadowed == {}


def test_the_drawing_page_with_the_keep_buttons_shows_no_english_in_korean(cast, default_badges):
    page = korean_client(cast.kid.user).get(reverse("drawapp:new"), follow=True)
    html = page.content.decode()
    assert "간직하기" in html and 'data-see-it="보러 가기' in html
    assert shown_english(page) == []


TEMPLATES = ROOT / "gallery/templates"
# What is left of a template once everything Django fills in or translates is taken out.
FILLED_IN = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{%\s*block\s+\w*class\s*%}.*?{%\s*endblock\s*%}", re.S),  # CSS classes
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"{#.*?#}", re.S),
]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_holds_words_outside_a_translation_tag(template):
    """Any page, even one no test renders in every state, shows only translated words: the
    template's own text (outside {% translate %} and {% blocktranslate %}) holds no English."""
    source = template.read_text()
    for pattern in FILLED_IN:
        source = pattern.sub("", source)
    assert english_words(source) == []


# Calls whose text reaches a person: the gallery's errors, form errors, messages, refusals.
SAYING_CALLS = {"GalleryError", "NotAllowed", "Conflict", "ValidationError", "KidNameError",
                "PinError", "Http404", "refuse", "success", "warning", "info", "error",
                "add_error", "message_user"}


def said_untranslated(path: Path) -> list[str]:
    """English sentences (plain or in f-strings) handed straight to a call that shows them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in SAYING_CALLS:
            continue
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
            words = " ".join(part.value for part in parts if isinstance(part, ast.Constant)
                             and isinstance(part.value, str) and " " in part.value)
            if english_words(words):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_message_in_the_gallerys_python_is_left_untranslated():
    sources = [path for path in (ROOT / "gallery").rglob("*.py")
               if "tests" not in path.parts and "migrations" not in path.parts]
    assert [place for path in sources for place in said_untranslated(path)] == []
