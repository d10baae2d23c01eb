"""Writes of the audit trail."""

from __future__ import annotations

import logging
import uuid

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
