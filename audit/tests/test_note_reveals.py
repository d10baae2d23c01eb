"""The note-reveal audit trail: what a reveal keeps, and what a creator's erasure removes from it."""

from __future__ import annotations

import pytest

from audit.models import NoteReveal
from audit.services import ERASED_REASON, note_reveal_record
from creatorvault.errors import ValidationFailed
from ideas.privacy import user_erase
from ideas.tests.factories import IdeaFactory


def test_a_reveal_needs_a_reason(staff_user, owner):
    idea = IdeaFactory.create(user=owner)
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            note_reveal_record(staff=staff_user, idea_id=idea.pk, reason=reason)
    assert not NoteReveal.objects.exists()


def test_erasing_the_creator_keeps_the_fact_but_drops_the_reason(staff_user, owner, outsider):
    theirs = IdeaFactory.create(user=owner)
    other = IdeaFactory.create(user=outsider)
    note_reveal_record(staff=staff_user, idea_id=theirs.pk, reason="Ada Lovelace reported by ada@example.com")
    note_reveal_record(staff=staff_user, idea_id=other.pk, reason="Case 9")

    user_erase(user=owner)

    kept = NoteReveal.objects.get(idea_id=theirs.pk)
    assert (kept.staff, kept.reason) == (staff_user, ERASED_REASON)
    assert NoteReveal.objects.get(idea_id=other.pk).reason == "Case 9"
    assert not NoteReveal.objects.filter(reason__icontains="ada").exists()
