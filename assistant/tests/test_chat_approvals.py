"""POST /chat approvals with the SDK's scripted model: a destructive call (or, under notes access
`ask`, a call that would read notes) pauses the turn; the creator's next request answers it, from
any worker (the paused run lives only in the database, sealed)."""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest
from agents.testing import assistant_message, function_call
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from assistant.models import AIActivity
from assistant.models.conversations import Conversation, Message
from assistant.tests.test_chat import CHAT, body, parts_of
from ideas.models import Idea
from ideas.tests.helpers import KEY_NEW, KEY_OLD

TITLE = "Sourdough starter diaries"
NOTES = "the secret hydration is seventy-two percent"


def stored(client: APIClient, chat_id: str) -> list[dict[str, Any]]:
    return list(client.get(f"/api/v1/conversations/{chat_id}/messages").json()["data"]["messages"])


def answer(
    client: APIClient, chat_id: str, *, approved: bool, reason: str | None = None, **override: Any
) -> dict[str, Any]:
    """What useChat sends after addToolApprovalResponse: the stored messages, the paused tool part
    `approval-responded` (built from what the client restored, as useChat would)."""
    messages = copy.deepcopy(stored(client, chat_id))
    for part in messages[-1]["parts"]:
        if part.get("state") == "approval-requested":
            part["state"] = "approval-responded"
            part["approval"] = {"id": part["approval"]["id"], "approved": approved, **override}
            if reason is not None:
                part["approval"]["reason"] = reason
    return {"id": chat_id, "messages": messages, "trigger": "submit-message", "messageId": messages[-1]["id"]}


def pause_on_delete(owner_client, provider, idea: Idea, chat_id: str = "c1") -> list[dict[str, Any]]:
    provider([function_call("delete_idea", {"idea_id": str(idea.pk)}, call_id="call-1")])
    return parts_of(owner_client.post(CHAT, body(chat_id, f"Trash {TITLE}"), format="json"))


@pytest.mark.django_db
def test_a_destructive_call_pauses_then_an_approval_runs_it(
    owner, owner_client, client_for, make_idea, provider, sealing_keys
):
    idea = make_idea(title=TITLE)
    parts = pause_on_delete(owner_client, provider, idea)
    kinds = [p["type"] for p in parts]
    assert kinds.index("tool-input-available") < kinds.index("tool-approval-request")
    request = next(p for p in parts if p["type"] == "tool-approval-request")
    assert request["toolCallId"] == "call-1"
    assert request["approvalId"].startswith("approval-")
    assert parts[-1] == {"type": "finish", "finishReason": "tool-calls"}
    idea.refresh_from_db()
    assert idea.trashed_at is None
    assert not AIActivity.objects.filter(tool="delete_idea").exists()
    assert owner_client.get("/api/v1/conversations/c1").json()["data"]["awaiting_approval"] is True
    [_, paused] = stored(owner_client, "c1")
    tool = next(p for p in paused["parts"] if p["type"] == "tool-delete_idea")
    assert tool["state"] == "approval-requested"
    assert tool["approval"] == {"id": request["approvalId"]}

    worker = client_for(owner)  # another client, as another worker: nothing shared but the database
    model = provider([assistant_message("Trashed it.")])
    resumed = parts_of(worker.post(CHAT, answer(worker, "c1", approved=True), format="json"))
    assert resumed[0] == {"type": "start", "messageId": paused["id"]}
    output = next(p for p in resumed if p["type"] == "tool-output-available")
    assert output["toolCallId"] == "call-1"
    assert "".join(p["delta"] for p in resumed if p["type"] == "text-delta") == "Trashed it."
    assert resumed[-1] == {"type": "finish", "finishReason": "stop"}
    idea.refresh_from_db()
    assert idea.trashed_at is not None
    row = AIActivity.objects.get(tool="delete_idea")
    assert (row.surface, row.client_name, row.outcome) == ("chat", "chat", "ok")
    sent = json.dumps(model.first_call.input if model.first_call else None, default=str)
    assert f"Trash {TITLE}" in sent and "call-1" in sent  # the run's history, from the stored state

    messages = stored(worker, "c1")
    assert [m["role"] for m in messages] == ["user", "assistant"]
    tool = next(p for p in messages[1]["parts"] if p["type"] == "tool-delete_idea")
    assert tool["state"] == "output-available"
    assert tool["approval"] == {"id": request["approvalId"], "approved": True}
    assert messages[1]["parts"][-1]["text"] == "Trashed it."
    assert worker.get("/api/v1/conversations/c1").json()["data"]["awaiting_approval"] is False


