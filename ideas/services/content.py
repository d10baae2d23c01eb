"""Changing an idea's content: the path every content write takes, and the revisions it keeps.

Writers lock the idea's row (`locked_idea`, `select_for_update`) before checking `If-Match` and
writing, so two concurrent writers are serialised: the second either sees the first one's version
(and gets 412 when it named the old one) or applies its change on top; no write is lost.

Every write that changes an idea's content (title, notes, stage, tags, priority, due date) keeps
the content it replaced as an `IdeaRevision`, inside the write's transaction and under the row
lock, then trims the idea's history to `settings.REVISIONS_KEEP`.

**No folding.** Every content-changing write keeps exactly one revision, however soon it follows
the previous one: folding rapid saves would silently drop states a creator may want back, and the
retention bound already keeps autosaving clients from growing history without limit. A write that
changes no content (a PATCH repeating current values, a move to or from the trash) keeps none.

**Sealed notes.** A revision stores the sealed value the idea held, unchanged: ciphertext bound to
the idea and its owner exactly like the live notes, opened with the same binding, never decrypted
to be copied.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from creatorvault.errors import NotFound, PreconditionFailed
from ideas.models import CONTENT_FIELDS, Idea, IdeaRevision
from ideas.selectors.ideas import as_idea_id
from ideas.services.notes import idea_save

# Rows per UPDATE statement when many ideas change at once.
UPDATE_BATCH_SIZE = 500


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
            f"The idea changed since the version named in If-Match; its current ETag is {idea.etag}.",
            etag=idea.etag,
        )
    return idea


# --- Revisions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentSnapshot:
    """An idea's content as loaded, before a write changes it (notes still sealed)."""

    idea_id: uuid.UUID
    owner_id: str
    version: int
    title: str
    notes_sealed: str
    notes_key_id: str
    stage: str
    tags: tuple[str, ...]
    priority: str
    due_date: datetime | None
    saved_at: datetime


def content_snapshot(idea: Idea) -> ContentSnapshot:
    """The content of `idea` as it is now; take it before applying a change."""
    return ContentSnapshot(
        idea_id=idea.pk,
        owner_id=str(idea.user_id),
        version=idea.version,
        title=idea.title,
        notes_sealed=idea.notes_sealed or "",
        notes_key_id=idea.notes_key_id or "",
        stage=idea.stage,
        tags=tuple(idea.tags or ()),
        priority=idea.priority,
        due_date=idea.due_date,
        saved_at=idea.updated_at,
    )


def changed_content_fields(before: ContentSnapshot, idea: Idea, *, notes_changed: bool) -> list[str]:
    """The content fields of `idea` that differ from `before`, in `CONTENT_FIELDS` order."""
    changed = []
    for name in CONTENT_FIELDS:
        if name == "notes":
            differs = notes_changed
        elif name == "tags":
            differs = tuple(idea.tags or ()) != before.tags
        else:
            differs = getattr(idea, name) != getattr(before, name)
        if differs:
            changed.append(name)
    return changed


def revisions_keep() -> int:
    """How many revisions each idea keeps (`settings.REVISIONS_KEEP`, at least 1)."""
    return max(1, int(getattr(settings, "REVISIONS_KEEP", 50)))


def revision_record(*, changes: Sequence[tuple[ContentSnapshot, list[str]]], now: datetime) -> None:
    """Keep the replaced content of every idea in `changes` (snapshot, changed fields); trim histories.

    At most three queries whatever the number of ideas (the next numbers, the insert, and the trim
    once a history is full). Call it inside the write's transaction, with the ideas' rows locked,
    so numbers cannot race.
    """
    if not changes:
        return
    ids = [before.idea_id for before, _ in changes]
    latest = dict(
        IdeaRevision.objects.filter(idea_id__in=ids)
        .values("idea_id")
        .annotate(latest=Max("number"))
        .values_list("idea_id", "latest")
    )
    numbers = {idea_id: (latest.get(idea_id) or 0) + 1 for idea_id in ids}
    IdeaRevision.objects.bulk_create(
        IdeaRevision(
            idea_id=before.idea_id,
            owner_id=before.owner_id,
            number=numbers[before.idea_id],
            version=before.version,
            title=before.title,
            notes_sealed=before.notes_sealed,
            notes_key_id=before.notes_key_id,
            stage=before.stage,
            tags=list(before.tags),
            priority=before.priority,
            due_date=before.due_date,
            saved_at=before.saved_at,
            replaced_at=now,
            changed_fields=fields,
        )
        for before, fields in changes
    )
    # Numbers start at 1 and only the oldest are ever trimmed, so an idea whose newest number is
    # within the bound cannot hold too many revisions: most writes skip the trim query.
    full = [idea_id for idea_id, number in numbers.items() if number > revisions_keep()]
    if full:
        revisions_trim(idea_ids=full)


def revisions_trim(*, idea_ids: Iterable[uuid.UUID]) -> int:
    """Delete all but the newest `REVISIONS_KEEP` revisions of each idea; return how many went."""
    ranked = IdeaRevision.objects.filter(idea_id__in=list(idea_ids)).annotate(
        rank=Window(RowNumber(), partition_by=[F("idea_id")], order_by=F("number").desc())
    )
    stale = list(ranked.filter(rank__gt=revisions_keep()).values_list("pk", flat=True))
    if not stale:
        return 0
    deleted, _ = IdeaRevision.objects.filter(pk__in=stale).delete()
    return deleted


# --- Writing changes --------------------------------------------------------------------------------


def content_change(idea: Idea, fields: Mapping[str, Any], *, now: datetime) -> Idea:
    """Apply cleaned `fields` to the locked `idea`, keep a revision if its content changed, and save.

    The idea gets a new version whatever changed (every write moves the ETag on).
    """
    before = content_snapshot(idea)
    notes = fields.get("notes")
    if notes is not None and notes == idea.notes:
        notes = None  # the same text: nothing to seal again
    for name, value in fields.items():
        if name != "notes":
            setattr(idea, name, value)
    changed = changed_content_fields(before, idea, notes_changed=notes is not None)
    if changed:
        revision_record(changes=[(before, changed)], now=now)
    idea.version += 1
    idea.updated_at = now
    idea_save(idea, notes=notes)
    return idea


def ideas_change_locked(
    ideas: Sequence[Idea], change: Callable[[Idea], None], *, fields: Sequence[str], now: datetime
) -> list[Idea]:
    """Apply `change` to each of `ideas` (rows already locked); save those whose content changed.

    `change` never touches notes; `fields` names the columns it may touch. Changed ideas keep a
    revision of their previous content and get a new version. A constant number of queries,
    whatever the number of ideas.
    """
    recorded: list[tuple[ContentSnapshot, list[str]]] = []
    changed: list[Idea] = []
    for idea in ideas:
        before = content_snapshot(idea)
        change(idea)
        names = changed_content_fields(before, idea, notes_changed=False)
        if names:
            recorded.append((before, names))
            changed.append(idea)
    revision_record(changes=recorded, now=now)
    for idea in changed:
        idea.version += 1
        idea.updated_at = now
    if changed:
        Idea.objects.bulk_update(
            changed, fields=[*fields, "version", "updated_at"], batch_size=UPDATE_BATCH_SIZE
        )
    return changed
