"""Sealed notes, step 2 of 3: seal notes stored in plain text and build their word index.

Runs in batches of ENCRYPTION_BATCH_SIZE, each its own transaction (the migration is not atomic),
so a large table is never locked as a whole and an interrupted run resumes where it stopped: the
work left is always "rows with plain notes and no sealed value". Each sealed row has its plain
column cleared in the same UPDATE. Reversible: going back opens every sealed value into the plain
column again and drops the index (needs the keys that sealed them).

On PostgreSQL the old row versions holding plain text stay in the table files until VACUUM;
`pg_dump` never shows them, but run `VACUUM FULL ideas_idea` after migrating a real database if
its disk may be imaged.
"""

from django.conf import settings
from django.db import migrations, transaction

from creatorvault.sealing import key_ring
from ideas.models.sealed import notes_open_value, notes_seal_value, notes_word_hashes


def _batch_size():
    return max(1, int(getattr(settings, "ENCRYPTION_BATCH_SIZE", 500)))


def seal_plain_notes(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    IdeaNoteToken = apps.get_model("ideas", "IdeaNoteToken")
    db = schema_editor.connection.alias
    key_id = key_ring().current_id
    while True:
        with transaction.atomic(using=db):
            rows = list(
                Idea.objects.using(db)
                .filter(notes_sealed="")
                .exclude(notes="")
                .order_by("pk")
                .select_for_update()[: _batch_size()]
            )
            if not rows:
                return
            tokens = []
            for idea in rows:
                plain = idea.notes
                idea.notes_sealed = notes_seal_value(plain, idea_id=idea.pk, owner_id=idea.user_id, key_id=key_id)
                idea.notes_key_id = key_id
                idea.notes = ""
                tokens.extend(
                    IdeaNoteToken(owner_id=idea.user_id, idea_id=idea.pk, token_hash=token)
                    for token in sorted(notes_word_hashes(plain, owner_id=idea.user_id, key_id=key_id))
                )
            Idea.objects.using(db).bulk_update(rows, ["notes_sealed", "notes_key_id", "notes"])
            IdeaNoteToken.objects.using(db).filter(idea_id__in=[idea.pk for idea in rows]).delete()
            IdeaNoteToken.objects.using(db).bulk_create(tokens)


def open_sealed_notes(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    IdeaNoteToken = apps.get_model("ideas", "IdeaNoteToken")
    db = schema_editor.connection.alias
    while True:
        with transaction.atomic(using=db):
            rows = list(
                Idea.objects.using(db)
                .exclude(notes_sealed="")
                .order_by("pk")
                .select_for_update()[: _batch_size()]
            )
            if not rows:
                break
            for idea in rows:
                idea.notes = notes_open_value(idea.notes_sealed, idea_id=idea.pk, owner_id=idea.user_id)
                idea.notes_sealed = ""
                idea.notes_key_id = ""
            Idea.objects.using(db).bulk_update(rows, ["notes_sealed", "notes_key_id", "notes"])
            IdeaNoteToken.objects.using(db).filter(idea_id__in=[idea.pk for idea in rows]).delete()
    IdeaNoteToken.objects.using(db).all().delete()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ideas", "0003_notes_sealed_columns")]

    operations = [migrations.RunPython(seal_plain_notes, open_sealed_notes, elidable=False)]
