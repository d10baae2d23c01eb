"""The word index's entries lose their database foreign keys (the ORM's cascade stays).

Each entry's two deferred foreign-key checks ran at commit, one per entry, and each locked the
idea's and the owner's rows FOR KEY SHARE: ~17% of the database's CPU for a create with seven
words. Entries are written only with their idea, for its owner, and deleted with it by the ORM
(`ideas.models.note_index`). PostgreSQL drops the two constraints in place; SQLite, which cannot
drop a constraint, rebuilds the table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0011_leaner_write_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="ideanotetoken",
            name="idea",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="note_tokens",
                to="ideas.idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideanotetoken",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
