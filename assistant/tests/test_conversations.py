"""Conversations over HTTP: owner scoping, both path styles, cursor pages, UIMessage shape, sealing
and key rotation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from assistant.chat.services import conversation_open, message_append
from assistant.models.conversations import Conversation, Message, MessageStatus, Role
from ideas.tests.helpers import KEY_NEW, KEY_OLD

CONVERSATIONS = "/api/v1/conversations"
SECRET = "my secret launch plan for the cooking channel"


def chat(owner, chat_id: str, *texts: str) -> Conversation:
    """A conversation of `owner` with alternating user/assistant text messages."""
    conversation = conversation_open(owner=owner, chat_id=chat_id)
    for index, text in enumerate(texts):
        role = Role.USER if index % 2 == 0 else Role.ASSISTANT
        message_append(
            conversation,
            role=role,
            parts=[{"type": "text", "text": text}],
            ui_id=f"{chat_id}-m{index}",
            model="" if role == Role.USER else "stub-model",
        )
    return conversation


@pytest.mark.django_db
def test_list_detail_messages_in_both_path_styles(owner, owner_client, sealing_keys):
    chat(owner, "chat-a", SECRET, "Noted.")
    chat(owner, "chat-b", "second chat")
    listed = owner_client.get(CONVERSATIONS).json()["data"]
    assert [c["id"] for c in listed["conversations"]] == ["chat-b", "chat-a"]
    assert listed["conversations"][1]["title"] == SECRET
    assert listed["conversations"][1]["notes_access"] == "none"
    assert owner_client.get(f"/api/v1/{owner.pk}/conversations/").json()["data"] == listed

    detail = owner_client.get(f"{CONVERSATIONS}/chat-a").json()["data"]
    assert detail["message_count"] == 2
    assert detail["awaiting_approval"] is False
    messages = owner_client.get(f"{CONVERSATIONS}/chat-a/messages").json()["data"]["messages"]
    assert [(m["id"], m["role"], m["parts"]) for m in messages] == [
        ("chat-a-m0", "user", [{"type": "text", "text": SECRET}]),
        ("chat-a-m1", "assistant", [{"type": "text", "text": "Noted."}]),
    ]
    assert messages[1]["metadata"]["status"] == MessageStatus.COMPLETE
    assert messages[1]["metadata"]["model"] == "stub-model"
    same = owner_client.get(f"/api/v1/{owner.pk}/conversations/chat-a/messages/").json()["data"]
    assert same["messages"] == messages


@pytest.mark.django_db
def test_cursor_pages_are_stable_under_inserts(owner, owner_client, sealing_keys):
    for index in range(5):
        chat(owner, f"c{index}", f"chat {index}")
    first = owner_client.get(CONVERSATIONS, {"limit": 2}).json()["data"]
    assert [c["id"] for c in first["conversations"]] == ["c4", "c3"]
    chat(owner, "c-new", "started meanwhile")
    second = owner_client.get(CONVERSATIONS, {"limit": 2, "cursor": first["pagination"]["next_cursor"]})
    assert [c["id"] for c in second.json()["data"]["conversations"]] == ["c2", "c1"]
    bad = owner_client.get(CONVERSATIONS, {"cursor": "forged"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["field"] == "cursor"

    chat(owner, "long", *[f"message {i}" for i in range(5)])
    page = owner_client.get(f"{CONVERSATIONS}/long/messages", {"limit": 3}).json()["data"]
    rest = owner_client.get(
        f"{CONVERSATIONS}/long/messages", {"limit": 3, "cursor": page["pagination"]["next_cursor"]}
    ).json()["data"]
    texts = [m["parts"][0]["text"] for m in page["messages"] + rest["messages"]]
    assert texts == [f"message {i}" for i in range(5)]
    assert rest["pagination"]["has_more"] is False


@pytest.mark.django_db
def test_another_creators_conversation_is_a_404(owner, outsider, outsider_client, sealing_keys):
    chat(owner, "mine", SECRET)
    for response in (
        outsider_client.get(f"{CONVERSATIONS}/mine"),
        outsider_client.get(f"{CONVERSATIONS}/mine/messages"),
        outsider_client.patch(f"{CONVERSATIONS}/mine", {"title": "x"}, format="json"),
        outsider_client.delete(f"{CONVERSATIONS}/mine"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert outsider_client.get(CONVERSATIONS).json()["data"]["conversations"] == []
    assert outsider_client.get(f"/api/v1/{owner.pk}/conversations").status_code == 403
    assert Conversation.objects.filter(chat_id="mine").count() == 1


@pytest.mark.django_db
def test_patch_and_delete(owner, owner_client, sealing_keys):
    chat(owner, "c1", "hello", "hi")
    changed = owner_client.patch(
        f"{CONVERSATIONS}/c1", {"title": "Renamed", "notes_access": "ask"}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["data"]["title"], changed.json()["data"]["notes_access"]) == ("Renamed", "ask")
    bad = owner_client.patch(f"{CONVERSATIONS}/c1", {"notes_access": "sometimes"}, format="json")
    assert bad.status_code == 400
    unknown = owner_client.patch(f"{CONVERSATIONS}/c1", {"message_count": 0}, format="json")
    assert unknown.status_code == 400
    assert owner_client.delete(f"{CONVERSATIONS}/c1/").status_code == 204
    assert owner_client.get(f"{CONVERSATIONS}/c1").status_code == 404
    assert not Message.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_token_needs_the_assistant_scope(owner, token_client, sealing_keys):
    chat(owner, "c1", "hello")
    assert token_client(owner, "ideas:read").get(CONVERSATIONS).status_code == 403
    assert token_client(owner, "assistant").get(CONVERSATIONS).status_code == 200


def _dump() -> str:
    with connection.cursor() as cursor:
        rows = []
        for table in (Conversation._meta.db_table, Message._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")
            rows.extend(cursor.fetchall())
    return repr(rows)


@pytest.mark.django_db
def test_sealed_at_rest_and_bound_to_the_row(owner, owner_client, sealing_keys):
    chat(owner, "c1", SECRET, "a reply about the launch plan")
    chat(owner, "c2", "other")
    dump = _dump()
    assert "secret launch plan" not in dump
    assert "reply about the launch" not in dump
    one, two = Message.objects.filter(user=owner).order_by("created_at")[:2]
    Message.objects.filter(pk=two.pk).update(parts_sealed=one.parts_sealed)  # moved ciphertext
    response = owner_client.get(f"{CONVERSATIONS}/c1/messages")
    assert response.status_code == 500
    assert "launch" not in response.content.decode()


@pytest.mark.django_db
def test_rotation_reseals_conversations_and_messages(owner, owner_client, settings, sealing_keys):
    chat(owner, "c1", SECRET, "reply")
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    out = StringIO()
    call_command("rotate_encryption_key", "--batch-size", "2", stdout=out)
    assert "3 sealed value(s)" in out.getvalue()
    new_id = KEY_NEW.split(":")[0]
    assert set(Message.objects.values_list("key_id", flat=True)) == {new_id}
    assert set(Conversation.objects.values_list("key_id", flat=True)) == {new_id}
    settings.ENCRYPTION_KEYS = [KEY_NEW]
    messages = owner_client.get(f"{CONVERSATIONS}/c1/messages").json()["data"]["messages"]
    assert messages[0]["parts"] == [{"type": "text", "text": SECRET}]
    assert owner_client.get(f"{CONVERSATIONS}/c1").json()["data"]["title"] == SECRET


@pytest.mark.django_db
def test_rotation_dry_run_opens_the_chats_values_and_writes_nothing(owner, settings, sealing_keys):
    chat(owner, "c1", SECRET, "reply")
    # A ciphertext moved onto another row: the dry run names it instead of counting it.
    first, second = Message.objects.filter(user=owner).order_by("seq")
    Message.objects.filter(pk=second.pk).update(parts_sealed=first.parts_sealed)
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    before = _dump()
    out, err = StringIO(), StringIO()
    call_command("rotate_encryption_key", "--dry-run", stdout=out, stderr=err)
    assert "3 sealed value(s)" in out.getvalue()
    assert "Dry run: 2 value(s) would be re-sealed" in out.getvalue()
    assert "1 do not open. Nothing was written." in out.getvalue()
    assert f"message:{second.pk}: does not open" in err.getvalue()
    assert _dump() == before
