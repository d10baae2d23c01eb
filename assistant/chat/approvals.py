"""Tool calls that wait for the creator: the AI SDK's tool approval flow over a paused agent run.

A turn whose model calls a tool that needs the creator's say (a destructive tool; under notes
access `ask`, a call that would reveal notes: `assistant.chat.agent`) stops there. The stream asks
(`tool-input-available`, then `tool-approval-request` with a fresh `approvalId`), finishes the
message, and the paused run (the OpenAI Agents SDK's `RunState`, with the approvals it waits for)
is stored sealed in the conversation (`Conversation.pending_sealed`: bound to the owner and the
conversation, under the notes' key ring, re-sealed by key rotation, gone with the conversation).
Nothing is kept in memory: any worker can resume it.

The creator's next `POST /chat` answers: what `useChat` sends after `addToolApprovalResponse`
(`sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses`), the paused
assistant message last, its tool parts in state `approval-responded` with
`approval: {id, approved, reason?}`. `approval_claim` checks the answers against the stored
approvals and takes the paused run in one locked transaction, so an answer is used once:

* the message is not shaped like that → 400 `VALIDATION_ERROR`;
* an approval id that is not the pending one (forged, already answered, another conversation's or
  another creator's: chat ids are per creator), or a tool call id that does not match it →
  409 `CONFLICT`; not every pending approval answered → 400. Nothing changes.

Approved, the tool runs (its ledger row, client "chat") and the run goes on; denied, the tool does
not run, the model is told the creator declined (with their reason) and the run goes on. Either
way the answer streams into the same assistant message (`tool-output-available` or
`tool-output-denied`, then the rest of the turn), and the stored message is updated in place.

A new user message while an approval is pending denies it (`approval_supersede`): the paused run
is dropped, its tool parts are stored as `output-denied`, and the new message starts a new turn.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from agents import Agent, RunState
from django.db import transaction

from assistant.chat.sealing import conversation_pending, message_parts
from assistant.chat.services import conversation_set_pending, message_reseal
from assistant.models.conversations import Conversation, Message, Role
from creatorvault.errors import Conflict, ValidationFailed, field_error

#: Bumped if the stored shape changes (a paused run of another shape is refused, not misread).
PENDING_VERSION = 1
APPROVAL_ID_MAX_CHARS = 128
REASON_MAX_CHARS = 500
SUPERSEDED = "The creator sent a new message instead of answering."


@dataclass(frozen=True)
class Answer:
    """The creator's answer to one approval request."""

    approval_id: str
    call_id: str
    approved: bool
    reason: str = ""


@dataclass(frozen=True)
class Resume:
    """A paused run taken to be resumed: the stored run and the creator's answers, by call id."""

    pending: dict[str, Any]
    answers: dict[str, Answer]

    @property
    def message_pk(self) -> str:
        """The paused assistant message (the answer continues it)."""
        return str(self.pending["message"])

    @property
    def ui_id(self) -> str:
        """That message's `UIMessage` id."""
        return str(self.pending["ui_id"])

    @property
    def tokens(self) -> tuple[int, int]:
        """The tokens the run had spent when it paused (already counted)."""
        return int(self.pending.get("tokens_in", 0)), int(self.pending.get("tokens_out", 0))


def call_id_of(raw: Any) -> str:
    """The tool call id of an SDK raw item (a model object or a dict)."""
    return str(getattr(raw, "call_id", None) or (raw.get("call_id") if isinstance(raw, dict) else "") or "")


def new_approval_id() -> str:
    """An unguessable approval id (the stream sends it as `approvalId`)."""
    return f"approval-{secrets.token_urlsafe(18)}"


def pending_of(
    *, state: dict[str, Any], approvals: list[dict[str, str]], tokens_in: int, tokens_out: int
) -> dict[str, Any]:
    """What is stored (sealed) for a paused run; `message`/`ui_id` are added when it is stored."""
    return {
        "v": PENDING_VERSION,
        "state": state,
        "approvals": approvals,
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
    }


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed.of([field_error("messages", message, "invalid")])


