"""Sealed notes, step 1 of 3: the sealed columns and the keyed word index (schema only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_postgres_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="notes_key_id",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="idea",
            name="notes_sealed",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.CreateModel(
            name="IdeaNoteToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.BinaryField(max_length=16)),
                (
                    "idea",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="note_tokens",
                        to="ideas.idea",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["owner", "token_hash"], name="ideanotetoken_owner_hash_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("idea", "token_hash"), name="ideanotetoken_idea_hash_uniq"
                    )
                ],
            },
        ),
    ]
