"""PostgreSQL-only indexes: GIN on `tags`, trigram on the title, due date descending with nulls last.

Both are raw SQL because neither exists on SQLite, where this migration does nothing. `tags` uses
`jsonb_path_ops`, which serves `tags @> '["a","b"]'` (what `tags__contains` compiles to) and is
smaller than the default operator class. The title index matches the expression Django's
`icontains` compiles to (`UPPER("title"::text) LIKE UPPER(...)`), so the title half of `search`
can use it. Notes get no index: they are to be sealed at rest.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS idea_tags_gin ON ideas_idea USING gin (tags jsonb_path_ops)",
    "CREATE INDEX IF NOT EXISTS idea_user_due_desc_idx ON ideas_idea (user_id, due_date DESC NULLS LAST, id DESC)",
    "CREATE INDEX IF NOT EXISTS idea_title_trgm ON ideas_idea USING gin ((UPPER(title::text)) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS idea_title_trgm",
    "DROP INDEX IF EXISTS idea_tags_gin",
    "DROP INDEX IF EXISTS idea_user_due_desc_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [
        # CreateExtension is itself a no-op on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