def approval_answers(body: Any) -> tuple[str, str, list[Answer]] | None:
    """(chat id, the answered message's id, the answers) if the body answers approvals, else None.

    The body answers approvals when its newest message is the assistant's (what `useChat` sends
    after `addToolApprovalResponse`); such a body that is malformed is a `ValidationFailed`.
    """
    if not isinstance(body, dict):
        return None
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
        return None
    last = messages[-1]
    if last.get("role") != Role.ASSISTANT:
        return None
    chat_id = body.get("id")
    if not isinstance(chat_id, str):
        raise ValidationFailed.of([field_error("id", "The chat id is required.", "required")])
    ui_id, parts = last.get("id"), last.get("parts")
    if not isinstance(ui_id, str) or not ui_id or not isinstance(parts, list):
        raise _invalid("The answered message needs its id and parts.")
    answers: list[Answer] = []
    for part in parts:
        if not isinstance(part, dict) or part.get("state") != "approval-responded":
            continue
        kind, call_id, approval = part.get("type"), part.get("toolCallId"), part.get("approval")
        if not isinstance(kind, str) or not kind.startswith("tool-"):
            raise _invalid("Only tool parts answer approvals.")
        if not isinstance(call_id, str) or not call_id or not isinstance(approval, dict):
            raise _invalid("An answered tool part needs its toolCallId and approval.")
        approval_id, approved, reason = approval.get("id"), approval.get("approved"), approval.get("reason")
        if not isinstance(approval_id, str) or not 0 < len(approval_id) <= APPROVAL_ID_MAX_CHARS:
            raise _invalid("approval.id must be the id the stream sent.")
        if not isinstance(approved, bool):
            raise _invalid("approval.approved must be true or false.")
        if reason is not None and not isinstance(reason, str):
            raise _invalid("approval.reason must be text.")
        answers.append(Answer(approval_id, call_id, approved, (reason or "").strip()[:REASON_MAX_CHARS]))
    if not answers:
        raise _invalid("The newest message is the assistant's but answers no approval.")
    if len({a.approval_id for a in answers}) != len(answers):
        raise _invalid("Each approval is answered once.")
    return chat_id, ui_id, answers


def _locked_pending(conversation: Conversation) -> tuple[Conversation, dict[str, Any] | None]:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    pending = conversation_pending(locked)
    if pending is not None and pending.get("v") != PENDING_VERSION:
        pending = None
    return locked, pending


@transaction.atomic
def approval_claim(conversation: Conversation, *, ui_id: str, answers: list[Answer]) -> Resume:
    """Take the conversation's paused run for these answers (once: it is cleared), or refuse.

    `Conflict` unless every answer names a pending approval and its tool call; `ValidationFailed`
    unless every pending approval is answered. A refusal changes nothing.
    """
    _, pending = _locked_pending(conversation)
    if pending is None:
        raise Conflict("Nothing in this conversation waits for approval.")
    expected = {a["id"]: a for a in pending["approvals"]}
    for answer in answers:
        wanted = expected.get(answer.approval_id)
        if wanted is None or wanted["call"] != answer.call_id or pending.get("ui_id") != ui_id:
            raise Conflict("That approval is not one this conversation waits for (answered already?).")
    if len(answers) != len(expected):
        raise _invalid("Answer every tool call that waits for approval.")
    conversation_set_pending(conversation, None)  # taken: the same answer is never used twice
    return Resume(pending=pending, answers={a.call_id: a for a in answers})


def _deny_parts(parts: list[dict[str, Any]], pending: dict[str, Any], reason: str) -> list[dict[str, Any]]:
    by_call = {a["call"]: a["id"] for a in pending["approvals"]}
    for part in parts:
        approval_id = by_call.get(str(part.get("toolCallId")))
        if approval_id is not None and part.get("state") == "approval-requested":
            part["state"] = "output-denied"
            part["approval"] = {"id": approval_id, "approved": False, "reason": reason}
    return parts


@transaction.atomic
def approval_supersede(conversation: Conversation) -> bool:
    """A new user message while approvals are pending: deny them; True if there were any."""
    locked, pending = _locked_pending(conversation)
    if pending is None:
        if locked.pending_sealed:  # a paused run of another shape: dropped
            conversation_set_pending(conversation, None)
        return False
    conversation_set_pending(conversation, None)
    message = Message.objects.filter(conversation=locked, pk=str(pending.get("message"))).first()
    if message is not None:
        message_reseal(message, lambda parts: _deny_parts(parts, pending, SUPERSEDED))
    return True


def rejection_message(kind: str, reason: str) -> str:
    """What the model is told when the creator declines a call."""
    said = f" Their reason: {reason}" if reason else ""
    if kind == "notes":
        return (
            "The creator declined to share this idea's notes: they are withheld. Work from the "
            f"title and metadata (call the tool again without include_notes).{said}"
        )
    return f"The creator declined this call: it was not run. Do not retry unless they ask.{said}"


async def resume_state(agent: Agent[Any], resume: Resume) -> RunState[Any, Agent[Any]]:
    """The stored run, rebuilt for `agent`, with the creator's answers applied to it."""
    state = await RunState.from_json(agent, resume.pending["state"])
    kinds = {a["call"]: a.get("kind", "destructive") for a in resume.pending["approvals"]}
    for item in state.get_interruptions():
        call_id = call_id_of(item.raw_item)
        answer = resume.answers[call_id]
        if answer.approved:
            state.approve(item)
        else:
            state.reject(item, rejection_message=rejection_message(kinds.get(call_id, ""), answer.reason))
    return state


def resume_parts(conversation: Conversation, resume: Resume) -> list[dict[str, Any]]:
    """The paused message's parts with the creator's answers in them (`approval-responded`)."""
    message = Message.objects.get(conversation=conversation, pk=resume.message_pk)
    parts = message_parts(message)
    for part in parts:
        answer = resume.answers.get(str(part.get("toolCallId")))
        if answer is not None and part.get("state") == "approval-requested":
            part["state"] = "approval-responded"
            part["approval"] = {"id": answer.approval_id, "approved": answer.approved}
            if answer.reason:
                part["approval"]["reason"] = answer.reason
    return parts