@pytest.mark.django_db
def test_a_denied_call_is_not_run_and_the_model_is_told(
    owner, owner_client, make_idea, provider, sealing_keys
):
    idea = make_idea(title=TITLE)
    pause_on_delete(owner_client, provider, idea)
    model = provider([assistant_message("Kept it.")])
    body_ = answer(owner_client, "c1", approved=False, reason="I still need it")
    resumed = parts_of(owner_client.post(CHAT, body_, format="json"))
    assert {"type": "tool-output-denied", "toolCallId": "call-1"} in resumed
    assert not any(p["type"] == "tool-output-available" for p in resumed)
    idea.refresh_from_db()
    assert idea.trashed_at is None
    assert not AIActivity.objects.filter(tool="delete_idea").exists()
    sent = json.dumps(model.first_call.input if model.first_call else None, default=str)
    assert "declined" in sent and "I still need it" in sent
    tool = next(p for p in stored(owner_client, "c1")[1]["parts"] if p["type"] == "tool-delete_idea")
    assert tool["state"] == "output-denied"
    assert tool["approval"]["approved"] is False


@pytest.mark.django_db
def test_forged_replayed_foreign_and_malformed_answers_are_refused(
    owner, outsider, owner_client, outsider_client, make_idea, provider, sealing_keys
):
    idea = make_idea(title=TITLE)
    pause_on_delete(owner_client, provider, idea)
    provider([assistant_message("should not run")])
    pending = Conversation.objects.get(user=owner).pending_sealed
    good = answer(owner_client, "c1", approved=True)

    forged = copy.deepcopy(good)
    forged["messages"][-1]["parts"][-1]["approval"]["id"] = "approval-forged"
    other_call = copy.deepcopy(good)
    other_call["messages"][-1]["parts"][-1]["toolCallId"] = "call-2"
    for refused in (forged, other_call):
        response = owner_client.post(CHAT, refused, format="json")
        assert response.status_code == 409, refused
        assert response.json()["error"]["code"] == "CONFLICT"
    # Another creator: no conversation of theirs by that id (404), nor a pending approval in theirs (409).
    assert outsider_client.post(CHAT, good, format="json").status_code == 404
    provider([assistant_message("Hi.")])
    parts_of(outsider_client.post(CHAT, body("c1", "hello"), format="json"))
    assert outsider_client.post(CHAT, good, format="json").status_code == 409
    # Another conversation of the same creator.
    parts_of(owner_client.post(CHAT, body("c2", "hello"), format="json"))
    assert owner_client.post(CHAT, {**good, "id": "c2"}, format="json").status_code == 409

    malformed = []
    for change in (
        lambda a: a.update(approved="yes"),
        lambda a: a.pop("id"),
        lambda a: a.update(id="x" * 500),
        lambda a: a.update(reason=42),
    ):
        bad = copy.deepcopy(good)
        change(bad["messages"][-1]["parts"][-1]["approval"])
        malformed.append(bad)
    no_answer = copy.deepcopy(good)
    no_answer["messages"][-1]["parts"][-1]["state"] = "approval-requested"
    malformed.append(no_answer)
    twice = copy.deepcopy(good)
    twice["messages"][-1]["parts"].append(copy.deepcopy(twice["messages"][-1]["parts"][-1]))
    malformed.append(twice)
    for bad in malformed:
        response = owner_client.post(CHAT, bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"

    idea.refresh_from_db()
    assert idea.trashed_at is None
    assert Conversation.objects.get(user=owner, chat_id="c1").pending_sealed == pending  # nothing changed

    provider([assistant_message("Trashed it.")])
    parts_of(owner_client.post(CHAT, good, format="json"))
    idea.refresh_from_db()
    assert idea.trashed_at is not None
    replayed = owner_client.post(CHAT, good, format="json")
    assert replayed.status_code == 409
    assert AIActivity.objects.filter(tool="delete_idea").count() == 1


@pytest.mark.django_db
def test_the_paused_run_lives_only_in_the_database(owner, owner_client, make_idea, provider, sealing_keys):
    idea = make_idea(title=TITLE)
    pause_on_delete(owner_client, provider, idea)
    good = answer(owner_client, "c1", approved=True)
    Conversation.objects.filter(user=owner).update(pending_sealed="")  # what a worker would read
    provider([assistant_message("should not run")])
    assert owner_client.post(CHAT, good, format="json").status_code == 409
    idea.refresh_from_db()
    assert idea.trashed_at is None


@pytest.mark.django_db
def test_a_new_message_while_pending_denies_it(owner, owner_client, make_idea, provider, sealing_keys):
    idea = make_idea(title=TITLE)
    pause_on_delete(owner_client, provider, idea)
    good = answer(owner_client, "c1", approved=True)
    provider([assistant_message("Sure, what else?")])
    parts_of(owner_client.post(CHAT, body("c1", "never mind, something else"), format="json"))
    messages = stored(owner_client, "c1")
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    tool = next(p for p in messages[1]["parts"] if p["type"] == "tool-delete_idea")
    assert tool["state"] == "output-denied"
    assert tool["approval"]["approved"] is False
    assert owner_client.get("/api/v1/conversations/c1").json()["data"]["awaiting_approval"] is False
    assert owner_client.post(CHAT, good, format="json").status_code == 409  # the old answer is stale
    idea.refresh_from_db()
    assert idea.trashed_at is None


def _table_dump() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Conversation._meta.db_table}")
        return repr(cursor.fetchall())


