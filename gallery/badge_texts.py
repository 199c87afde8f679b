"""The seeded badges' names and descriptions, marked for translation: the database keeps them in
English (migration 0002) and pages show them in their own language through gettext."""
from django.utils.translation import gettext_noop

SEEDED_BADGE_TEXTS = (
    gettext_noop("First picture"), gettext_noop("You kept your first picture!"),
    gettext_noop("Ten pictures"), gettext_noop("You kept 10 pictures."),
    gettext_noop("Fifty pictures"), gettext_noop("You kept 50 pictures!"),
    gettext_noop("Tried them all"), gettext_noop("A picture of every kind."),
    gettext_noop("3 days in a row"), gettext_noop("You drew 3 days in a row."),
    gettext_noop("7 days in a row"), gettext_noop("You drew 7 days in a row!"),
    gettext_noop("First star"), gettext_noop("A classmate gave you a star."),
    gettext_noop("Star power"), gettext_noop("You got 10 stars."),
    gettext_noop("Challenger"), gettext_noop("You entered a challenge."),
    gettext_noop("Winner"), gettext_noop("You won a challenge!"),
    gettext_noop("On the wall"), gettext_noop("Your teacher featured your picture."),
)
