"""Key rotation and key usage: move every sealed value (and the word index) onto the current key.

Sealed values live in every model of the ideas app that has the `notes_sealed` and
`notes_key_id` columns (`sealed_models()`): ideas, and any later model keeping notes the same way
(revisions). A row of such a model is bound to an idea and its owner: the idea itself
(`pk`, `user_id`), or a row carrying `idea_id` and `owner_id` (`ideas.notes.sealed_binding`).

Rotation works in batches, each its own transaction with the batch's rows locked, so an
interrupted run loses at most one uncommitted batch and simply resumes: the work left is always
"every value not under the current key". A user's write during a rotation seals under the
current key already, and the row lock keeps the rotation from overwriting it with older notes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, QuerySet

from ideas import sealing
from ideas.models import Idea, IdeaNoteToken
from ideas.notes import NotesUnavailable, notes_reseal, sealed_row_open, sealed_row_reseal

SEALED_FIELDS = {"notes_sealed", "notes_key_id"}


def sealed_models() -> list[type[models.Model]]:
    """Every model of the ideas app holding sealed notes, ideas first."""
    found = [
        model
        for model in apps.get_app_config("ideas").get_models()
        if SEALED_FIELDS <= {f.name for f in model._meta.concrete_fields}
    ]
    return sorted(found, key=lambda model: (model is not Idea, model._meta.label))


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
    """Count sealed values per key id, over every sealed model (one GROUP BY on an indexed column each)."""
    ring = sealing.key_ring()
    by_key: dict[str, int] = {}
    for model in sealed_models():
        rows = model._default_manager.values("notes_key_id").annotate(n=Count("pk")).order_by("notes_key_id")
        for row in rows:
            by_key[row["notes_key_id"]] = by_key.get(row["notes_key_id"], 0) + row["n"]
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
    """What one rotation batch did. Failed rows are named `<model label>:<pk>`."""

    resealed: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        """Rows the batch looked at."""
        return self.resealed + len(self.failed_ids)


def _row_name(row: models.Model) -> str:
    return f"{row._meta.label}:{row.pk}"


def _pending(model: type[models.Model]) -> QuerySet[models.Model]:
    current = sealing.key_ring().current_id
    return model._default_manager.exclude(notes_key_id="").exclude(notes_key_id=current)


def rotation_pending_count() -> int:
    """Sealed values (of every sealed model) not yet under the current key."""
    return sum(_pending(model).count() for model in sealed_models())


def _reseal(row: models.Model) -> bool:
    # An idea's word index is rebuilt with its notes; other sealed rows have no index.
    return notes_reseal(row) if isinstance(row, Idea) else sealed_row_reseal(row)


@transaction.atomic
def rotation_batch(*, batch_size: int, skip_ids: Collection[str] = ()) -> BatchResult:
    """Re-seal up to `batch_size` values not under the current key, with their rows locked.

    Rows whose notes do not open are reported in `failed_ids` (and logged with their idea's id by
    `ideas.notes`); pass them back in `skip_ids` so the next batch moves on.
    """
    result = BatchResult()
    for model in sealed_models():
        label = f"{model._meta.label}:"
        skipped = [name.removeprefix(label) for name in skip_ids if name.startswith(label)]
        rows = _pending(model).exclude(pk__in=skipped).order_by("pk").select_for_update()
        for row in rows[: batch_size - result.seen]:
            try:
                if _reseal(row):
                    result.resealed += 1
            except NotesUnavailable:
                result.failed_ids.append(_row_name(row))
        if result.seen >= batch_size:
            break
    return result


def rotation_dry_run(*, batch_size: int) -> BatchResult:
    """Open (without writing) every value a rotation would re-seal; report those that do not open."""
    result = BatchResult()
    for model in sealed_models():
        for row in _pending(model).order_by("pk").iterator(chunk_size=batch_size):
            try:
                sealed_row_open(row)
                result.resealed += 1
            except NotesUnavailable:
                result.failed_ids.append(_row_name(row))
    return result
