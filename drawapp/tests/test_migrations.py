"""Generation's move from the inference app into drawapp keeps an existing database's rows."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from drawapp.models import Generation

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("drawapp", "0001_initial")]
AFTER = [("drawapp", "0002_generation")]


def executor() -> MigrationExecutor:
    runner = MigrationExecutor(connection)
    runner.loader.build_graph()
    return runner


def migrate(targets):
    executor().migrate(targets)


@pytest.fixture(autouse=True)
def back_to_the_newest_migrations():
    yield
    migrate(executor().loader.graph.leaf_nodes())


def test_pictures_made_under_the_inference_app_are_kept():
    migrate(BEFORE)
    # The table as the inference app's migration made it (same fields and name), with a row.
    generation = executor().loader.project_state(AFTER).apps.get_model("drawapp", "Generation")
    with connection.schema_editor() as editor:
        editor.create_model(generation)
    drawing = generation._meta.get_field("drawing").related_model.objects.create(revision=4)
    generation.objects.create(pk=7, drawing=drawing, revision=4, category="car",
                              model_version="car-1", image="pictures/x.png", model_ms=5,
                              total_ms=9)
    migrate(AFTER)
    kept = Generation.objects.get()
    assert (kept.pk, kept.drawing_id, kept.revision, kept.image) == (
        7, drawing.pk, 4, "pictures/x.png")


def test_a_new_database_gets_the_generation_table():
    migrate(BEFORE)
    assert "inference_generation" not in connection.introspection.table_names()
    migrate(AFTER)
    assert "inference_generation" in connection.introspection.table_names()
