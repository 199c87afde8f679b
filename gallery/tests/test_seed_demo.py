"""seed_demo builds a demo school through the ordinary actions and says how to sign in."""
from io import StringIO

import pytest
from django.core.management import call_command

from gallery.models import Artwork, AwardedBadge, Challenge, ChallengeEntry, Classroom, Star
from gallery.pins import pin_matches

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_makes_a_school_with_art_challenge_and_badges():
    printed = seed()
    classroom = Classroom.objects.get(name="Sunflower class")
    assert classroom.kids.count() == 4
    assert Artwork.objects.filter(classroom=classroom).count() == 8
    assert Artwork.objects.filter(status="pending").count() == 1
    assert Artwork.objects.on_featured_wall().count() == 1
    assert Star.objects.count() == 3 and Challenge.objects.filter(classroom=classroom).exists()
    assert ChallengeEntry.objects.filter(is_winner=True).count() == 1
    assert AwardedBadge.objects.filter(badge__slug="streak-3").count() == 1
    assert AwardedBadge.objects.count() >= 8
    for artwork in Artwork.objects.all():
        assert artwork.sketch.size > 0 and artwork.picture.size > 0
    assert classroom.spoken_code in printed and "demo-teacher" in printed


def test_seed_demo_prints_working_sign_ins_each_run():
    seed()
    printed = seed()  # a second run keeps the school and prints fresh ways in
    assert Classroom.objects.filter(name="Sunflower class").count() == 1
    assert Artwork.objects.count() == 8
    classroom = Classroom.objects.get()
    for kid in classroom.kids.all():
        line = next(row for row in printed.splitlines() if kid.display_name in row)
        pictures = [name.strip() for name in line.split(kid.display_name)[1].split(",")]
        assert pin_matches(pictures, kid.pin_hash)
    password = printed.split("password ")[1].split()[0]
    assert classroom.teacher.user.check_password(password)
