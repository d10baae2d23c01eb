"""Index ideas by (created_at, id) for the backoffice's every-owner, newest-first changelist.

On PostgreSQL the index is built CONCURRENTLY (this migration is not atomic), so adding it to a
live table of millions of ideas does not block writes. Elsewhere it is a plain CREATE INDEX.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["created_at", "id"], name="idea_created_idx")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idea_created_idx" ON "ideas_idea" ("created_at", "id")'
        )
    else:
        schema_editor.add_index(apps.get_model("ideas", "Idea"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "idea_created_idx"')
    else:
        schema_editor.remove_index(apps.get_model("ideas", "Idea"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ideas", "0006_safety_nets_trash_revisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="idea", index=INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index, elidable=False)],
        ),
    ]
