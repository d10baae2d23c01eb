"""Chat conversations and their messages, sealed at rest.

A conversation belongs to one creator and is known to clients by the id `useChat` gave it
(`chat_id`, unique per creator; the primary key is internal). Its title and a paused run (a turn
waiting for the creator's approval or consent) are sealed; each message's UI parts (text, tool
calls and their results: everything `useChat` shows) are sealed as one JSON value. Values are
bound to their owner and their conversation (and a message to itself), so a value copied onto
another row does not open. `key_id` is the key every sealed column of the row is under (rotation
re-seals the whole row). Only `assistant.chat.services` writes these columns.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

#: The purposes in the associated data of every sealed value. Part of every stored value: never change.
CONVERSATION_AAD_PURPOSE = b"creatorvault/chat-conversation/v1"
MESSAGE_AAD_PURPOSE = b"creatorvault/chat-message/v1"
CHAT_ID_MAX_CHARS = 64
TITLE_MAX_CHARS = 200
MODEL_NAME_MAX_CHARS = 100


class NotesAccess(models.TextChoices):
    """Whether ideas' notes may reach the model in this conversation."""

    NONE = "none", "Never"
    ASK = "ask", "Ask me each time"
    ALLOW = "allow", "Always"


class Role(models.TextChoices):
    """Who said it."""

    USER = "user", "Creator"
    ASSISTANT = "assistant", "Assistant"


class MessageStatus(models.TextChoices):
    """How a message ended."""

    COMPLETE = "complete", "Complete"
    INTERRUPTED = "interrupted", "Interrupted (the client went away)"
    FAILED = "failed", "Failed (the model or provider failed)"


class Conversation(models.Model):
    """One chat of one creator."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    chat_id = models.CharField(max_length=CHAT_ID_MAX_CHARS)
    title_sealed = models.TextField(blank=True, default="")
    # A turn paused for the creator's answer (approval of a destructive tool, consent to notes).
    pending_sealed = models.TextField(blank=True, default="")
    key_id = models.CharField(max_length=32, blank=True, default="")
    notes_access = models.CharField(max_length=8, choices=NotesAccess.choices, default=NotesAccess.NONE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "chat_id"], name="conversation_user_chat_id_uniq"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # The creator's list, newest first, cursor-paginated by (created_at, id).
            models.Index(fields=["user", "created_at", "id"], name="conversation_user_created_idx"),
            models.Index(fields=["key_id"], name="conversation_key_id_idx"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.chat_id}"


class Message(models.Model):
    """One message of a conversation, in the order it was said."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    seq = models.PositiveIntegerField()
    # The UIMessage id the client knows it by.
    ui_id = models.CharField(max_length=CHAT_ID_MAX_CHARS)
    role = models.CharField(max_length=16, choices=Role.choices)
    parts_sealed = models.TextField()
    key_id = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=MessageStatus.choices, default=MessageStatus.COMPLETE)
    model = models.CharField(max_length=MODEL_NAME_MAX_CHARS, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_conversation_seq_uniq"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["key_id"], name="message_key_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.role} message {self.seq}"
