"""seed_demo: a demo school to explore locally (a teacher, a class, kids, art, a challenge)."""
import math
import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from gallery.actions import (
    do_add_artwork,
    do_add_kids,
    do_create_challenge,
    do_create_classroom,
    do_enter_challenge,
    do_pick_winner,
    do_reset_pin,
    do_review_artwork,
    do_star,
    png_bytes,
)
from gallery.models import Classroom, Teacher
from gallery.pins import pin_pictures
from inference.rasterize import rasterize

TEACHER_USERNAME = "demo-teacher"
CLASS_NAME = "Sunflower class"
KIDS = [("Maya", "K"), ("Leo", "B"), ("Aisha", "R"), ("Sam", "T")]
# Who draws what, and on how many days ago: Maya draws three days running.
ART = [
    ("Maya", "panda", "Panda picnic", 2), ("Maya", "space", "Rocket trip", 1),
    ("Maya", "gemstone", "", 0), ("Leo", "car", "Zoom!", 0), ("Leo", "panda", "", 0),
    ("Aisha", "shoe", "Party shoe", 0), ("Aisha", "maplestory", "", 0), ("Sam", "car", "", 0),
]
PALETTES = {
    "panda": ((200, 240, 200), (90, 170, 90)), "car": ((255, 220, 200), (230, 90, 70)),
    "shoe": ((230, 220, 255), (140, 110, 220)), "gemstone": ((210, 245, 255), (40, 150, 210)),
    "space": ((40, 40, 90), (120, 90, 200)), "maplestory": ((255, 240, 200), (240, 160, 60)),
}


def _circle(cx, cy, r, steps=24):
    return [[cx + r * math.cos(2 * math.pi * i / steps), cy + r * math.sin(2 * math.pi * i / steps)]
            for i in range(steps + 1)]


def _pen(points, size=3.0):
    return {"points": [[round(x, 4), round(y, 4)] for x, y in points], "size": size,
            "tool": "pen"}


def demo_strokes(category: str, rng: random.Random) -> list[dict]:
    """A few simple strokes that look like the category, jiggled so no two are the same."""
    j = lambda: rng.uniform(-0.03, 0.03)  # noqa: E731
    if category == "panda":
        shapes = [_circle(0.5 + j(), 0.55, 0.25), _circle(0.3, 0.3 + j(), 0.08),
                  _circle(0.7, 0.3 + j(), 0.08), _circle(0.42, 0.52, 0.04),
                  _circle(0.58, 0.52, 0.04)]
    elif category == "car":
        shapes = [[[0.15, 0.6], [0.15, 0.45], [0.3, 0.45], [0.4 + j(), 0.3], [0.65, 0.3],
                   [0.75, 0.45], [0.85, 0.45], [0.85, 0.6], [0.15, 0.6]],
                  _circle(0.3, 0.62, 0.07), _circle(0.7, 0.62, 0.07)]
    elif category == "shoe":
        shapes = [[[0.2, 0.25], [0.2, 0.7], [0.8 + j(), 0.7], [0.8, 0.6], [0.45, 0.5],
                   [0.4, 0.25], [0.2, 0.25]], [[0.2, 0.65], [0.8, 0.65]]]
    elif category == "gemstone":
        shapes = [[[0.3, 0.35], [0.7, 0.35], [0.8 + j(), 0.45], [0.5, 0.8], [0.2, 0.45],
                   [0.3, 0.35]], [[0.2, 0.45], [0.8, 0.45]], [[0.4, 0.35], [0.5, 0.8]]]
    elif category == "space":
        shapes = [_circle(0.4 + j(), 0.5, 0.18), [[0.15, 0.6], [0.7, 0.35]],
                  _circle(0.8, 0.2, 0.03), _circle(0.2, 0.2, 0.02)]
    else:
        shapes = [_circle(0.5, 0.25, 0.1), [[0.5, 0.35], [0.5, 0.65 + j()]],
                  [[0.3, 0.45], [0.7, 0.45]], [[0.5, 0.65], [0.35, 0.85]],
                  [[0.5, 0.65], [0.65, 0.85]]]
    return [_pen(shape) for shape in shapes]


