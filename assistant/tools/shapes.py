"""How ideas look to a model: titles and metadata; notes only when the access allows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from assistant.access import NotesDecision
from ideas.models import Idea

#: The content fields every idea shape returns (what the ledger records as returned).
SUMMARY_FIELDS: tuple[str, ...] = ("title", "stage", "priority", "tags", "due_date")


class IdeaSummary(TypedDict):
    """An idea without its notes: what lists, searches and writes return."""

    id: str
    title: str
    stage: str
    priority: str
    tags: list[str]
    due_date: str | None
    has_notes: bool
    version: int
    updated_at: str


class IdeaDetail(IdeaSummary):
    """One idea, with its notes if the access allows them (else `notes_withheld` says why)."""

    created_at: str
    notes: str | None
    notes_withheld: str | None


def iso(moment: datetime | None) -> str | None:
    """A datetime as ISO 8601 in UTC (`Z`), like the API."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def idea_summary(idea: Idea) -> IdeaSummary:
    """The idea's title and metadata. `has_notes` is known without opening the sealed notes."""
    return IdeaSummary(
        id=str(idea.pk),
        title=idea.title,
        stage=idea.stage,
        priority=idea.priority,
        tags=list(idea.tags or []),
        due_date=iso(idea.due_date),
        has_notes=bool(idea.notes_sealed),
        version=idea.version,
        updated_at=iso(idea.updated_at) or "",
    )


def idea_detail(idea: Idea, notes: NotesDecision) -> IdeaDetail:
    """The idea with its notes when `notes` allows them; an idea without notes withholds nothing."""
    summary = idea_summary(idea)
    shown = notes.allowed or not summary["has_notes"]
    return IdeaDetail(
        **summary,
        created_at=iso(idea.created_at) or "",
        notes=idea.notes if shown else None,
        notes_withheld=None if shown else notes.withheld_because,
    )


def detail_fields(detail: IdeaDetail) -> list[str]:
    """The content fields a detail returned (notes only when they were shown)."""
    fields = list(SUMMARY_FIELDS)
    if detail["notes"]:
        fields.append("notes")
    return fields


def plain(value: Any) -> Any:
    """`value` with datetimes as ISO strings (for results built from arbitrary values)."""
    if isinstance(value, datetime):
        return iso(value)
    return value
