"""Writes of ideas: create, update, replace, change the stage, delete for good.

Each is atomic, validates before it saves, and works on the caller's ideas only. Updates go
through `ideas.services.content` (row lock, `If-Match`, the revision of the replaced content); every
write bumps `version`, which is the idea's ETag.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import ValidationFailed, field_error, summarise
from ideas.models import Idea, Priority, Stage, idea_id_for
from ideas.rules import (
    RuleViolation,
    clean_notes,
    clean_priority,
    clean_stage,
    clean_tags,
    clean_title,
    parse_due_date,
)
from ideas.services.content import content_change, locked_idea
from ideas.services.notes import idea_save


class IdeaChanges(TypedDict, total=False):
    """The writable fields of an idea (its content); an update names only those it changes."""

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


def clean_changes(changes: IdeaChanges) -> dict[str, Any]:
    """Normalise every field of `changes`; one `ValidationFailed` listing every broken rule."""
    cleaned: dict[str, Any] = {}
    details: list[dict[str, Any]] = []
    for name, value in changes.items():
        cleaner = _CLEANERS.get(name)
        if cleaner is None:
            details.append(field_error(name, "Unknown field.", "unknown_field"))
            continue
        try:
            cleaned[name] = cleaner(value)
        except RuleViolation as violation:
            details.append(field_error(name, violation.message, violation.code))
    if details:
        raise ValidationFailed(summarise(details), details=details)
    return cleaned


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
    """Create an idea for `owner` (the caller from the token, never the body).

    Atomic without a transaction of its own at the top level: the idea and its word index are
    one statement on PostgreSQL, two in a transaction elsewhere (`idea_save`).
    """
    fields = clean_changes(
        IdeaChanges(
            title=title, notes=notes, stage=stage, tags=list(tags), priority=priority, due_date=due_date
        )
    )
    now = timezone.now()
    text = fields.pop("notes")
    idea = Idea(id=idea_id_for(owner.pk), user=owner, created_at=now, updated_at=now, **fields)
    idea_save(idea, notes=text, create=True)
    return idea


@transaction.atomic
def idea_update(
    *, owner: User, idea_id: uuid.UUID | str, changes: IdeaChanges, if_match: str | None = None
) -> Idea:
    """Apply `changes` to the caller's idea (a partial update), honouring `If-Match`."""
    fields = clean_changes(changes)
    idea = locked_idea(owner=owner, idea_id=idea_id, if_match=if_match)
    return content_change(idea, fields, now=timezone.now())


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

    The API's DELETE moves an idea to the trash instead (`ideas.services.trash.idea_trash`); this is
    the backoffice's immediate delete. Ideas already in the trash are destroyed by `idea_purge`.
    """
    idea = locked_idea(owner=owner, idea_id=idea_id, if_match=if_match)
    idea.delete()
