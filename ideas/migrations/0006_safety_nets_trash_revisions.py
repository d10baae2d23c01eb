"""Safety nets: ideas can sit in the trash (`Idea.trashed_at`), and keep earlier content as `IdeaRevision`s."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0005_drop_plain_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IdeaRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("version", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("notes_sealed", models.TextField(blank=True, default="", editable=False)),
                (
                    "notes_key_id",
                    models.CharField(blank=True, db_index=True, default="", editable=False, max_length=32),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("idea", "Idea"),
                            ("outline", "Outline"),
                            ("draft", "Draft"),
                            ("published", "Published"),
                        ],
                        max_length=16,
                    ),
                ),
                ("tags", models.JSONField(blank=True, default=list)),
                (
                    "priority",
                    models.CharField(
                        choices=[("high", "High"), ("medium", "Medium"), ("low", "Low")], max_length=8
                    ),
                ),
                ("due_date", models.DateTimeField(blank=True, null=True)),
                ("saved_at", models.DateTimeField()),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("changed_fields", models.JSONField(blank=True, default=list)),
            ],
        ),
        migrations.AddField(
            model_name="idea",
            name="trashed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="idea",
            index=models.Index(
                condition=models.Q(("trashed_at__isnull", False)),
                fields=["user", "trashed_at", "id"],
                name="idea_user_trashed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="idea",
            index=models.Index(
                condition=models.Q(("trashed_at__isnull", False)),
                fields=["trashed_at"],
                name="idea_trashed_idx",
            ),
        ),
        migrations.AddField(
            model_name="idearevision",
            name="idea",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="revisions",
                to="ideas.idea",
            ),
        ),
        migrations.AddField(
            model_name="idearevision",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="idearevision",
            constraint=models.UniqueConstraint(
                fields=("idea", "number"), name="idearevision_idea_number_uniq"
            ),
        ),
    ]
