"""Gallery migrations keep what they can of an existing database."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def back_to_the_newest_migrations():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_challenge_with_several_winners_keeps_the_first(cast, admin_user):
    from .test_challenges import everyone_challenge

    challenge = everyone_challenge(admin_user)
    entries = [challenge.entries.create(artwork=cast.art(kid), kid=kid)
               for kid in (cast.kid, cast.classmate, cast.outsider)]
    apps = migrate([("gallery", "0002_default_badges")])
    old_entry = apps.get_model("gallery", "ChallengeEntry")
    old_entry.objects.filter(pk__in=[e.pk for e in entries]).update(is_winner=True)

    apps = migrate([("gallery", "0003_one_winner_per_challenge")])
    winners = apps.get_model("gallery", "ChallengeEntry").objects.filter(is_winner=True)
    assert [entry.pk for entry in winners] == [entries[0].pk]
