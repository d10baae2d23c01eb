"""Key rotation and key usage: move sealed notes (and their word index) onto the current key.

Rotation works in batches, each its own transaction with the batch's rows locked, so an
interrupted run loses at most one uncommitted batch and simply resumes: the work left is always
"every value not under the current key". A user's write during a rotation seals under the
current key already, and the row lock keeps the rotation from overwriting it with older notes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet

from ideas import sealing
from ideas.models import Idea, IdeaNoteToken
from ideas.notes import NotesUnavailable, notes_open, notes_reseal


@dataclass(frozen=True)
class KeyUsage:
    """How many sealed values each key id holds, and how the configuration covers them."""

    current_key_id: str
    configured_key_ids: list[str]
    values_by_key_id: dict[str, int]
    empty_notes: int
    index_entries: int

    @property
    def unknown_key_ids(self) -> list[str]:
        """Key ids in use that are not configured (their notes cannot be opened)."""
        return sorted(k for k in self.values_by_key_id if k not in self.configured_key_ids)

    @property
    def values_to_rotate(self) -> int:
        """Sealed values under any key but the current one."""
        return sum(n for k, n in self.values_by_key_id.items() if k != self.current_key_id)


def key_usage() -> KeyUsage:
    """Count sealed values per key id (one GROUP BY over an indexed column)."""
    ring = sealing.key_ring()
    rows = Idea.objects.values("notes_key_id").annotate(n=Count("pk")).order_by("notes_key_id")
    by_key = {row["notes_key_id"]: row["n"] for row in rows}
    empty = by_key.pop("", 0)
    return KeyUsage(
        current_key_id=ring.current_id,
        configured_key_ids=ring.key_ids,
        values_by_key_id=by_key,
        empty_notes=empty,
        index_entries=IdeaNoteToken.objects.count(),
    )


@dataclass
class BatchResult:
    """What one rotation batch did."""

    resealed: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        """Rows the batch looked at."""
        return self.resealed + len(self.failed_ids)


def _pending() -> QuerySet[Idea]:
    current = sealing.key_ring().current_id
    return Idea.objects.exclude(notes_key_id="").exclude(notes_key_id=current)


def rotation_pending_count() -> int:
    """Sealed values not yet under the current key."""
    return _pending().count()


@transaction.atomic
def rotation_batch(*, batch_size: int, skip_ids: Collection[str] = ()) -> BatchResult:
    """Re-seal up to `batch_size` values not under the current key, with their rows locked.

    Ideas whose notes do not open are reported in `failed_ids` (and logged with their id by
    `ideas.notes`); pass them back in `skip_ids` so the next batch moves on.
    """
    result = BatchResult()
    pending = _pending().exclude(pk__in=list(skip_ids)).order_by("pk")
    for idea in pending.select_for_update()[:batch_size]:
        try:
            if notes_reseal(idea):
                result.resealed += 1
        except NotesUnavailable:
            result.failed_ids.append(str(idea.pk))
    return result


def rotation_dry_run(*, batch_size: int) -> BatchResult:
    """Open (without writing) every value a rotation would re-seal; report those that do not open."""
    result = BatchResult()
    for idea in _pending().order_by("pk").iterator(chunk_size=batch_size):
        try:
            notes_open(idea)
            result.resealed += 1
        except NotesUnavailable:
            result.failed_ids.append(str(idea.pk))
    return result
