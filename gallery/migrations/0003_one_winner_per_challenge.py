"""One winner per challenge: where a challenge already has several (any teacher could crown one
in a challenge for everyone), the first crowned entry by id stays the winner."""

from django.db import migrations, models


def keep_the_first_winner(apps, schema_editor):
    ChallengeEntry = apps.get_model("gallery", "ChallengeEntry")
    seen = set()
    extra = []
    for entry in ChallengeEntry.objects.filter(is_winner=True).order_by("challenge_id", "pk"):
        if entry.challenge_id in seen:
            extra.append(entry.pk)
        seen.add(entry.challenge_id)
    ChallengeEntry.objects.filter(pk__in=extra).update(is_winner=False)


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0002_default_badges'),
    ]

    operations = [
        migrations.RunPython(keep_the_first_winner, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='challengeentry',
            constraint=models.UniqueConstraint(condition=models.Q(('is_winner', True)), fields=('challenge',), name='one_winner_per_challenge'),
        ),
    ]
