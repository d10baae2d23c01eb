"""Reads about sealed notes: which models hold them, which key ids they use, what a rotation moves.

Sealed values live in every model of the ideas app that has the `notes_sealed` and
`notes_key_id` columns (`sealed_models()`): ideas and revisions, and any later model keeping
notes the same way. Every count here is one GROUP BY or filter on the indexed key-id column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connection, models
from django.db.models import Count, QuerySet

from creatorvault import sealing
from ideas.models import Idea, IdeaNoteToken

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
    """Count sealed values per key id, over every sealed model."""
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


def pending_rotation(model: type[models.Model]) -> QuerySet[models.Model]:
    """Rows of `model` whose notes are sealed under a key other than the current one."""
    current = sealing.key_ring().current_id
    return model._default_manager.exclude(notes_key_id="").exclude(notes_key_id=current)


def rotation_pending_count() -> int:
    """Sealed values (of every sealed model) not yet under the current key."""
    return sum(pending_rotation(model).count() for model in sealed_models())


def key_ids_in_use_but_not_configured(configured: Sequence[str]) -> list[str]:
    """Key ids that sealed values in the database name but `configured` lacks (at most ten).

    Looks at every sealed model whose table and key-id column exist (a fresh database, or one
    before the sealing migration, has none); one indexed query per model. An unreachable database
    answers nothing: the health endpoints report that, and a process must still start and say so.
    """
    unknown: set[str] = set()
    try:
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            for model in sealed_models():
                table = model._meta.db_table
                if table not in tables:
                    continue
                columns = {col.name for col in connection.introspection.get_table_description(cursor, table)}
                if "notes_key_id" not in columns:
                    continue
                found = (
                    model._default_manager.exclude(notes_key_id="")
                    .exclude(notes_key_id__in=list(configured))
                    .order_by("notes_key_id")
                    .values_list("notes_key_id", flat=True)
                    .distinct()[:10]
                )
                unknown.update(found)
    except DatabaseError:
        return []
    return sorted(unknown)[:10]
