"""The Idea model: one creator's content idea, moving through idea → outline → draft → published."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from creatorvault.inserts import Rows, insert_one, insert_rows
from ideas.models.sealed import SealedNotes
from ideas.totals import owners_changed

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX_CHARS = 200
NOTES_MAX_CHARS = 5000
TAG_MAX_CHARS = 50
TAGS_MAX_COUNT = 20

#: An idea's content: the fields a creator writes, whose change keeps a revision, in this order.
CONTENT_FIELDS: tuple[str, ...] = ("title", "notes", "stage", "tags", "priority", "due_date")


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

    # Bulk writes report the owners whose ideas they change (`ideas.totals`: their list totals
    # are stale); one idea's `save()` does through a signal (`ideas.apps`), its `delete()` itself.
    # `update()` and `delete()` read the owners first: one query more, on bulk writes only.

    def update(self, **kwargs: Any) -> int:
        """`QuerySet.update`, then the changed ideas' owners' list totals are stale."""
        owners = self._owners()
        updated = super().update(**kwargs)
        owners_changed(owners)
        return updated

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        """`QuerySet.bulk_update`, then the owners' list totals are stale."""
        objs = list(objs)
        updated = super().bulk_update(objs, fields, batch_size=batch_size)
        owners_changed(obj.user_id for obj in objs)
        return updated

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Idea]:
        """`QuerySet.bulk_create`, then the owners' list totals are stale."""
        created = super().bulk_create(objs, *args, **kwargs)
        owners_changed(obj.user_id for obj in created)
        return created

    def delete(self) -> tuple[int, dict[str, int]]:
        """`QuerySet.delete`, then the owners' list totals are stale."""
        owners = self._owners()
        deleted = super().delete()
        owners_changed(owners)
        return deleted

    def _owners(self) -> set[Any]:
        if settings.LIST_TOTALS_CACHE_SECONDS <= 0:
            return set()
        return set(self.order_by().values_list("user_id", flat=True).distinct())


IdeaManager = models.Manager.from_queryset(IdeaQuerySet)

#: Bytes of a new idea's id that depend on its owner (`idea_id_for`); the other 98 bits are random.
OWNER_PREFIX_BYTES = 3


def idea_id_for(owner_id: str) -> uuid.UUID:
    """A new id for an idea of `owner_id`: a keyed 3-byte prefix of the owner, then random bits.

    An owner's new ideas share the prefix, so their entries sit together in the indexes keyed
    by the idea's id (the table's primary key, the word index's `(idea, word)` key): a creator's
    writes touch a few pages of each index again and again instead of one random page of the
    whole index per idea (a buffer to read and a dirty one to evict, and a full-page image in the
    WAL after each checkpoint). The prefix is an HMAC of the owner's id under the site's secret,
    so it does not give the owner's id away; an idea's id already travels with its owner's id in
    every URL, so linking the two tells nothing new. It tells nothing of when the idea was made,
    and the 98 random bits (`os.urandom`) keep it unguessable. RFC 9562 version 8 (a layout of
    one's own), variant bits set: still a UUID to every client. Ideas made before keep theirs.
    """
    prefix = salted_hmac("ideas.idea-id", owner_id, algorithm="sha256").digest()[:OWNER_PREFIX_BYTES]
    raw = bytearray(prefix + os.urandom(16 - OWNER_PREFIX_BYTES))
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(raw))


class Idea(SealedNotes, models.Model):
    """A creator's content idea.

    `version` starts at 1 and grows by one on every write; the API sends it as the `ETag` and
    honours `If-Match` with it, so two tabs editing one idea cannot silently overwrite each other.
    Rules (trimming, tag normalisation, bounds) live in `ideas.rules` and the services; the
    constraints below back them in the database. Notes are sealed at rest and kept out of every
    index and constraint; `notes` opens them (read-only: `ideas.services.notes` writes them).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: every owner-first index below serves lookups by owner.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ideas", db_index=False
    )
    title = models.CharField(max_length=TITLE_MAX_CHARS)
    # Notes are sealed at rest: the column holds only ciphertext bound to this idea and owner;
    # `notes` (from `SealedNotes`) opens it. The key id is repeated beside the value so key usage
    # is one indexed GROUP BY (the value's own key id is authoritative).
    notes_sealed = models.TextField(blank=True, default="", editable=False)
    notes_key_id = models.CharField(max_length=32, blank=True, default="", editable=False)
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
            # Key usage and the rotation's "not under the current key" (`ideas.selectors.notes`).
            # Declared here rather than as `db_index`, which on PostgreSQL adds a second index for
            # LIKE queries that nothing runs.
            models.Index(fields=["notes_key_id"], name="idea_notes_key_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete the idea; its owner's list totals are stale (`ideas.totals`)."""
        deleted = super().delete(*args, **kwargs)
        owners_changed([self.user_id])
        return deleted

    def _do_insert(self, manager: Any, using: str, fields: Any, returning_fields: Any, raw: bool) -> Any:
        """The ORM's insert of one idea, its SQL compiled once per process (`creatorvault.inserts`).

        Creating an idea is a hot path; compiling its INSERT cost more CPU than running it.
        `save()` still does everything else (signals, the transaction's error marking), and
        anything unusual (a raw save, an expression as a value) goes through the ORM.
        """
        # Rows to insert with the idea (its word index), handed over by `inserting_with`.
        with_rows: Rows | None = self.__dict__.pop("_insert_with_rows", None)
        compiled = not raw and manager is type(self)._base_manager
        if with_rows is None or not with_rows.rows:
            return self._insert_alone(manager, using, fields, returning_fields, raw, compiled)
        if compiled:
            returned = insert_one(
                self, fields=fields, returning=returning_fields, using=using, with_rows=with_rows
            )
            if returned is not None:
                return returned  # one statement
        # Not one statement (SQLite, or a shape left to the ORM): two, in one transaction.
        with transaction.atomic(using=using, savepoint=False):
            returned = self._insert_alone(manager, using, fields, returning_fields, raw, compiled)
            insert_rows(with_rows.model, with_rows.attnames, with_rows.rows, using=using)
        return returned

    def _insert_alone(
        self, manager: Any, using: str, fields: Any, returning_fields: Any, raw: bool, compiled: bool
    ) -> Any:
        if compiled:
            returned = insert_one(self, fields=fields, returning=returning_fields, using=using)
            if returned is not None:
                return returned
        return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]

    @contextlib.contextmanager
    def inserting_with(self, rows: Rows) -> Iterator[None]:
        """While in this block, a `save()` that inserts this idea inserts `rows` too, atomically.

        On PostgreSQL both go in one statement (`creatorvault.inserts`), which needs no transaction
        around it; elsewhere the two INSERTs run in one.
        """
        self.__dict__["_insert_with_rows"] = rows
        try:
            yield
        finally:
            self.__dict__.pop("_insert_with_rows", None)

    def notes_bound_to(self) -> tuple[Any, Any]:
        """An idea's notes are bound to the idea itself and its owner."""
        return self.pk, self.user_id

    @property
    def etag(self) -> str:
        """The strong entity tag of this version of the idea: `"<version>"`."""
        return f'"{self.version}"'
