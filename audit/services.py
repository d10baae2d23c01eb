"""Writes of the audit trail."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection

from django.db import transaction

from accounts.models import User
from audit.models import NoteReveal
from creatorvault.errors import ValidationFailed

logger = logging.getLogger("audit")

REASON_MAX_CHARS = NoteReveal._meta.get_field("reason").max_length or 500


@transaction.atomic
def note_reveal_record(*, staff: User, idea_id: uuid.UUID, reason: str) -> NoteReveal:
    """Record that `staff` is revealing idea `idea_id`'s notes, for the moderation case `reason`.

    Called before the notes are shown, so a reveal is never shown without its record.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Say which moderation case this reveal is for.")
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationFailed(f"The reason must be at most {REASON_MAX_CHARS} characters.")
    reveal = NoteReveal.objects.create(staff=staff, staff_email=staff.email, idea_id=idea_id, reason=reason)
    logger.info("idea notes revealed", extra={"idea_id": str(idea_id), "staff_id": staff.pk})
    return reveal


ERASED_REASON = "(reason removed when the creator's data was erased)"


@transaction.atomic
def note_reveals_forget_ideas(*, idea_ids: Collection[str | uuid.UUID]) -> int:
    """Drop the free-text reason of every reveal of these ideas; keep who, which idea id, and when.

    Called by the creator's erasure: a reason may quote or name the creator, while the fact that
    a staff member opened an idea (by its random id, which then leads nowhere) stays as evidence.
    """
    ids = [str(pk) for pk in idea_ids]
    changed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        changed += (
            NoteReveal.objects.filter(idea_id__in=chunk)
            .exclude(reason=ERASED_REASON)
            .update(reason=ERASED_REASON)
        )
    return changed