@pytest.mark.django_db
def test_the_paused_run_is_sealed_rotated_exported_and_erased(
    owner, owner_client, make_idea, provider, settings, sealing_keys
):
    idea = make_idea(title=TITLE)
    pause_on_delete(owner_client, provider, idea)
    conversation = Conversation.objects.get(user=owner)
    assert conversation.pending_sealed
    dump = _table_dump()
    for plain in (TITLE, str(idea.pk), "delete_idea", "call-1"):
        assert plain not in dump, plain
    # Bound to its row: copied onto another conversation it does not open.
    provider([assistant_message("Hi.")])
    parts_of(owner_client.post(CHAT, body("c2", "hello"), format="json"))
    Conversation.objects.filter(chat_id="c2").update(
        pending_sealed=conversation.pending_sealed, key_id=conversation.key_id
    )
    moved = {**answer(owner_client, "c1", approved=True), "id": "c2"}
    assert owner_client.post(CHAT, moved, format="json").status_code == 500

    Conversation.objects.filter(chat_id="c2").delete()
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    call_command("rotate_encryption_key", stdout=StringIO())
    conversation.refresh_from_db()
    assert conversation.key_id == KEY_NEW.split(":")[0]
    settings.ENCRYPTION_KEYS = [KEY_NEW]

    [exported] = owner_client.get("/api/v1/users/me/export").json()["data"]["conversations"]
    [approval] = exported["pending_approvals"]
    assert (approval["tool"], approval["tool_call_id"]) == ("delete_idea", "call-1")
    assert approval["kind"] == "destructive"
    tool = next(p for p in exported["messages"][1]["parts"] if p["type"] == "tool-delete_idea")
    assert tool["approval"]["id"] == approval["approval_id"]

    provider([assistant_message("Trashed it.")])
    parts_of(owner_client.post(CHAT, answer(owner_client, "c1", approved=True), format="json"))
    idea.refresh_from_db()
    assert idea.trashed_at is not None  # resumed under the new key alone

    pause_on_delete(owner_client, provider, make_idea(title="Another"), chat_id="c3")
    assert Conversation.objects.exclude(pending_sealed="").count() == 1
    assert owner_client.delete("/api/v1/users/me").status_code == 204  # erasure
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_ask_pauses_for_notes_and_gives_them_only_when_allowed(
    owner, owner_client, make_idea, provider, sealing_keys
):
    idea = make_idea(title=TITLE, notes=NOTES)
    provider([assistant_message("Hello.")])
    parts_of(owner_client.post(CHAT, body("c1", "hi"), format="json"))
    owner_client.patch("/api/v1/conversations/c1", {"notes_access": "ask"}, format="json")
    read = function_call("get_idea", {"idea_id": str(idea.pk), "include_notes": True}, call_id="call-n")

    # Without include_notes: no pause, notes withheld, and the model is told how to ask.
    model = provider(
        [function_call("get_idea", {"idea_id": str(idea.pk)}, call_id="call-0")],
        [assistant_message("Its notes are private.")],
    )
    parts = parts_of(owner_client.post(CHAT, body("c1", "what is that idea?"), format="json"))
    assert not any(p["type"] == "tool-approval-request" for p in parts)
    sent = json.dumps(model.last_call.input if model.last_call else None, default=str)
    assert NOTES not in sent and "include_notes: true" in sent

    # Asking for the notes pauses; approved, this call gets them.
    provider([read])
    parts = parts_of(owner_client.post(CHAT, body("c1", "read its notes"), format="json"))
    assert any(p["type"] == "tool-approval-request" for p in parts)
    assert NOTES not in json.dumps(parts)
    model = provider([assistant_message("They say seventy-two.")])
    parts = parts_of(owner_client.post(CHAT, answer(owner_client, "c1", approved=True), format="json"))
    sent = json.dumps(model.first_call.input if model.first_call else None, default=str)
    assert NOTES in sent
    row = AIActivity.objects.filter(tool="get_idea").latest("at")
    assert "notes" in row.fields_returned

    # Denied: the call is not run and the notes are withheld.
    provider([read])
    parts_of(owner_client.post(CHAT, body("c1", "read its notes again"), format="json"))
    model = provider([assistant_message("Understood.")])
    parts = parts_of(owner_client.post(CHAT, answer(owner_client, "c1", approved=False), format="json"))
    assert {"type": "tool-output-denied", "toolCallId": "call-n"} in parts
    sent = json.dumps(model.first_call.input if model.first_call else None, default=str)
    assert NOTES not in sent and "declined to share" in sent

    # An idea without notes has nothing to ask about: no pause.
    bare = make_idea(title="No notes here")
    provider(
        [function_call("get_idea", {"idea_id": str(bare.pk), "include_notes": True}, call_id="call-b")],
        [assistant_message("Nothing private.")],
    )
    parts = parts_of(owner_client.post(CHAT, body("c1", "and this one"), format="json"))
    assert not any(p["type"] == "tool-approval-request" for p in parts)


@pytest.mark.django_db
def test_none_never_pauses_nor_gives_notes(owner, owner_client, make_idea, provider, sealing_keys):
    idea = make_idea(title=TITLE, notes=NOTES)
    model = provider(
        [function_call("expand_idea", {"idea_id": str(idea.pk), "include_notes": True}, call_id="call-1")],
        [assistant_message("Angles without notes.")],
    )
    parts = parts_of(owner_client.post(CHAT, body("c1", "expand it with its notes"), format="json"))
    assert not any(p["type"] == "tool-approval-request" for p in parts)
    sent = json.dumps(model.last_call.input if model.last_call else None, default=str)
    assert NOTES not in sent
    assert Conversation.objects.get(user=owner).notes_access == "none"