def demo_picture(sketch: Image.Image, category: str) -> Image.Image:
    """A coloured stand-in for a generated picture: the sketch's lines on a soft gradient."""
    top, bottom = PALETTES[category]
    size = sketch.size[0]
    picture = Image.new("RGB", sketch.size)
    draw = ImageDraw.Draw(picture)
    for y in range(size):
        share = y / (size - 1)
        draw.line([(0, y), (size, y)], fill=tuple(round(a + (b - a) * share)
                                                 for a, b in zip(top, bottom, strict=True)))
    lines = sketch.point(lambda value: 255 if value < 128 else 0)
    picture.paste((30, 30, 40), mask=lines)
    return picture


class Command(BaseCommand):
    help = "Create a demo school to explore locally and print how to sign in. Local use only."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="random seed for the doodles")

    def handle(self, *args, seed, **options):
        rng = random.Random(seed)
        password = secrets.token_urlsafe(9)
        with transaction.atomic():
            teacher = self._teacher(password)
            classroom = Classroom.objects.filter(teacher=teacher, name=CLASS_NAME).first()
            fresh = classroom is None
            if fresh:
                classroom = do_create_classroom(teacher, CLASS_NAME)
                classroom.public_featuring_allowed = True
                classroom.save(update_fields=["public_featuring_allowed"])
                do_add_kids(classroom, teacher.user, KIDS)
            # New PINs every run: the printout below is always the way in.
            pins = [do_reset_pin(kid, teacher.user) for kid in classroom.kids.all()]
            if fresh:
                self._fill(classroom, teacher.user, rng)
        self._print(classroom, password, pins)

    def _teacher(self, password: str) -> Teacher:
        user, _ = get_user_model().objects.get_or_create(username=TEACHER_USERNAME)
        user.set_password(password)
        user.save()
        teacher, _ = Teacher.objects.get_or_create(user=user,
                                                   defaults={"display_name": "Ms. Demo"})
        return teacher

    def _fill(self, classroom, teacher_user, rng):
        kids = {kid.first_name: kid for kid in classroom.kids.all()}
        today = timezone.localdate()
        artworks = []
        for name, category, title, days_ago in ART:
            strokes = demo_strokes(category, rng)
            sketch = rasterize(strokes)
            artworks.append(do_add_artwork(
                kids[name], strokes=strokes, sketch_png=png_bytes(sketch),
                picture_png=png_bytes(demo_picture(sketch, category)), category=category,
                model_version="demo", title=title, day=today - timedelta(days=days_ago),
            ))
        # All but the last are approved (it waits in the teacher's queue); the first is featured.
        artworks[:-1] = [do_review_artwork(artwork, teacher_user, "approve")
                         for artwork in artworks[:-1]]
        artworks[0] = do_review_artwork(artworks[0], teacher_user, "feature")
        do_star(kids["Leo"], artworks[0])
        do_star(kids["Aisha"], artworks[0])
        do_star(kids["Maya"], artworks[3])
        challenge = do_create_challenge(
            teacher_user, classroom=classroom, prompt="Draw the coolest car", category="car",
            starts=today, ends=today + timedelta(days=6),
        )
        entry = do_enter_challenge(kids["Leo"], challenge, artworks[3])
        do_pick_winner(entry, teacher_user)

    def _print(self, classroom, password, pins):
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo school ready: {classroom.name}"))
        write("Serve it with `make run`, then open http://127.0.0.1:8000/")
        write(f"  Teacher: /teacher/login/  user {TEACHER_USERNAME}  password {password}")
        write(f"  Kids: /join/  class code {classroom.spoken_code}, tap your name, then:")
        for new in pins:
            names = ", ".join(p["name"] for p in pin_pictures(new.pictures))
            write(f"    {new.kid.display_name:10} {names}")
