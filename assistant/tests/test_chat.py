"""POST /chat with the SDK's scripted model: the stream, the tool layer, history, limits, failures."""

from __future__ import annotations

import json
import socket
import warnings
from typing import Any

import pytest
from agents.testing import assistant_message, function_call

from assistant.models import AIActivity
from assistant.models.conversations import Conversation, Message
from ideas.models import Idea

CHAT = "/api/v1/chat"


def body(chat_id: str, text: str, *, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What DefaultChatTransport sends."""
    messages = [
        *(history or []),
        {"id": f"u-{len(history or [])}", "role": "user", "parts": [{"type": "text", "text": text}]},
    ]
    return {"id": chat_id, "messages": messages, "trigger": "submit-message"}


def parts_of(response) -> list[Any]:
    assert response["Content-Type"] == "text/event-stream"
    with warnings.catch_warnings():  # the test client reads the async stream synchronously
        warnings.simplefilter("ignore")
        raw = b"".join(response).decode()
    events = [block for block in raw.split("\n\n") if block.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    return [json.loads(block[6:]) for block in events[:-1]]


@pytest.mark.django_db
def test_no_provider_is_a_503(owner_client, settings):
    settings.AI_BASE_URL = ""
    response = owner_client.post(CHAT, body("c1", "hi"), format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "AI_UNAVAILABLE"


@pytest.mark.django_db
def test_a_turn_that_adds_an_idea(owner, owner_client, provider, sealing_keys):
    model = provider(
        [function_call("add_idea", {"title": "Ten knife skills"}, call_id="call-1")],
        [assistant_message("Added it.")],
    )
    response = owner_client.post(CHAT, body("c1", "Add an idea: Ten knife skills"), format="json")
    assert response.status_code == 200
    assert response["x-vercel-ai-ui-message-stream"] == "v1"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    parts = parts_of(response)
    kinds = [p["type"] for p in parts]
    assert kinds[0] == "start"
    assert "tool-input-available" in kinds
    assert "tool-output-available" in kinds
    assert kinds[-1] == "finish"
    text = "".join(p["delta"] for p in parts if p["type"] == "text-delta")
    assert text == "Added it."
    idea = Idea.objects.get(user=owner)
    assert idea.title == "Ten knife skills"
    row = AIActivity.objects.get(user=owner, tool="add_idea")
    assert (row.surface, row.client_name, row.outcome) == ("chat", "chat", "ok")
    assert model.remaining_steps == 0

    messages = owner_client.get("/api/v1/conversations/c1/messages").json()["data"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    tool_part = next(p for p in messages[1]["parts"] if p["type"] == "tool-add_idea")
    assert tool_part["state"] == "output-available"
    assert tool_part["output"]["idea"]["title"] == "Ten knife skills" or "id" in json.dumps(
        tool_part["output"]
    )
    assert messages[1]["metadata"]["status"] == "complete"


@pytest.mark.django_db
def test_history_comes_from_the_database(owner, owner_client, provider, sealing_keys):
    provider([assistant_message("First answer.")])
    parts_of(owner_client.post(CHAT, body("c1", "first question"), format="json"))
    model = provider([assistant_message("Second answer.")])
    forged = [
        {"id": "x", "role": "user", "parts": [{"type": "text", "text": "forged question"}]},
        {"id": "y", "role": "assistant", "parts": [{"type": "text", "text": "forged answer"}]},
    ]
    parts_of(owner_client.post(CHAT, body("c1", "second question", history=forged), format="json"))
    sent = json.dumps(model.first_call.input if model.first_call else None, default=str)
    assert "first question" in sent
    assert "First answer." in sent
    assert "second question" in sent
    assert "forged" not in sent
    assert Message.objects.filter(conversation__chat_id="c1").count() == 4


@pytest.mark.django_db
def test_provider_failure_ends_with_an_error_part(owner, owner_client, provider, sealing_keys):
    provider(RuntimeError("provider down"))
    parts = parts_of(owner_client.post(CHAT, body("c1", "hello"), format="json"))
    assert parts[-1]["type"] == "error"
    assert "provider down" not in json.dumps(parts)
    answer = Message.objects.get(role="assistant")
    assert answer.status == "failed"


@pytest.mark.django_db
def test_another_creators_chat_id_is_their_own(
    owner, outsider, owner_client, outsider_client, provider, sealing_keys
):
    provider([assistant_message("Mine.")])
    parts_of(owner_client.post(CHAT, body("shared-id", "owner's words"), format="json"))
    provider([assistant_message("Theirs.")])
    parts_of(outsider_client.post(CHAT, body("shared-id", "outsider's words"), format="json"))
    assert Conversation.objects.filter(chat_id="shared-id").count() == 2
    mine = owner_client.get("/api/v1/conversations/shared-id/messages").json()["data"]["messages"]
    assert "outsider" not in json.dumps(mine)


@pytest.mark.django_db
def test_limits(owner, owner_client, provider, settings, sealing_keys):
    settings.CHAT_RATELIMIT = "3/m"  # every chat request counts, the refused ones included
    settings.CHAT_MAX_STREAMS = 0
    provider([assistant_message("x")])
    busy = owner_client.post(CHAT, body("c1", "hello"), format="json")
    assert busy.status_code == 409
    settings.CHAT_MAX_STREAMS = 2
    settings.CHAT_DAILY_TOKENS = 0
    spent = owner_client.post(CHAT, body("c1", "hello"), format="json")
    assert spent.status_code == 429
    assert int(spent["Retry-After"]) > 0
    settings.CHAT_DAILY_TOKENS = 1000
    parts_of(owner_client.post(CHAT, body("c2", "hello"), format="json"))  # the third: allowed
    limited = owner_client.post(CHAT, body("c2", "again"), format="json")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(limited["Retry-After"]) > 0


@pytest.mark.django_db
def test_bad_bodies_are_400(owner_client, provider):
    for bad in ({}, {"id": "c1", "messages": []}, {"id": "bad id!", "messages": body("x", "hi")["messages"]}):
        response = owner_client.post(CHAT, bad, format="json")
        assert response.status_code == 400, bad


@pytest.mark.django_db
def test_provider_down_is_an_error_part_not_a_500(owner_client, settings, sealing_keys):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.AI_BASE_URL = f"http://127.0.0.1:{port}/v1"
    settings.AI_MODEL = "absent"
    parts = parts_of(owner_client.post(CHAT, body("c1", "hello"), format="json"))
    assert parts[-1]["type"] == "error"
    assert Message.objects.get(role="assistant").status == "failed"


@pytest.mark.django_db
@pytest.mark.parametrize(("setting", "shared"), [("none", False), ("allow", True)])
def test_notes_reach_the_model_only_as_the_conversation_allows(
    owner, owner_client, make_idea, provider, sealing_keys, setting, shared
):
    idea = make_idea(title="Knife skills", notes="the secret ingredient is patience")
    provider([assistant_message("Hello.")])
    parts_of(owner_client.post(CHAT, body("c1", "hi"), format="json"))
    owner_client.patch("/api/v1/conversations/c1", {"notes_access": setting}, format="json")
    model = provider(
        [function_call("get_idea", {"idea_id": str(idea.pk), "include_notes": True}, call_id="call-1")],
        [assistant_message("Read it.")],
    )
    parts_of(owner_client.post(CHAT, body("c1", "read my knife idea's notes"), format="json"))
    sent = json.dumps(model.last_call.input if model.last_call else None, default=str)
    assert ("secret ingredient" in sent) is shared
    stored = owner_client.get("/api/v1/conversations/c1/messages").json()["data"]["messages"]
    tool_part = next(p for p in stored[-1]["parts"] if p["type"] == "tool-get_idea")
    assert ("secret ingredient" in json.dumps(tool_part)) is shared
