"""The Idea model: one creator's content idea, moving through idea → outline → draft → published."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length, Lower
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX_CHARS = 200
NOTES_MAX_CHARS = 5000
TAG_MAX_CHARS = 50
TAGS_MAX_COUNT = 20


class Stage(models.TextChoices):
    """Where an idea is in the pipeline, in pipeline order."""

    IDEA = "idea", "Idea"
    OUTLINE = "outline", "Outline"
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Priority(models.TextChoices):
    """How urgent an idea is."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# Sorting by stage or priority follows their meaning, not the alphabet: the database keeps a small
# integer rank beside each (a generated column, so it can never disagree with the text value) and
# the owner-first indexes below serve the sort.
STAGE_RANK: dict[str, int] = {Stage.IDEA: 0, Stage.OUTLINE: 1, Stage.DRAFT: 2, Stage.PUBLISHED: 3}
PRIORITY_RANK: dict[str, int] = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2}


def _rank(field: str, ranks: dict[str, int]) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()), default=Value(0)
    )


# Ideas not in the trash: the condition of the owner-first partial indexes, and of `for_owner`.
LIVE = Q(trashed_at__isnull=True)


class IdeaQuerySet(models.QuerySet["Idea"]):
    """Queries over ideas. Every read or write of a creator's ideas starts from `for_owner`."""

    def for_owner(self, user: User) -> IdeaQuerySet:
        """The live ideas `user` owns: the one place where ideas are scoped to their creator.

        Trashed ideas are left out here, so they vanish from every list, detail, tag count,
        search and write at once; only `in_trash_of` reaches them.
        """
        return self.filter(LIVE, user=user)

    def in_trash_of(self, user: User) -> IdeaQuerySet:
        """The ideas `user` has moved to the trash (restorable until purged)."""
        return self.filter(user=user, trashed_at__isnull=False)

    def trashed_before(self, cutoff: datetime) -> IdeaQuerySet:
        """Every user's ideas trashed before `cutoff` (for the retention purge, not for the API)."""
        return self.filter(trashed_at__lt=cutoff)


IdeaManager = models.Manager.from_queryset(IdeaQuerySet)


