"""Generation moves from the inference app into the drawing room, keeping its table.

A database that ran the inference app's migrations already has the table
inference_generation with its rows: only Django's picture of the models changes. A new
database gets the table made here. The content type (and so its permissions) follows."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "inference_generation"


def create_table_unless_present(apps, schema_editor):
    if TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(apps.get_model("drawapp", "Generation"))


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("drawapp", "Generation"))


def adopt_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="drawapp", model="generation").exists():
        content_types.objects.filter(app_label="inference", model="generation").update(
            app_label="drawapp")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("drawapp", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Generation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("revision", models.PositiveIntegerField()),
                        ("category", models.CharField(max_length=32)),
                        ("model_version", models.CharField(max_length=64)),
                        ("image", models.CharField(help_text="Path under MEDIA_ROOT",
                                                   max_length=255)),
                        ("model_ms", models.FloatField(help_text="Generator time in milliseconds")),
                        ("total_ms", models.FloatField(help_text="Task time in milliseconds")),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("drawing", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="generations", to="drawapp.drawing")),
                    ],
                    options={
                        "db_table": TABLE,
                        "ordering": ["-revision"],
                        "constraints": [models.UniqueConstraint(
                            fields=("drawing", "revision"), name="one_picture_per_revision")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # After the state has the model, so that apps.get_model finds it.
        migrations.RunPython(create_table_unless_present, drop_table),
        migrations.RunPython(adopt_content_type, migrations.RunPython.noop),
    ]
