"""Writes of ideas. Each is atomic, validates before it saves, and works on the caller's ideas only.

Updates lock the idea's row (`select_for_update`) before checking `If-Match` and writing, so two
concurrent writers are serialised: the second either sees the first one's version (and gets 412
when it named the old one) or applies its change on top; no write is lost. Every write bumps
`version`, which is the idea's ETag, and every write that changes content keeps the content it
replaced as a revision (`ideas.history`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import NotFound, PreconditionFailed, ValidationFailed
from creatorvault.exceptions import summarise
from ideas.history import content_snapshot, revision_record
from ideas.models import Idea, Priority, Stage
from ideas.notes import note_index_sync
from ideas.selectors import as_idea_id
from ideas.validation import (
    RuleViolation,
    clean_notes,
    clean_priority,
    clean_stage,
    clean_tags,
    clean_title,
    parse_due_date,
)


class IdeaChanges(TypedDict, total=False):
    """The writable fields of an idea; an update names only those it changes."""

    title: str
    notes: str
    stage: str
    tags: list[str]
    priority: str
    due_date: datetime | str | None


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "title": clean_title,
    "notes": clean_notes,
    "stage": clean_stage,
    "tags": clean_tags,
    "priority": clean_priority,
    "due_date": parse_due_date,
}


def _clean(changes: IdeaChanges) -> dict[str, Any]:
    """Normalise every field of `changes`; one `ValidationFailed` listing every broken rule."""
    cleaned: dict[str, Any] = {}
    details: list[dict[str, Any]] = []
    for name, value in changes.items():
        cleaner = _CLEANERS.get(name)
        if cleaner is None:
            details.append({"field": name, "message": "Unknown field.", "type": "unknown_field"})
            continue
        try:
            cleaned[name] = cleaner(value)
        except RuleViolation as violation:
            details.append({"field": name, "message": violation.message, "type": violation.code})
    if details:
        raise ValidationFailed(summarise(details), details=details)
    return cleaned


def if_match_allows(if_match: str | None, etag: str) -> bool:
    """Does an `If-Match` header value allow writing the idea whose current ETag is `etag`?

    No header allows it. `*` allows it (the idea exists). Otherwise one of the listed entity
    tags must equal the current one by strong comparison: weak tags (`W/"3"`) never match. A bare
    version number (`3`) is accepted as a courtesy to clients that do not quote it.
    """
    if if_match is None:
        return True
    for candidate in (part.strip() for part in if_match.split(",")):
        if candidate == "*" or candidate == etag:
            return True
        if candidate.isdigit() and f'"{candidate}"' == etag:
            return True
    return False


def locked_idea(*, owner: User, idea_id: uuid.UUID | str, if_match: str | None) -> Idea:
    """Lock and return the caller's idea, after checking `If-Match` against its current version."""
    idea = Idea.objects.for_owner(owner).select_for_update().filter(pk=as_idea_id(idea_id)).first()
    if idea is None:
        raise NotFound("No such idea.")
    if not if_match_allows(if_match, idea.etag):
        raise PreconditionFailed(
            f"The idea changed since the version named in If-Match; its current ETag is {idea.etag}."
        )
    return idea


@transaction.atomic
def idea_create(
    *,
    owner: User,
    title: str,
    notes: str = "",
    stage: str = Stage.IDEA,
    tags: Iterable[str] = (),
    priority: str = Priority.MEDIUM,
    due_date: datetime | str | None = None,
) -> Idea:
    """Create an idea for `owner` (the caller from the token, never the body)."""
    fields = _clean(
        IdeaChanges(
            title=title, notes=notes, stage=stage, tags=list(tags), priority=priority, due_date=due_date
        )
    )
    now = timezone.now()
    idea = Idea(user=owner, created_at=now, updated_at=now, **fields)
    idea.save(force_insert=True)
    note_index_sync(idea)  # notes were sealed when set; their word index follows the save
    return idea


@transaction.atomic
def idea_update(
    *, owner: User, idea_id: uuid.UUID | str, changes: IdeaChanges, if_match: str | None = None
) -> Idea:
    """Apply `changes` to the caller's idea (a partial update), honouring `If-Match`."""
    fields = _clean(changes)
    idea = locked_idea(owner=owner, idea_id=idea_id, if_match=if_match)
    before = content_snapshot(idea)
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.version += 1
    idea.updated_at = timezone.now()
    revision_record(changes=[(before, idea)], now=idea.updated_at)  # keeps the replaced content
    idea.save()
    note_index_sync(idea)  # rewrites the index only when the notes changed
    return idea


@transaction.atomic
def idea_replace(
    *,
    owner: User,
    idea_id: uuid.UUID | str,
    title: str,
    notes: str = "",
    stage: str = Stage.IDEA,
    tags: Iterable[str] = (),
    priority: str = Priority.MEDIUM,
    due_date: datetime | str | None = None,
    if_match: str | None = None,
) -> Idea:
    """Replace every writable field of the caller's idea (PUT): omitted fields get their defaults."""
    changes = IdeaChanges(
        title=title, notes=notes, stage=stage, tags=list(tags), priority=priority, due_date=due_date
    )
    return idea_update(owner=owner, idea_id=idea_id, changes=changes, if_match=if_match)


@transaction.atomic
def idea_set_stage(*, owner: User, idea_id: uuid.UUID | str, stage: str, if_match: str | None = None) -> Idea:
    """Move the caller's idea to `stage`, honouring `If-Match`."""
    return idea_update(owner=owner, idea_id=idea_id, changes=IdeaChanges(stage=stage), if_match=if_match)


@transaction.atomic
def idea_delete(*, owner: User, idea_id: uuid.UUID | str, if_match: str | None = None) -> None:
    """Destroy the caller's live idea for good, honouring `If-Match` (revisions and index go with it).

    The API's DELETE moves an idea to the trash instead (`ideas.trash.idea_trash`); this is the
    backoffice's immediate delete. Ideas already in the trash are destroyed by `idea_purge`.
    """
    idea = locked_idea(owner=owner, idea_id=idea_id, if_match=if_match)
    idea.delete()
