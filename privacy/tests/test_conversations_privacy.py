"""Export, import and erasure carry the chat's conversations and messages."""

from __future__ import annotations

import json

import pytest

from assistant.models.conversations import Conversation, Message
from assistant.tests.test_conversations import CONVERSATIONS, SECRET, chat
from privacy.services import user_data_import, user_erase


@pytest.mark.django_db
def test_export_import_and_erasure_include_conversations(owner, owner_client, sealing_keys):
    chat(owner, "c1", SECRET, "reply")
    document = owner_client.get("/api/v1/users/me/export").json()["data"]
    [exported] = document["conversations"]
    assert exported["id"] == "c1"
    assert exported["title"] == SECRET
    assert [m["parts"][0]["text"] for m in exported["messages"]] == [SECRET, "reply"]

    original = owner_client.get(f"{CONVERSATIONS}/c1/messages").json()["data"]["messages"]
    user_data_import(document=json.loads(json.dumps(document)))
    assert owner_client.get(f"{CONVERSATIONS}/c1/messages").json()["data"]["messages"] == original

    summary = user_erase(user=owner)
    assert summary.conversations == 1
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
