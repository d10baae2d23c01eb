"""Revision history: keep an idea's previous content whenever a write changes it.

Every write that changes an idea's content (title, notes, stage, tags, priority, due date) goes
through `revision_record`, called by the services *after* they applied the change and *before*
they save, inside their transaction and under the idea's row lock. It stores the state the write
replaced as an `IdeaRevision` and then trims the idea's history to `settings.REVISIONS_KEEP`.

**No folding.** Every content-changing write keeps exactly one revision, however soon it follows
the previous one: folding rapid saves would silently drop states a creator may want back, and the
retention bound already keeps autosaving clients from growing history without limit. A write
that changes no content (a PATCH repeating current values, a move to or from the trash) keeps no
revision.

**Sealed notes.** A revision stores the sealed notes value the idea held, unchanged: AES-GCM
ciphertext bound to the idea and its owner by `ideas.sealing`, exactly like the live notes. It is
opened with the same binding (`revision_notes_open`), never decrypted to be copied.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ideas import sealing
from ideas.models import Idea, IdeaRevision
from ideas.notes import NotesUnavailable, sealed_row_open

logger = logging.getLogger("ideas.sealing")

#: The fields whose change makes a revision, in the order `changed_fields` lists them.
CONTENT_FIELDS: tuple[str, ...] = ("title", "notes", "stage", "tags", "priority", "due_date")


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


def _open(sealed: str, *, idea_id: object, owner_id: object, key_id: str) -> str:
    """Open a sealed notes value with the binding of the live notes (idea + owner)."""
    if not sealed:
        return ""
    try:
        return sealing.unseal(sealed, idea_id=str(uuid.UUID(str(idea_id))), owner_id=str(owner_id))
    except sealing.SealError as exc:
        logger.error(
            "sealed revision notes failed to open",
            extra={"idea_id": str(idea_id), "key_id": key_id or None, "reason": type(exc).__name__},
        )
        raise NotesUnavailable() from None


def revision_notes_open(revision: IdeaRevision) -> str:
    """The plain notes of `revision`; `NotesUnavailable` when they will not open.

    Opened by `ideas.notes.sealed_row_open`, the helper that key rotation uses to re-seal
    revisions along with ideas (`ideas.key_rotation.sealed_models`).
    """
    return sealed_row_open(revision)


def _notes_changed(before: ContentSnapshot, idea: Idea) -> bool:
    # Sealing uses a fresh nonce, so equal text seals differently: compare text only when the
    # sealed values differ (and so open nothing for writes that leave the notes alone).
    if (idea.notes_sealed or "") == before.notes_sealed:
        return False
    previous = _open(
        before.notes_sealed, idea_id=before.idea_id, owner_id=before.owner_id, key_id=before.notes_key_id
    )
    return previous != idea.notes


def changed_content_fields(before: ContentSnapshot, idea: Idea) -> list[str]:
    """The content fields of `idea` that differ from `before`, in `CONTENT_FIELDS` order."""
    changed = []
    for name in CONTENT_FIELDS:
        if name == "notes":
            differs = _notes_changed(before, idea)
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


def revision_record(
    *, changes: Sequence[tuple[ContentSnapshot, Idea]], now: datetime | None = None
) -> list[Idea]:
    """Keep the replaced state of every idea in `changes` whose content changed; trim histories.

    `changes` pairs each idea's snapshot (taken before the write) with the idea as it is about to
    be saved. Returns the ideas whose content changed. At most three queries whatever the number of
    ideas (the next numbers, the insert, and the trim once a history is full), none when nothing
    changed. Call it inside the write's transaction, with the ideas' rows locked, so numbers
    cannot race.
    """
    now = now or timezone.now()
    changed: list[tuple[ContentSnapshot, Idea, list[str]]] = []
    for before, idea in changes:
        fields = changed_content_fields(before, idea)
        if fields:
            changed.append((before, idea, fields))
    if not changed:
        return []
    ids = [idea.pk for _, idea, _ in changed]
    latest = dict(
        IdeaRevision.objects.filter(idea_id__in=ids)
        .values("idea_id")
        .annotate(latest=Max("number"))
        .values_list("idea_id", "latest")
    )
    numbers = {idea.pk: (latest.get(idea.pk) or 0) + 1 for _, idea, _ in changed}
    IdeaRevision.objects.bulk_create(
        IdeaRevision(
            idea_id=before.idea_id,
            owner_id=before.owner_id,
            number=numbers[idea.pk],
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
        for before, idea, fields in changed
    )
    # Numbers start at 1 and only the oldest are ever trimmed, so an idea whose newest number is
    # within the bound cannot hold too many revisions: most writes skip the trim query.
    keep = revisions_keep()
    full = [idea_id for idea_id, number in numbers.items() if number > keep]
    if full:
        revisions_trim(idea_ids=full)
    return [idea for _, idea, _ in changed]


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
