"""Reveal only what exists, and an audit trail that names ideas by title and owner, not by id."""

from __future__ import annotations

from django.urls import reverse

from audit.models import NoteReveal
from backoffice.tests.helpers import CHANGELIST, SECRET, change_url, reveal_url
from ideas.tests.factories import IdeaFactory
from privacy.services import user_erase

AUDIT = reverse("admin:audit")


def rows(body: str) -> list[str]:
    """The audit table's rows, as HTML."""
    table = body[body.index('id="audit-events"') :].split("</table>")[0]
    return table.split("<tr")[2:]


def test_reveal_is_offered_only_for_an_idea_with_notes(staff_client, idea, owner):
    assert 'class="reveal-notes-link"' in staff_client.get(change_url(idea)).content.decode()
    empty = IdeaFactory.create(user=owner, title="No notes here", notes="")
    assert 'class="reveal-notes-link"' not in staff_client.get(change_url(empty)).content.decode()


def test_revealing_an_idea_without_notes_records_nothing(staff_client, owner):
    empty = IdeaFactory.create(user=owner, title="No notes here", notes="")
    for response in (
        staff_client.get(reveal_url(empty), follow=True),
        staff_client.post(reveal_url(empty), {"reason": "Case 9"}, follow=True),
    ):
        assert response.redirect_chain[-1][0] == change_url(empty)
        assert "This idea has no notes: there is nothing to reveal." in response.content.decode()
    assert not NoteReveal.objects.exists()


def test_audit_page_names_ideas_by_title_and_owner(staff_client, idea):
    staff_client.post(CHANGELIST, {"action": "move_to_outline", "_selected_action": [str(idea.pk)]})
    staff_client.post(reveal_url(idea), {"reason": "Case 7"})
    body = staff_client.get(AUDIT).content.decode()
    reveal, action = rows(body)[:2]
    for row in (reveal, action):
        assert "idea: AI Content Tools Research" in row
        assert '<td class="cv-owner">ada@example.com</td>' in row
        assert str(idea.pk) not in row.replace(change_url(idea), "")
    assert "Case 7" in reveal
    assert SECRET not in body
    assert " UTC</td>" in reveal  # the time says its zone


def test_audit_page_names_deactivations_and_deleted_ideas(staff_client, idea, owner):
    staff_client.post(reverse("admin:accounts_user_deactivate", args=[owner.pk]))
    staff_client.post(reverse("admin:ideas_idea_delete", args=[idea.pk]), {"post": "yes"})
    deleted, deactivated = rows(staff_client.get(AUDIT).content.decode())[:2]
    assert "user: ada@example.com" in deactivated and "Deactivated the account" in deactivated
    assert "idea: AI Content Tools Research" in deleted  # the title the log kept
    assert '<td class="cv-owner">(no longer exists)</td>' in deleted


def test_erased_accounts_ideas_stay_nameless(staff_client, idea, owner):
    staff_client.post(reveal_url(idea), {"reason": "Case 8"})
    user_erase(user=owner)
    body = staff_client.get(AUDIT).content.decode()
    (reveal,) = rows(body)
    assert "idea (no longer exists)" in reveal
    assert "AI Content Tools Research" not in body and "ada@example.com" not in body
