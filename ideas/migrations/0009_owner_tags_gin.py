"""PostgreSQL only: one GIN index on (owner, tags) of live ideas, for the tag filter.

The tag filter (`tags @> '["a"]'`, see `ideas.selectors.tags`) was served by the table-wide
`idea_tags_gin` AND-ed with an owner index: PostgreSQL read every idea carrying the tag, from every
creator, then intersected (9 ms of index work for the heavy creator's count on the bench dataset).
`btree_gin` lets one GIN index hold the owner beside the tags, so the count finds the owner's
ideas with the tag directly (0.7 ms). Partial on live ideas like the other owner-first indexes.
SQLite has neither GIN nor the extension: nothing happens there.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS idea_user_tags_gin ON ideas_idea "
    "USING gin (user_id, tags jsonb_path_ops) WHERE trashed_at IS NULL"
)
DROP = "DROP INDEX IF EXISTS idea_user_tags_gin"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0008_live_partial_indexes")]

    operations = [
        # CreateExtension is itself a no-op on databases other than PostgreSQL.
        BtreeGinExtension(),
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
