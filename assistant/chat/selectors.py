"""Reads of conversations: one of the owner's (404 otherwise), pages of them and of their messages."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F

from accounts.models import User
from assistant.chat.sealing import (
    ConversationUnavailable,
    conversation_pending,
    conversation_title,
    message_parts,
)
from assistant.models.conversations import Conversation, Message
from creatorvault import sealing
from creatorvault.api.cursor import CursorPage, SortKey, cursor_page
from creatorvault.errors import NotFound
from ideas.services.notes import BatchResult

#: The ids `useChat` generates (and any sane client id): letters, digits, `_` and `-`.
CHAT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def conversation_find(*, owner: User, chat_id: str) -> Conversation | None:
    """The owner's conversation with that id, or None (another creator's is never found)."""
    if not isinstance(chat_id, str) or not CHAT_ID.match(chat_id):
        return None
    return Conversation.objects.filter(user=owner, chat_id=chat_id).first()


def conversation_get(*, owner: User, chat_id: str) -> Conversation:
    """The owner's conversation with that id; `NotFound` for a missing one or another creator's."""
    conversation = conversation_find(owner=owner, chat_id=chat_id)
    if conversation is None:
        raise NotFound("No conversation with that id.")
    return conversation


def conversation_page(*, owner: User, limit: int, cursor: str | None) -> CursorPage[Conversation]:
    """A page of the owner's conversations, newest first (stable while new ones start)."""
    return cursor_page(
        Conversation.objects.filter(user=owner),
        keys=[SortKey(F("created_at"), descending=True)],
        limit=limit,
        cursor=cursor,
        listing=f"conversations:{owner.pk}",
    )


def message_page(*, conversation: Conversation, limit: int, cursor: str | None) -> CursorPage[Message]:
    """A page of a conversation's messages, oldest first (the order `useChat` restores them in)."""
    return cursor_page(
        Message.objects.filter(conversation=conversation),
        keys=[SortKey(F("seq"))],
        limit=limit,
        cursor=cursor,
        listing=f"messages:{conversation.pk}",
    )


def message_ui(message: Message) -> dict[str, Any]:
    """A message as a `UIMessage` (`id`, `role`, `parts`), with our facts in `metadata`."""
    return {
        "id": message.ui_id,
        "role": message.role,
        "parts": message_parts(message),
        "metadata": {
            "status": message.status,
            "created_at": message.created_at,
            "model": message.model,
            "tokens_in": message.tokens_in,
            "tokens_out": message.tokens_out,
        },
    }


def conversation_view(conversation: Conversation) -> dict[str, Any]:
    """A conversation as the API shows it."""
    return {
        "id": conversation.chat_id,
        "title": conversation_title(conversation),
        "notes_access": conversation.notes_access,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "last_message_at": conversation.last_message_at,
        "message_count": conversation.message_count,
        "tokens_in": conversation.tokens_in,
        "tokens_out": conversation.tokens_out,
        "awaiting_approval": bool(conversation.pending_sealed),
    }


def conversation_history(*, conversation: Conversation) -> list[Message]:
    """Every message of the conversation, oldest first (the agent trims it to its token budget)."""
    return list(Message.objects.filter(conversation=conversation).order_by("seq"))


def pending_approvals(conversation: Conversation) -> list[dict[str, str]]:
    """The tool calls a paused turn of the conversation waits on the creator for (none if none)."""
    pending = conversation_pending(conversation) or {}
    return [
        {
            "approval_id": str(a.get("id", "")),
            "tool_call_id": str(a.get("call", "")),
            "tool": str(a.get("tool", "")),
            "kind": str(a.get("kind", "")),
        }
        for a in pending.get("approvals", [])
        if isinstance(a, dict)
    ]


def conversations_export(*, user: User) -> list[dict[str, Any]]:
    """Every conversation of `user` with its messages, in plain text, oldest first.

    A paused turn is exported as the calls it waits on (`pending_approvals`; their input is in the
    message's tool parts), not as the agent SDK's run state.
    """
    rows = []
    for conversation in Conversation.objects.filter(user=user).order_by("created_at", "pk"):
        row = conversation_view(conversation)
        row.pop("awaiting_approval")
        row["pending_approvals"] = pending_approvals(conversation)
        row["messages"] = [message_ui(message) for message in conversation_history(conversation=conversation)]
        rows.append(row)
    return rows


def rotation_dry_run(*, batch_size: int) -> BatchResult:
    """Open (without writing) every conversation and message a key rotation would re-seal;
    name those that do not open (`conversation:<pk>`, `message:<pk>`)."""
    current = sealing.key_ring().current_id
    result = BatchResult()
    conversations = Conversation.objects.exclude(key_id="").exclude(key_id=current).order_by("pk")
    for conversation in conversations.iterator(chunk_size=batch_size):
        try:
            conversation_title(conversation)
            conversation_pending(conversation)
        except ConversationUnavailable:
            result.failed_ids.append(f"conversation:{conversation.pk}")
            continue
        result.resealed += 1
    for message in Message.objects.exclude(key_id=current).order_by("pk").iterator(chunk_size=batch_size):
        try:
            message_parts(message)
        except ConversationUnavailable:
            result.failed_ids.append(f"message:{message.pk}")
            continue
        result.resealed += 1
    return result
