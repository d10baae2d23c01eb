"""The note-reveal audit trail: what a reveal needs and keeps (erasure: `privacy/tests`)."""

from __future__ import annotations

import uuid

import pytest

from audit.models import NoteReveal
from audit.services import note_reveal_record
from creatorvault.errors import ValidationFailed


def test_a_reveal_needs_a_reason(staff_user):
    idea_id = uuid.uuid4()  # reveals name ideas by id only: no idea row is needed
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            note_reveal_record(staff=staff_user, idea_id=idea_id, reason=reason)
    assert not NoteReveal.objects.exists()
