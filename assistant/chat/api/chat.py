"""`POST /api/v1/chat`: one turn of the assistant, streamed to `useChat` (`DefaultChatTransport`).

The body is what `DefaultChatTransport` sends: `{"id", "messages", "trigger", ...}`. Only the
newest user message is taken (its text parts); the history comes from the database, never from
the body. Or, when the newest message is the assistant's, the body answers the approvals a paused
turn waits for (`assistant.chat.approvals`): only those answers are read, and the stored run
resumes. Everything that fails before the stream starts is the usual JSON error envelope.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from accounts.models import User
from accounts.scopes import Scope
from assistant.access import Access, NotesPolicy, access_for
from assistant.chat.limits import chat_rate_limit, stream_acquire, stream_release, tokens_check
from assistant.chat.selectors import conversation_get, conversation_history
from assistant.chat.services import conversation_open, message_append
from assistant.models import Surface
from assistant.models.conversations import Conversation, NotesAccess, Role
from creatorvault.api.views import ApiView, user_path_variant
from creatorvault.errors import AIUnavailable, ValidationFailed, field_error

if TYPE_CHECKING:
    from assistant.chat.approvals import Resume

# The agent, its runs and the stream (the OpenAI Agents SDK, openai: tens of MB per process) are
# imported by the first chat turn (`ChatView.post`), not when the URLconf loads: a worker that
# serves no chat never holds them.

# `ask`: never without the creator's consent, which a call asks for (`assistant.chat.agent`).
NOTES_POLICY = {
    NotesAccess.NONE: NotesPolicy.NEVER,
    NotesAccess.ASK: NotesPolicy.NEVER,
    NotesAccess.ALLOW: NotesPolicy.ALWAYS,
}
NOTES_WITHHELD = {
    NotesAccess.NONE: (
        "Notes are withheld in this conversation. The creator can let notes reach the assistant "
        "in the conversation's settings (notes access: allow or ask)."
    ),
    NotesAccess.ASK: (
        "Notes are withheld unless the creator agrees. To ask them, call get_idea (or expand_idea) "
        "again with include_notes: true, only if the creator wants this idea's notes used."
    ),
    NotesAccess.ALLOW: "",
}


def _newest_user_text(body: Any) -> tuple[str, str, str]:
    """(chat id, the newest user message's id, its text) from a `DefaultChatTransport` body."""
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    chat_id, messages = body.get("id"), body.get("messages")
    if not isinstance(chat_id, str):
        raise ValidationFailed.of([field_error("id", "The chat id is required.", "required")])
    if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
        raise ValidationFailed.of([field_error("messages", "At least one message is required.", "required")])
    last = messages[-1]
    if last.get("role") != Role.USER:
        raise ValidationFailed.of(
            [field_error("messages", "The newest message must be the creator's.", "invalid")]
        )
    parts = last.get("parts")
    texts = (
        [p.get("text") for p in parts if isinstance(p, dict) and p.get("type") == "text"]
        if isinstance(parts, list)
        else []
    )
    text = "".join(t for t in texts if isinstance(t, str)).strip()
    if not text:
        raise ValidationFailed.of([field_error("messages", "The newest message has no text.", "required")])
    if len(text) > settings.CHAT_MESSAGE_MAX_CHARS:
        raise ValidationFailed.of(
            [field_error("messages", f"At most {settings.CHAT_MESSAGE_MAX_CHARS} characters.", "max_length")]
        )
    message_id = last.get("id")
    return chat_id, message_id if isinstance(message_id, str) and message_id else uuid.uuid4().hex, text


def _chat_access(owner: User, credential: Any, conversation: Conversation) -> tuple[Access, bool]:
    """The tools' access in this conversation, and whether notes wait for the creator's consent.

    The credential bounds it (a token without `notes:read` never gives notes); within that, the
    conversation's `notes_access` decides: `none` never, `allow` always, `ask` per approved call.
    """
    setting = NotesAccess(conversation.notes_access)
    access = access_for(owner=owner, credential=credential, surface=Surface.CHAT, client_name="chat")
    may_read_notes = access.notes is not NotesPolicy.NEVER
    access = replace(
        access,
        notes=NOTES_POLICY[setting] if may_read_notes else NotesPolicy.NEVER,
        notes_withheld_because=NOTES_WITHHELD[setting] if may_read_notes else "",
    )
    return access, may_read_notes and setting == NotesAccess.ASK


class ChatView(ApiView):
    """`/chat`: one streamed turn of the assistant."""

    required_scope = Scope.ASSISTANT.value

    @extend_schema(
        operation_id="chat",
        summary="Chat with the assistant (streamed)",
        description=(
            "Send what the AI SDK's `useChat` sends (`DefaultChatTransport`: `id`, `messages`, "
            "`trigger`). The conversation is created on first use; only the newest user message is "
            "read (the history is the server's). The answer streams as Server-Sent Events in the AI "
            "SDK UI message stream protocol (`x-vercel-ai-ui-message-stream: v1`; start, text, tool, "
            "finish parts, then `[DONE]`; `: keep-alive` comments while the model thinks). A provider "
            "failure ends the stream with an `error` part.\n\n"
            "**Approvals.** A call that waits for you (trashing an idea; under notes access `ask`, "
            "a call that would read an idea's notes) ends the turn with `tool-input-available` and "
            "`tool-approval-request` (`approvalId`, `toolCallId`), `finishReason: tool-calls`, the "
            "paused run kept sealed on the server. Answer with what `useChat` sends after "
            "`addToolApprovalResponse` (`sendAutomaticallyWhen: "
            "lastAssistantMessageIsCompleteWithApprovalResponses`): the assistant message last, its "
            "tool parts in state `approval-responded` with `approval: {id, approved, reason?}`. "
            "Approved, the tool runs; denied, it does not and the model is told; the turn continues "
            "in the same message. An id that is not the pending one (forged, answered already, "
            "another conversation's) is a 409 `CONFLICT`, a malformed answer a 400; a new user "
            "message instead denies what was pending.\n\n"
            "503 `AI_UNAVAILABLE` without a configured model; 409 with too many answers streaming "
            "at once; 429 past the chat rate limit or today's token budget (with `Retry-After`)."
        ),
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={200: OpenApiResponse(description="`text/event-stream`: the UI message stream.")},
        tags=["assistant"],
    )
    def post(self, request: Request, **kwargs: Any) -> StreamingHttpResponse:
        """Start a turn and stream it."""
        from assistant.chat.agent import history_items, provider_configured
        from assistant.chat.approvals import (
            approval_answers,
            approval_claim,
            approval_supersede,
            resume_parts,
        )
        from assistant.chat.stream import HEADERS, Turn, turn_stream

        if not provider_configured():
            raise AIUnavailable()
        user_id = str(self.caller.pk)
        chat_rate_limit(user_id=user_id)
        answered = approval_answers(request.data)
        if answered is None:
            chat_id, message_id, text = _newest_user_text(request.data)
            conversation = conversation_open(owner=self.caller, chat_id=chat_id)
        else:  # answers to a paused turn: only an existing conversation of the caller has one
            chat_id, message_id, answers = answered
            conversation = conversation_get(owner=self.caller, chat_id=chat_id)
        tokens_check(user_id=user_id)
        slot = stream_acquire(user_id=user_id)
        resume: Resume | None = None
        try:
            if answered is None:
                approval_supersede(conversation)  # a new message denies what waited for an answer
                message_append(
                    conversation, role=Role.USER, parts=[{"type": "text", "text": text}], ui_id=message_id
                )
                items = history_items(
                    conversation_history(conversation=conversation), budget_tokens=settings.AI_HISTORY_TOKENS
                )
            else:
                resume = approval_claim(conversation, ui_id=message_id, answers=answers)
                items = []
            access, notes_consent = _chat_access(self.caller, request.auth, conversation)
            turn = Turn(
                access=access,
                conversation=conversation,
                items=items,
                message_id=resume.ui_id if resume else uuid.uuid4().hex,
                slot=slot,
                user_id=user_id,
                notes_consent=notes_consent,
                resume=resume,
                parts=resume_parts(conversation, resume) if resume else [],
            )
        except BaseException:
            stream_release(slot)
            raise
        return StreamingHttpResponse(turn_stream(turn), headers=HEADERS)


UserChatView = user_path_variant(ChatView)
