"""The cast every gallery test plays with: two teachers and their classes, kids, and a guest."""
import html
import importlib
from dataclasses import dataclass, field

import pytest
from django.test import Client
from PIL import Image

from drawapp.tests.browser import browser, screen, studio_url  # noqa: F401  (fixtures for browser tests)
from gallery.actions import do_add_artwork, do_add_kids, do_create_classroom, png_bytes
from gallery.models import Artwork, Classroom, KidProfile, Teacher
from gallery.pins import hash_pin

KID_PIN = ("cat", "sun", "rocket")
STROKES = [{"points": [[0.2, 0.2], [0.8, 0.8]], "size": 3, "tool": "pen"}]


def tiny_png(colour=(255, 200, 0), mode="RGB") -> bytes:
    return png_bytes(Image.new(mode, (8, 8), colour if mode == "RGB" else 255))


def text(response) -> str:
    """A response's page as a person reads it (HTML entities turned back into characters)."""
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Cast:
    """teacher teaches `classroom` (kid, classmate); other_teacher teaches `other_classroom`
    (outsider). Guests are anonymous browsers and signed-in users with no role."""

    teacher: Teacher
    classroom: Classroom
    kid: KidProfile
    classmate: KidProfile
    other_teacher: Teacher
    other_classroom: Classroom
    outsider: KidProfile
    guest_user: object
    clients: dict = field(default_factory=dict)

    def client(self, who: str) -> Client:
        """A browser signed in as one of the cast: 'teacher', 'kid', ..., or 'anonymous'."""
        if who not in self.clients:
            if who == "anonymous":
                self.clients[who] = Client()
            else:
                person = getattr(self, who)
                user = person if who == "guest_user" else person.user
                self.clients[who] = signed_in(user)
        return self.clients[who]

    def art(self, kid: KidProfile, status=Artwork.Status.APPROVED, featured=False,
            category="panda", title="") -> Artwork:
        """An artwork kept the ordinary way, then put in the given state."""
        artwork = do_add_artwork(kid, strokes=STROKES, sketch_png=tiny_png(mode="L"),
                                 picture_png=tiny_png(), category=category, title=title)
        Artwork.objects.filter(pk=artwork.pk).update(status=status, featured=featured)
        artwork.refresh_from_db()
        return artwork


def make_teacher(django_user_model, username: str) -> Teacher:
    user = django_user_model.objects.create_user(username=username, password="a-long-password-1")
    return Teacher.objects.create(user=user, display_name=username.title())


def one_kid_class(django_user_model) -> tuple[Teacher, Classroom, KidProfile]:
    """Teacher Rivera's class Sunflowers with one kid, Maya K."""
    teacher = make_teacher(django_user_model, "rivera")
    classroom = do_create_classroom(teacher, "Sunflowers")
    return teacher, classroom, do_add_kids(classroom, teacher.user, [("Maya", "K")])[0].kid


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db, django_user_model) -> Cast:
    teacher = make_teacher(django_user_model, "rivera")
    classroom = do_create_classroom(teacher, "Sunflowers")
    kid, classmate = (new.kid for new in do_add_kids(
        classroom, teacher.user, [("Maya", "K"), ("Leo", "B")]))
    KidProfile.objects.filter(pk=kid.pk).update(pin_hash=hash_pin(KID_PIN))
    kid.refresh_from_db()
    other_teacher = make_teacher(django_user_model, "okafor")
    other_classroom = do_create_classroom(other_teacher, "Bluebells")
    (outsider,) = (new.kid for new in do_add_kids(
        other_classroom, other_teacher.user, [("Aisha", "R")]))
    guest_user = django_user_model.objects.create_user(username="parent", password="x-y-z-123")
    return Cast(teacher, classroom, kid, classmate, other_teacher, other_classroom, outsider,
                guest_user)


class ThrottleClock:
    """The clock the sign-in throttles read, stopped; a test moves it on by hand."""

    def __init__(self, monkeypatch):
        from gallery import throttle

        self.moment = 1_000_000.0
        monkeypatch.setattr(throttle, "now", lambda: self.moment)

    def advance(self, seconds: float) -> None:
        self.moment += seconds


@pytest.fixture
def clock(monkeypatch) -> ThrottleClock:
    return ThrottleClock(monkeypatch)


@pytest.fixture
def default_badges(db):
    """The badges the data migration seeds. Transactional tests need this: the database is
    emptied after each of them, migration data included."""
    from django.apps import apps

    migration = importlib.import_module("gallery.migrations.0002_default_badges")
    migration.add_badges(apps, None)


@pytest.fixture
def in_memory_layer(settings):
    """The embedded channel layer whatever the environment says (as drawapp's `embedded`)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return settings
