"""Writes of conversations and messages: the one writer of their sealed columns.

Appending a message locks its conversation's row, so two turns never take the same place in it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from assistant.chat.sealing import (
    ConversationUnavailable,
    conversation_pending,
    conversation_seal,
    conversation_title,
    message_parts,
    message_seal,
)
from assistant.chat.selectors import CHAT_ID, conversation_find
from assistant.models.conversations import (
    CHAT_ID_MAX_CHARS,
    TITLE_MAX_CHARS,
    Conversation,
    Message,
    MessageStatus,
    NotesAccess,
    Role,
)
from creatorvault import sealing
from creatorvault.errors import ValidationFailed, field_error
from ideas.services.notes import BatchResult


def title_from(text: str) -> str:
    """A conversation's first title: the start of its first message, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79].rstrip() + "…"


def conversation_open(*, owner: User, chat_id: str) -> Conversation:
    """The owner's conversation `chat_id`, created (empty) on first use."""
    if not isinstance(chat_id, str) or not CHAT_ID.match(chat_id):
        raise ValidationFailed(
            "The chat id is not valid.",
            details=[field_error("id", f"Use 1-{CHAT_ID_MAX_CHARS} letters, digits, _ or -.", "invalid")],
        )
    existing = conversation_find(owner=owner, chat_id=chat_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Conversation.objects.create(user=owner, chat_id=chat_id)
    except IntegrityError:  # started by a parallel request
        found = conversation_find(owner=owner, chat_id=chat_id)
        if found is None:
            raise
        return found


@transaction.atomic
def conversation_update(
    conversation: Conversation, *, title: str | None = None, notes_access: str | None = None
) -> Conversation:
    """Rename the conversation and/or change its notes-access setting."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if notes_access is not None:
        if notes_access not in NotesAccess.values:
            raise ValidationFailed.of(
                [field_error("notes_access", "Use none, ask or allow.", "invalid_choice")]
            )
        locked.notes_access = notes_access
    if title is not None:
        conversation_seal(locked, title=title[:TITLE_MAX_CHARS], pending=conversation_pending(locked))
    locked.updated_at = timezone.now()
    locked.save()
    return locked


def conversation_delete(conversation: Conversation) -> None:
    """Delete the conversation and its messages."""
    conversation.delete()


def conversation_set_pending(conversation: Conversation, pending: dict[str, Any] | None) -> None:
    """Store (sealed) or clear the turn paused for the creator's answer."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation_seal(locked, title=conversation_title(locked), pending=pending)
        locked.save(update_fields=["title_sealed", "pending_sealed", "key_id"])
    conversation.pending_sealed, conversation.key_id = locked.pending_sealed, locked.key_id
    conversation.title_sealed = locked.title_sealed


@transaction.atomic
def message_append(
    conversation: Conversation,
    *,
    role: str,
    parts: list[dict[str, Any]],
    ui_id: str | None = None,
    status: str = MessageStatus.COMPLETE,
    model: str = "",
    tokens_in: int = 0,
    tokens_out: int = 0,
) -> Message:
    """Add a message at the end of the conversation (its row locked meanwhile)."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = Message(
        conversation=locked,
        user_id=locked.user_id,
        seq=locked.message_count,
        ui_id=(ui_id or uuid.uuid4().hex)[:CHAT_ID_MAX_CHARS],
        role=role,
        status=status,
        model=model[:100],
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )
    message_seal(message, parts)
    message.save()
    now = timezone.now()
    locked.message_count += 1
    locked.last_message_at = now
    locked.updated_at = now
    locked.tokens_in += tokens_in
    locked.tokens_out += tokens_out
    update = ["message_count", "last_message_at", "updated_at", "tokens_in", "tokens_out"]
    if role == Role.USER and not locked.title_sealed:
        text = " ".join(p.get("text", "") for p in parts if p.get("type") == "text")
        conversation_seal(locked, title=title_from(text), pending=conversation_pending(locked))
        update += ["title_sealed", "pending_sealed", "key_id"]
    locked.save(update_fields=update)
    for name in update:
        setattr(conversation, name, getattr(locked, name))
    return message


@transaction.atomic
def message_continue(
    conversation: Conversation,
    *,
    message_pk: str,
    parts: list[dict[str, Any]],
    status: str,
    tokens_in: int = 0,
    tokens_out: int = 0,
) -> Message:
    """Store the rest of a resumed turn in the assistant message it continues (rows locked)."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = Message.objects.select_for_update().get(conversation=locked, pk=message_pk, role=Role.ASSISTANT)
    message_seal(message, parts)
    message.status = status
    message.tokens_in += tokens_in
    message.tokens_out += tokens_out
    message.save(update_fields=["parts_sealed", "key_id", "status", "tokens_in", "tokens_out"])
    now = timezone.now()
    locked.last_message_at = now
    locked.updated_at = now
    locked.tokens_in += tokens_in
    locked.tokens_out += tokens_out
    update = ["last_message_at", "updated_at", "tokens_in", "tokens_out"]
    locked.save(update_fields=update)
    for name in update:
        setattr(conversation, name, getattr(locked, name))
    return message


def message_reseal(message: Message, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    """Change a stored message's parts (`change(parts)`), sealed again under the current key."""
    message_seal(message, change(message_parts(message)))
    message.save(update_fields=["parts_sealed", "key_id"])


@transaction.atomic
def answer_store(
    conversation: Conversation,
    *,
    continues: str | None,
    parts: list[dict[str, Any]],
    ui_id: str,
    status: str,
    model: str,
    tokens_in: int,
    tokens_out: int,
    pending: dict[str, Any] | None,
) -> Message:
    """Store the assistant's answer (a new message, or the rest of the message `continues`) and,
    if the run paused for the creator, the paused run (sealed), in one transaction."""
    if continues is None:
        message = message_append(
            conversation,
            role=Role.ASSISTANT,
            parts=parts,
            ui_id=ui_id,
            status=status,
            model=model,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
        )
    else:
        message = message_continue(
            conversation,
            message_pk=continues,
            parts=parts,
            status=status,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
        )
    if pending is not None:
        stored = {**pending, "message": str(message.pk), "ui_id": message.ui_id}
        conversation_set_pending(conversation, stored)
    return message


def conversations_erase(*, user: User) -> int:
    """Delete every conversation of `user` (their messages with them); return how many."""
    _, by_model = Conversation.objects.filter(user=user).delete()
    return by_model.get(Conversation._meta.label, 0)


# --- Import (from an export) --------------------------------------------------------------------


def _when(value: Any) -> Any:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationFailed("A conversation's dates must be ISO 8601 date-times.")
    return parsed


def _unpaused(parts: list[Any]) -> list[Any]:
    """An imported message's parts, its calls that waited for approval denied (a paused run is
    never imported: the agent's run state is only ever the server's own)."""
    out = []
    for part in parts:
        if isinstance(part, dict) and part.get("state") == "approval-requested":
            given = part.get("approval")
            approval: dict[str, Any] = given if isinstance(given, dict) else {}
            part = {
                **part,
                "state": "output-denied",
                "approval": {"id": str(approval.get("id", "")), "approved": False, "reason": "Imported."},
            }
        out.append(part)
    return out


@transaction.atomic
def conversations_import(*, user: User, rows: Any) -> int:
    """Replace `user`'s conversations with those of an export (`conversations_export`); return how many."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValidationFailed("`conversations` must be a list of objects.")
    Conversation.objects.filter(user=user).delete()
    for row in rows:
        messages = row.get("messages") or []
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise ValidationFailed("A conversation's `messages` must be a list of objects.")
        conversation = Conversation(
            user=user,
            chat_id=row.get("id"),
            notes_access=row.get("notes_access", NotesAccess.NONE),
            created_at=_when(row.get("created_at")),
            updated_at=_when(row.get("updated_at")),
            last_message_at=_when(row["last_message_at"]) if row.get("last_message_at") else None,
            message_count=len(messages),
            tokens_in=row.get("tokens_in", 0),
            tokens_out=row.get("tokens_out", 0),
        )
        title = row.get("title") or ""
        if not isinstance(title, str):
            raise ValidationFailed("A conversation's title must be text.")
        conversation_seal(conversation, title=title[:TITLE_MAX_CHARS], pending=None)
        try:
            conversation.full_clean(exclude=["user"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationFailed(f"A conversation is not valid: {exc.messages[0]}") from None
        if not CHAT_ID.match(conversation.chat_id):
            raise ValidationFailed("A conversation's id is not valid.")
        conversation.save()
        for seq, data in enumerate(messages):
            metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
            parts = data.get("parts")
            if not isinstance(parts, list) or data.get("role") not in Role.values:
                raise ValidationFailed("A message needs a role (user, assistant) and a list of parts.")
            message = Message(
                conversation=conversation,
                user=user,
                seq=seq,
                ui_id=str(data.get("id") or uuid.uuid4().hex)[:CHAT_ID_MAX_CHARS],
                role=data["role"],
                status=metadata.get("status", MessageStatus.COMPLETE),
                model=str(metadata.get("model") or "")[:100],
                tokens_in=metadata.get("tokens_in", 0),
                tokens_out=metadata.get("tokens_out", 0),
                created_at=_when(metadata.get("created_at"))
                if metadata.get("created_at")
                else timezone.now(),
            )
            message_seal(message, _unpaused(parts))
            try:
                message.full_clean(exclude=["user", "conversation"], validate_unique=False)
            except ValidationError as exc:
                raise ValidationFailed(f"A message is not valid: {exc.messages[0]}") from None
            message.save()
    return len(rows)


# --- Key rotation ---------------------------------------------------------------------------------


def rotation_pending_count() -> int:
    """Conversations and messages with sealed values not under the current key."""
    current = sealing.key_ring().current_id
    return (
        Conversation.objects.exclude(key_id="").exclude(key_id=current).count()
        + Message.objects.exclude(key_id=current).count()
    )


@transaction.atomic
def rotation_batch(*, batch_size: int, skip_ids: Collection[str] = ()) -> BatchResult:
    """Re-seal up to `batch_size` conversations and messages under the current key, rows locked."""
    current = sealing.key_ring().current_id
    result = BatchResult()
    skipped_conversations = [
        s.removeprefix("conversation:") for s in skip_ids if s.startswith("conversation:")
    ]
    skipped_messages = [s.removeprefix("message:") for s in skip_ids if s.startswith("message:")]
    conversations = (
        Conversation.objects.exclude(key_id="")
        .exclude(key_id=current)
        .exclude(pk__in=skipped_conversations)
        .order_by("pk")
        .select_for_update()
    )
    for conversation in conversations[:batch_size]:
        try:
            conversation_seal(
                conversation,
                title=conversation_title(conversation),
                pending=conversation_pending(conversation),
            )
        except ConversationUnavailable:
            result.failed_ids.append(f"conversation:{conversation.pk}")
            continue
        conversation.save(update_fields=["title_sealed", "pending_sealed", "key_id"])
        result.resealed += 1
    if result.seen >= batch_size:
        return result
    messages = (
        Message.objects.exclude(key_id=current)
        .exclude(pk__in=skipped_messages)
        .order_by("pk")
        .select_for_update()
    )
    for message in messages[: batch_size - result.seen]:
        try:
            message_seal(message, message_parts(message))
        except ConversationUnavailable:
            result.failed_ids.append(f"message:{message.pk}")
            continue
        message.save(update_fields=["parts_sealed", "key_id"])
        result.resealed += 1
    return result
