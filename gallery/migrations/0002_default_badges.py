"""Seed the default badges, so a fresh `migrate` gives a playable game."""
from django.db import migrations

# (slug, name, icon, description, rule, threshold)
DEFAULT_BADGES = [
    ("first-picture", "First picture", "🎨", "You kept your first picture!", "pictures_kept", 1),
    ("ten-pictures", "Ten pictures", "🖼️", "You kept 10 pictures.", "pictures_kept", 10),
    ("fifty-pictures", "Fifty pictures", "🏆", "You kept 50 pictures!", "pictures_kept", 50),
    ("every-category", "Tried them all", "🌈", "A picture of every kind.", "categories_tried", 6),
    ("streak-3", "3 days in a row", "🔥", "You drew 3 days in a row.", "streak_days", 3),
    ("streak-7", "7 days in a row", "🚀", "You drew 7 days in a row!", "streak_days", 7),
    ("first-star", "First star", "⭐", "A classmate gave you a star.", "stars_received", 1),
    ("ten-stars", "Star power", "🌟", "You got 10 stars.", "stars_received", 10),
    ("first-challenge", "Challenger", "🎯", "You entered a challenge.", "challenges_entered", 1),
    ("challenge-winner", "Winner", "🥇", "You won a challenge!", "challenges_won", 1),
    ("featured", "On the wall", "📌", "Your teacher featured your picture.",
     "artworks_featured", 1),
]


def add_badges(apps, schema_editor):
    Badge = apps.get_model("gallery", "Badge")
    for order, (slug, name, icon, description, rule, threshold) in enumerate(DEFAULT_BADGES):
        Badge.objects.get_or_create(slug=slug, defaults={
            "name": name, "icon": icon, "description": description, "rule": rule,
            "threshold": threshold, "order": order,
        })


def remove_badges(apps, schema_editor):
    Badge = apps.get_model("gallery", "Badge")
    Badge.objects.filter(slug__in=[slug for slug, *_ in DEFAULT_BADGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("gallery", "0001_initial")]

    operations = [migrations.RunPython(add_badges, remove_badges)]
