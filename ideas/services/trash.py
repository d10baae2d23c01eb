"""The trash: deleting an idea moves it here; it can be restored until it is purged.

The list of the trash is `ideas.selectors.trash.trash_list`.

A trashed idea keeps every field, its version, its revisions and its word index; only
`trashed_at` is set. `Idea.objects.for_owner` leaves trashed ideas out, so they vanish from lists,
detail, tags, search and every write at once; `Idea.objects.in_trash_of` is the only way back in.
Moving to and from the trash changes no content, so it keeps no revision and does not bump the
version: a restored idea is exactly the idea that was trashed (same ETag).

Purging destroys ideas for good, with their revisions and word-index entries (the foreign keys
cascade; Django deletes those rows with one statement per table, without loading them).
Retention: `manage.py purge_trash` destroys ideas trashed longer ago than
`settings.TRASH_RETENTION_DAYS` (default 30).

The backoffice can call `idea_restore` and `idea_purge` with `owner=idea.user`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import NotFound
from ideas.models import Idea, IdeaNoteToken, IdeaQuerySet, IdeaRevision
from ideas.selectors.ideas import as_idea_id
from ideas.services.content import locked_idea

PURGE_BATCH_SIZE = 500


@dataclass(frozen=True)
class PurgeCounts:
    """How many rows a purge destroyed, by kind."""

    ideas: int = 0
    revisions: int = 0
    index_entries: int = 0

    def __add__(self, other: PurgeCounts) -> PurgeCounts:
        return PurgeCounts(
            ideas=self.ideas + other.ideas,
            revisions=self.revisions + other.revisions,
            index_entries=self.index_entries + other.index_entries,
        )


def _destroy(queryset: IdeaQuerySet) -> PurgeCounts:
    """Delete the ideas of `queryset` with their revisions and index entries; count each kind."""
    _, by_model = queryset.delete()
    return PurgeCounts(
        ideas=by_model.get(Idea._meta.label, 0),
        revisions=by_model.get(IdeaRevision._meta.label, 0),
        index_entries=by_model.get(IdeaNoteToken._meta.label, 0),
    )


def _locked_trashed(*, owner: User, idea_id: uuid.UUID | str) -> Idea:
    idea = Idea.objects.in_trash_of(owner).select_for_update().filter(pk=as_idea_id(idea_id)).first()
    if idea is None:
        raise NotFound("No such idea in the trash.")
    return idea


@transaction.atomic
def idea_trash(*, owner: User, idea_id: uuid.UUID | str, if_match: str | None = None) -> Idea:
    """Move the caller's live idea to the trash, honouring `If-Match` (its content is untouched)."""
    idea = locked_idea(owner=owner, idea_id=idea_id, if_match=if_match)
    idea.trashed_at = timezone.now()
    idea.save(update_fields=["trashed_at"])
    return idea


@transaction.atomic
def idea_restore(*, owner: User, idea_id: uuid.UUID | str) -> Idea:
    """Bring the caller's idea back from the trash, exactly as it was trashed."""
    idea = _locked_trashed(owner=owner, idea_id=idea_id)
    idea.trashed_at = None
    idea.save(update_fields=["trashed_at"])
    return idea


@transaction.atomic
def idea_purge(*, owner: User, idea_id: uuid.UUID | str) -> PurgeCounts:
    """Destroy one of the caller's trashed ideas for good (with its revisions and index entries)."""
    idea = _locked_trashed(owner=owner, idea_id=idea_id)
    return _destroy(Idea.objects.in_trash_of(owner).filter(pk=idea.pk))


@transaction.atomic
def trash_empty(*, owner: User) -> PurgeCounts:
    """Destroy everything in the caller's trash, all at once (one transaction)."""
    trashed = Idea.objects.in_trash_of(owner)
    ids = list(trashed.select_for_update().order_by("pk").values_list("pk", flat=True))
    counts = PurgeCounts()
    for start in range(0, len(ids), PURGE_BATCH_SIZE):
        counts += _destroy(trashed.filter(pk__in=ids[start : start + PURGE_BATCH_SIZE]))
    return counts


def retention_cutoff(*, older_than: timedelta | None = None, now: datetime | None = None) -> datetime:
    """The moment before which trashed ideas are purged (default: `TRASH_RETENTION_DAYS` ago)."""
    if older_than is None:
        older_than = timedelta(days=settings.TRASH_RETENTION_DAYS)
    return (now or timezone.now()) - older_than


def trash_count_older(*, cutoff: datetime) -> int:
    """How many ideas (of every user) were trashed before `cutoff`."""
    return Idea.objects.trashed_before(cutoff).count()


def trash_purge_older(*, cutoff: datetime, batch_size: int = PURGE_BATCH_SIZE) -> Iterator[PurgeCounts]:
    """Destroy every user's ideas trashed before `cutoff`, oldest first, one batch per transaction.

    Yields each batch's counts, so a caller can report progress; an interrupted run has committed
    whole batches only and simply resumes. Rows are locked and re-checked inside each batch, so an
    idea restored meanwhile is never purged.
    """
    while True:
        with transaction.atomic():
            expired = Idea.objects.trashed_before(cutoff)
            ids = list(
                expired.select_for_update()
                .order_by("trashed_at", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return
            counts = _destroy(expired.filter(pk__in=ids))
        yield counts
        if len(ids) < batch_size:
            return