class Idea(models.Model):
    """A creator's content idea.

    `version` starts at 1 and grows by one on every write; the API sends it as the `ETag` and
    honours `If-Match` with it, so two tabs editing one idea cannot silently overwrite each other.
    Rules (trimming, tag normalisation, bounds) live in `ideas.services`; the constraints below
    back them in the database. Notes are deliberately kept out of every index and constraint:
    they are to be sealed at rest.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: every owner-first index below serves lookups by owner.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ideas", db_index=False
    )
    title = models.CharField(max_length=TITLE_MAX_CHARS)
    # Notes are sealed at rest (ideas/sealing.py): the column holds only ciphertext bound to this
    # idea and owner; `notes` (the property below) opens it. The key id is repeated beside the
    # value so key usage is one indexed GROUP BY (the value's own key id is authoritative).
    notes_sealed = models.TextField(blank=True, default="", editable=False)
    notes_key_id = models.CharField(max_length=32, blank=True, default="", editable=False, db_index=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.IDEA)
    stage_rank = models.GeneratedField(
        expression=_rank("stage", STAGE_RANK), output_field=models.SmallIntegerField(), db_persist=True
    )
    tags = models.JSONField(default=list, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    priority_rank = models.GeneratedField(
        expression=_rank("priority", PRIORITY_RANK), output_field=models.SmallIntegerField(), db_persist=True
    )
    due_date = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Set by the services (equal on creation), not by auto_now: a write says when it happened.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the creator moved the idea to the trash; null while it is live (see `IdeaQuerySet`).
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[IdeaQuerySet] = IdeaManager()  # type: ignore[assignment]

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="idea_stage_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="idea_priority_valid"),
            models.CheckConstraint(
                condition=Q(
                    models.lookups.GreaterThanOrEqual(Length("title"), 1),
                    models.lookups.LessThanOrEqual(Length("title"), TITLE_MAX_CHARS),
                ),
                name="idea_title_length",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="idea_version_positive"),
        ]
        # Owner first, then the sort key, then the id tie-breaker: one index per list sort, and
        # the filtered lists (stage, priority) keep the default created_at order. Ideas without a
        # due date sort last both ways; on PostgreSQL migration 0002 adds the index for the
        # descending due-date sort (SQLite cannot declare NULLS LAST in an index).
        indexes: ClassVar[list[models.Index]] = [
            # Owner-first indexes for every list filter and sort. They are partial on live ideas
            # (`for_owner` always says `trashed_at IS NULL`), so a list's COUNT(*) is an
            # index-only scan instead of a heap visit per row to check the trash.
            models.Index(fields=["user", "created_at", "id"], name="idea_user_created_idx", condition=LIVE),
            models.Index(fields=["user", "updated_at", "id"], name="idea_user_updated_idx", condition=LIVE),
            models.Index(F("user"), Lower("title"), F("id"), name="idea_user_title_idx", condition=LIVE),
            models.Index(
                fields=["user", "priority_rank", "id"], name="idea_user_priority_idx", condition=LIVE
            ),
            models.Index(fields=["user", "stage_rank", "id"], name="idea_user_stage_idx", condition=LIVE),
            models.Index(fields=["user", "due_date", "id"], name="idea_user_due_idx", condition=LIVE),
            models.Index(
                fields=["user", "stage", "created_at"], name="idea_user_stage_created_idx", condition=LIVE
            ),
            models.Index(
                fields=["user", "priority", "created_at"], name="idea_user_prio_created_idx", condition=LIVE
            ),
            # The trash is small next to the live ideas: partial indexes serve the trash list
            # (owner first, newest first) and the retention purge (oldest first, every owner).
            models.Index(
                fields=["user", "trashed_at", "id"],
                condition=Q(trashed_at__isnull=False),
                name="idea_user_trashed_idx",
            ),
            models.Index(
                fields=["trashed_at"], condition=Q(trashed_at__isnull=False), name="idea_trashed_idx"
            ),
            # The backoffice lists every owner's ideas newest first, with a date drill-down
            # (MIN/MAX of created_at): without this, each changelist page sorts the whole table.
            models.Index(fields=["created_at", "id"], name="idea_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def notes(self) -> str:
        """The notes in plain text, opened from `notes_sealed` (`NotesUnavailable` if they will not open)."""
        from ideas.notes import notes_open

        return notes_open(self)

    @notes.setter
    def notes(self, value: str | None) -> None:
        # Seals at once; services rewrite the word index after saving (`note_index_sync`).
        from ideas.notes import notes_seal

        notes_seal(self, value)

    @property
    def etag(self) -> str:
        """The strong entity tag of this version of the idea: `"<version>"`."""
        return f'"{self.version}"'


class IdeaNoteToken(models.Model):
    """One word of an idea's notes in the keyed search index: a truncated HMAC, never the word.

    Hashed with a key derived for the owner from the key that sealed the idea's notes
    (`ideas.sealing`), so equal words of two users look unrelated. Looked up owner first.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="note_tokens")
    token_hash = models.BinaryField(max_length=16)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["idea", "token_hash"], name="ideanotetoken_idea_hash_uniq"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["owner", "token_hash"], name="ideanotetoken_owner_hash_idx"),
        ]

    def __str__(self) -> str:
        return f"index entry of idea {self.idea_id}"


class IdeaRevision(models.Model):
    """An earlier state of an idea's content, kept when a write replaced it (`ideas.history`).

    `number` counts an idea's revisions from 1 and never repeats; `version` is the idea's version
    (ETag) while it had this content. The notes stay sealed: the ciphertext is the one the idea
    held, bound to the same idea and owner, so a revision opens only where its idea does and a
    database dump shows no note text. Revisions are never indexed for search.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    # The owner the sealed notes are bound to (always the idea's owner).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX_CHARS)
    notes_sealed = models.TextField(blank=True, default="", editable=False)
    notes_key_id = models.CharField(max_length=32, blank=True, default="", editable=False, db_index=True)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    tags = models.JSONField(default=list, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    due_date = models.DateTimeField(null=True, blank=True)
    # When the idea got this content, and when a later write replaced it.
    saved_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    # The content fields that the replacing write changed, in field order.
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Also the index that serves "an idea's revisions, newest first" and the retention prune.
            models.UniqueConstraint(fields=["idea", "number"], name="idearevision_idea_number_uniq"),
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of idea {self.idea_id}"

    @property
    def notes(self) -> str:
        """The notes of this revision in plain text (`NotesUnavailable` if they will not open)."""
        from ideas.history import revision_notes_open

        return revision_notes_open(self)
