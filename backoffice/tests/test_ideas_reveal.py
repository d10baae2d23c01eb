"""Revealing notes in the ideas admin (permission, reason, record) and the audit page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory
from audit.models import NoteReveal
from backoffice.tests.helpers import CHANGELIST, SECRET, change_url, moderator, reveal_url
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory

# --- Revealing notes ------------------------------------------------------------------------------


def test_reveal_needs_the_permission(idea):
    client = Client()
    client.force_login(moderator("view_idea", "change_idea"))
    change = client.get(change_url(idea)).content.decode()
    assert "Reveal notes" not in change
    assert client.get(reveal_url(idea)).status_code == 403
    assert client.post(reveal_url(idea), {"reason": "case 12"}).status_code == 403
    assert not NoteReveal.objects.exists()


def test_reveal_asks_for_a_reason_and_records_who_which_and_when(idea):
    staff = moderator("view_idea", "reveal_notes")
    client = Client()
    client.force_login(staff)
    assert "Reveal notes" in client.get(change_url(idea)).content.decode()

    ask = client.get(reveal_url(idea))
    assert ask.status_code == 200
    assert SECRET not in ask.content.decode()

    blank = client.post(reveal_url(idea), {"reason": "   "})
    assert SECRET not in blank.content.decode()
    assert not NoteReveal.objects.exists()

    shown = client.post(reveal_url(idea), {"reason": "Moderation case #42: reported spam"})
    assert shown.status_code == 200
    assert SECRET in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    reveal = NoteReveal.objects.get()
    assert (reveal.staff, reveal.staff_email, reveal.idea_id) == (staff, staff.email, idea.pk)
    assert reveal.reason == "Moderation case #42: reported spam"
    assert reveal.revealed_at is not None


def test_reveal_of_unknown_idea_is_404(staff_client):
    assert (
        staff_client.get("/admin/ideas/idea/00000000-0000-0000-0000-000000000000/reveal-notes/").status_code
        == 404
    )
    assert staff_client.get("/admin/ideas/idea/not-a-uuid/reveal-notes/").status_code == 404


# --- Audit page -----------------------------------------------------------------------------------


def test_audit_page_lists_actions_and_reveals_read_only(staff_client, idea):
    staff_client.post(CHANGELIST, {"action": "move_to_outline", "_selected_action": [str(idea.pk)]})
    staff_client.post(reveal_url(idea), {"reason": "Case 7"})
    response = staff_client.get(reverse("admin:audit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Case 7" in body and "Revealed notes" in body
    assert "AI Content Tools Research" in body and "Changed" in body
    assert f'href="{change_url(idea)}"' in body  # both events link to the idea
    assert SECRET not in body
    for kind in ("action", "reveal"):
        assert staff_client.get(reverse("admin:audit"), {"kind": kind}).status_code == 200
    # The audit records themselves are read-only in the admin.
    assert staff_client.get(reverse("admin:admin_logentry_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:audit_notereveal_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:audit_notereveal_changelist"), {"q": "Case"}).status_code == 200
    assert staff_client.get(reverse("admin:audit_notereveal_add")).status_code == 403
    reveal = NoteReveal.objects.get()
    delete = reverse("admin:audit_notereveal_delete", args=[reveal.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert NoteReveal.objects.exists()


def test_audit_page_refuses_staff_without_audit_permissions(db):
    client = Client()
    client.force_login(StaffUserFactory.create())
    assert client.get(reverse("admin:audit")).status_code == 403


def test_reveal_of_notes_that_will_not_open_says_so_and_is_still_recorded(staff_client, idea):
    # Sealed notes copied from another idea are bound to that idea: they must not open here.
    other = IdeaFactory.create(user=idea.user, notes="other words")
    Idea.objects.filter(pk=idea.pk).update(notes_sealed=Idea.objects.get(pk=other.pk).notes_sealed)
    response = staff_client.post(reveal_url(idea), {"reason": "Case 3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be opened" in body
    assert "other words" not in body
    assert NoteReveal.objects.filter(idea_id=idea.pk).exists()
