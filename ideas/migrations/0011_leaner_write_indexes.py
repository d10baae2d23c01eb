"""Fewer indexes to write on every save of notes: the ones another index already serves go.

Every word of a saved note is one row of the word index, and each row was written into six
indexes. Three of them only repeat the leading column of another:
- `idea_id` alone: the unique constraint's index (idea_id, token_hash) serves every lookup and
  cascade by idea;
- `owner_id` alone, and its PostgreSQL twin for LIKE: `ideanotetoken_owner_word_idx`
  (owner_id, token_hash, idea_id) serves every lookup and cascade by owner.

The idea's `notes_key_id` index stays (key usage, rotation), but `db_index` had also given it a
PostgreSQL `varchar_pattern_ops` index for LIKE queries, which nothing runs: it goes, and the kept
index takes a declared name (renamed in place on PostgreSQL, so no rebuild).

The schema change is spelled out per database: Django's AlterField would rebuild both tables on
SQLite to drop an index.
"""

from django.conf import settings
from django.db import migrations, models

TOKEN_INDEXES = ("ideas_ideanotetoken_idea_id_d117db60", "ideas_ideanotetoken_owner_id_930874ca")
KEY_INDEX_OLD, KEY_INDEX_NEW = "ideas_idea_notes_key_id_cb5c3930", "idea_notes_key_idx"


def forwards(apps, schema_editor):
    drop = [*TOKEN_INDEXES]
    if schema_editor.connection.vendor == "postgresql":
        drop += [f"{name}_like" for name in (*TOKEN_INDEXES[1:], KEY_INDEX_OLD)]
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER INDEX {schema_editor.quote_name(KEY_INDEX_OLD)} RENAME TO {schema_editor.quote_name(KEY_INDEX_NEW)}"
        )
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(KEY_INDEX_OLD)}")
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(KEY_INDEX_NEW)} ON {schema_editor.quote_name('ideas_idea')} "
            f"({schema_editor.quote_name('notes_key_id')})"
        )


def backwards(apps, schema_editor):
    quote = schema_editor.quote_name
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER INDEX {quote(KEY_INDEX_NEW)} RENAME TO {quote(KEY_INDEX_OLD)}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(KEY_INDEX_NEW)}")
        schema_editor.execute(f"CREATE INDEX {quote(KEY_INDEX_OLD)} ON {quote('ideas_idea')} ({quote('notes_key_id')})")
    like = " varchar_pattern_ops" if postgres else ""
    statements = [
        f"CREATE INDEX {quote(TOKEN_INDEXES[0])} ON {quote('ideas_ideanotetoken')} ({quote('idea_id')})",
        f"CREATE INDEX {quote(TOKEN_INDEXES[1])} ON {quote('ideas_ideanotetoken')} ({quote('owner_id')})",
    ]
    if postgres:
        statements += [
            f"CREATE INDEX {quote(TOKEN_INDEXES[1] + '_like')} ON {quote('ideas_ideanotetoken')} "
            f"({quote('owner_id')}{like})",
            f"CREATE INDEX {quote(KEY_INDEX_OLD + '_like')} ON {quote('ideas_idea')} ({quote('notes_key_id')}{like})",
        ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0010_note_index_covers_idea"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="idea",
                    name="notes_key_id",
                    field=models.CharField(blank=True, default="", editable=False, max_length=32),
                ),
                migrations.AlterField(
                    model_name="ideanotetoken",
                    name="idea",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="note_tokens",
                        to="ideas.idea",
                    ),
                ),
                migrations.AlterField(
                    model_name="ideanotetoken",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddIndex(
                    model_name="idea",
                    index=models.Index(fields=["notes_key_id"], name="idea_notes_key_idx"),
                ),
            ],
        ),
    ]
