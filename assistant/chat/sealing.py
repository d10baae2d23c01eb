"""How a conversation's private values are sealed: bound to the owner, the conversation, the field.

A conversation's title and paused run are bound to (owner, conversation, field); a message's parts
to (owner, conversation, message). A value that does not open (tampered with, moved, or under a key
no longer configured) is logged with the row's id and key id, never its text, and surfaces as
`ConversationUnavailable` (a 500 carrying only the request id), never as empty content.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from assistant.models.conversations import (
    CONVERSATION_AAD_PURPOSE,
    MESSAGE_AAD_PURPOSE,
    Conversation,
    Message,
)
from creatorvault import sealing
from creatorvault.errors import ApplicationError, with_request_id

logger = logging.getLogger("assistant.chat.sealing")


class ConversationUnavailable(ApplicationError):
    """A sealed value of a conversation cannot be opened; details are in the server log only."""

    code = "INTERNAL_ERROR"
    status = 500
    default_message = "This conversation cannot be opened."

    def __init__(self) -> None:
        super().__init__(with_request_id(self.default_message))


def _conversation_aad(conversation: Conversation, field: str) -> bytes:
    return sealing.associated_data(
        CONVERSATION_AAD_PURPOSE, conversation.user_id, uuid.UUID(str(conversation.pk)), field
    )


def _message_aad(message: Message) -> bytes:
    return sealing.associated_data(
        MESSAGE_AAD_PURPOSE,
        message.user_id,
        uuid.UUID(str(message.conversation_id)),
        uuid.UUID(str(message.pk)),
    )


def _open(value: str, aad: bytes, row: str, key_id: str) -> str:
    if not value:
        return ""
    try:
        return sealing.unseal(value, aad=aad)
    except sealing.SealError as exc:
        logger.error(
            "sealed conversation value failed to open",
            extra={"row": row, "key_id": key_id or None, "reason": type(exc).__name__},
        )
        raise ConversationUnavailable() from None


def conversation_seal(conversation: Conversation, *, title: str, pending: dict[str, Any] | None) -> None:
    """Seal `title` and the paused run into `conversation` under the current key (not saved)."""
    key_id = sealing.key_ring().current_id
    conversation.title_sealed = (
        sealing.seal(title, aad=_conversation_aad(conversation, "title"), key_id=key_id) if title else ""
    )
    conversation.pending_sealed = (
        sealing.seal(
            json.dumps(pending, separators=(",", ":")),
            aad=_conversation_aad(conversation, "pending"),
            key_id=key_id,
        )
        if pending
        else ""
    )
    conversation.key_id = key_id


def conversation_title(conversation: Conversation) -> str:
    """The conversation's title in plain text."""
    return _open(
        conversation.title_sealed,
        _conversation_aad(conversation, "title"),
        f"conversation:{conversation.pk}",
        conversation.key_id,
    )


def conversation_pending(conversation: Conversation) -> dict[str, Any] | None:
    """The paused run of the conversation, if a turn waits for the creator."""
    text = _open(
        conversation.pending_sealed,
        _conversation_aad(conversation, "pending"),
        f"conversation:{conversation.pk}",
        conversation.key_id,
    )
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def message_seal(message: Message, parts: list[dict[str, Any]]) -> None:
    """Seal the message's UI parts into it under the current key (not saved)."""
    key_id = sealing.key_ring().current_id
    message.parts_sealed = sealing.seal(
        json.dumps(parts, separators=(",", ":")), aad=_message_aad(message), key_id=key_id
    )
    message.key_id = key_id


def message_parts(message: Message) -> list[dict[str, Any]]:
    """The message's UI parts (text, tool calls and results) in plain form."""
    text = _open(message.parts_sealed, _message_aad(message), f"message:{message.pk}", message.key_id)
    value = json.loads(text) if text else []
    return value if isinstance(value, list) else []
