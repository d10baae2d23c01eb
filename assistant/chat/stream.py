"""One agent turn streamed in the AI SDK's UI message stream protocol (SSE), as `useChat` reads it.

    data: {"type":"start","messageId":"…"}
    data: {"type":"start-step"}
    data: {"type":"text-start","id":"text-0"}  data: {"type":"text-delta",…}  data: {"type":"text-end",…}
    data: {"type":"tool-input-start",…}  data: {"type":"tool-input-available",…}
    data: {"type":"tool-output-available",…}
    data: {"type":"finish-step"}  data: {"type":"finish","finishReason":"stop"}
    data: [DONE]

A call that waits for the creator ends the turn with `tool-approval-request` parts and
`finishReason: "tool-calls"`, the paused run stored sealed; the creator's answer resumes it in the
same message (`tool-output-available` or `tool-output-denied`, then the rest): `approvals`.

Comments (`: keep-alive`) go out while the model is silent, so proxies keep the stream open. A
provider error, a timeout or malformed model output ends the stream with an `error` part and
the message stored as `failed`; a client that goes away cancels the turn and what was said so far
is stored as `interrupted`. The answer is stored once, when the turn ends, whatever the ending.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

from agents import Runner, RunState
from asgiref.sync import sync_to_async
from django.conf import settings

from assistant.access import Access
from assistant.chat import agent as chat_agent
from assistant.chat import metrics as chat_metrics
from assistant.chat.approvals import Resume, call_id_of, new_approval_id, pending_of, resume_state
from assistant.chat.limits import stream_release, tokens_spend
from assistant.chat.services import answer_store
from assistant.models.conversations import Conversation, MessageStatus
from assistant.tools import TOOLS_BY_NAME

logger = logging.getLogger("assistant.chat")

HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
    "x-vercel-ai-ui-message-stream": "v1",
}
PROVIDER_FAILED = "The assistant's model provider failed or timed out. Try again."


def sse(part: dict[str, Any]) -> bytes:
    """One part as an SSE event."""
    return f"data: {json.dumps(part, separators=(',', ':'), default=str)}\n\n".encode()


DONE = b"data: [DONE]\n\n"
KEEP_ALIVE = b": keep-alive\n\n"


@dataclass
class Turn:
    """What one turn needs: who, where, what to send, and where the answer goes."""

    access: Access
    conversation: Conversation
    items: list[dict[str, Any]]
    message_id: str
    slot: str | None
    user_id: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    status: str = MessageStatus.COMPLETE
    #: The conversation asks the creator before notes reach the model (notes access `ask`).
    notes_consent: bool = False
    #: A paused run this turn resumes (its message goes on), and the run this turn pauses, if any.
    resume: Resume | None = None
    pending: dict[str, Any] | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    _text: dict[str, Any] | None = None
    _texts: int = 0

    def text_delta(self, delta: str) -> list[dict[str, Any]]:
        out = []
        if self._text is None:
            self._text = {"type": "text", "text": "", "state": "streaming"}
            self.parts.append(self._text)
            out.append({"type": "text-start", "id": f"text-{self._texts}"})
        self._text["text"] += delta
        out.append({"type": "text-delta", "id": f"text-{self._texts}", "delta": delta})
        return out

    def text_end(self) -> list[dict[str, Any]]:
        if self._text is None:
            return []
        self._text["state"] = "done"
        self._text = None
        self._texts += 1
        return [{"type": "text-end", "id": f"text-{self._texts - 1}"}]

    def tool_call(self, call_id: str, name: str, arguments: str) -> list[dict[str, Any]]:
        try:
            value = json.loads(arguments) if arguments else {}
        except ValueError:
            value = arguments
        self.parts.append(
            {"type": f"tool-{name}", "toolCallId": call_id, "state": "input-available", "input": value}
        )
        return [
            *self.text_end(),
            {"type": "tool-input-start", "toolCallId": call_id, "toolName": name},
            {"type": "tool-input-available", "toolCallId": call_id, "toolName": name, "input": value},
        ]

    def approval_requests(self, result: Any) -> list[dict[str, Any]]:
        """The run stopped for the creator: ask, and keep the paused run for `_finish` to store."""
        out, approvals = self.text_end(), []
        for item in result.interruptions:
            call_id = call_id_of(item.raw_item)
            spec = TOOLS_BY_NAME.get(str(item.tool_name))
            kind = chat_agent.KIND_DESTRUCTIVE if spec is None or spec.destructive else chat_agent.KIND_NOTES
            approval = {"id": new_approval_id(), "call": call_id, "tool": str(item.tool_name), "kind": kind}
            approvals.append(approval)
            for part in self.parts:
                if part.get("toolCallId") == call_id:
                    part["state"] = "approval-requested"
                    part["approval"] = {"id": approval["id"]}
            out.append({"type": "tool-approval-request", "approvalId": approval["id"], "toolCallId": call_id})
        usage = result.context_wrapper.usage
        self.pending = pending_of(
            state=result.to_state().to_json(),
            approvals=approvals,
            tokens_in=int(usage.input_tokens or 0),
            tokens_out=int(usage.output_tokens or 0),
        )
        return out

    def tool_output(self, call_id: str, output: Any) -> list[dict[str, Any]]:
        answer = self.resume.answers.get(call_id) if self.resume else None
        if answer is not None and not answer.approved:
            for part in self.parts:
                if part.get("toolCallId") == call_id:
                    part["state"] = "output-denied"
            return [{"type": "tool-output-denied", "toolCallId": call_id}]
        if isinstance(output, str):
            with contextlib.suppress(ValueError):
                output = json.loads(output)
        for part in self.parts:
            if part.get("toolCallId") == call_id:
                part["state"] = "output-available"
                part["output"] = output
        return [{"type": "tool-output-available", "toolCallId": call_id, "output": output}]


def _translate(turn: Turn, event: Any) -> list[dict[str, Any]]:
    kind = getattr(event, "type", "")
    if kind == "raw_response_event":
        data = event.data
        if getattr(data, "type", "") == "response.output_text.delta" and data.delta:
            return turn.text_delta(data.delta)
        return []
    if kind == "run_item_stream_event":
        item = event.item
        if event.name == "tool_called":
            raw = item.raw_item
            call_id = getattr(raw, "call_id", None) or (raw.get("call_id") if isinstance(raw, dict) else "")
            name = getattr(raw, "name", None) or (raw.get("name") if isinstance(raw, dict) else "")
            arguments = getattr(raw, "arguments", None) or (
                raw.get("arguments") if isinstance(raw, dict) else ""
            )
            return turn.tool_call(str(call_id), str(name), str(arguments or ""))
        if event.name == "tool_output":
            raw = item.raw_item
            call_id = raw.get("call_id") if isinstance(raw, dict) else getattr(raw, "call_id", "")
            return turn.tool_output(str(call_id), item.output)
    return []


async def _events(turn: Turn) -> AsyncIterator[dict[str, Any] | None]:
    """The turn's UI parts; None when the model has been silent for a keep-alive interval."""
    agent = chat_agent.build_agent(turn.access, chat_agent.build_model(), notes_consent=turn.notes_consent)
    run_input: RunState[Any, Any] | list[Any] = (
        await resume_state(agent, turn.resume) if turn.resume else cast(Any, turn.items)
    )
    result = Runner.run_streamed(
        agent,
        input=run_input,
        max_turns=settings.AI_MAX_TURNS,
        run_config=chat_agent.run_config(),
    )
    iterator = result.stream_events().__aiter__()
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(iterator.__anext__())
            done, _ = await asyncio.wait({pending}, timeout=settings.CHAT_KEEPALIVE_SECONDS)
            if not done:
                yield None
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                break
            finally:
                pending = None
            for part in _translate(turn, event):
                yield part
        if result.interruptions:
            for part in turn.approval_requests(result):
                yield part
    finally:
        if pending is not None:
            pending.cancel()
        result.cancel()
        usage = result.context_wrapper.usage
        spent_in, spent_out = turn.resume.tokens if turn.resume else (0, 0)
        turn.tokens_in = max(0, int(usage.input_tokens or 0) - spent_in)
        turn.tokens_out = max(0, int(usage.output_tokens or 0) - spent_out)


def _finish(turn: Turn) -> None:
    for part in turn.parts:
        if part.get("type") == "text":
            part["state"] = "done"
    answer_store(
        turn.conversation,
        continues=turn.resume.message_pk if turn.resume else None,
        parts=turn.parts,
        ui_id=turn.message_id,
        status=turn.status,
        model=settings.AI_MODEL or "",
        tokens_in=turn.tokens_in,
        tokens_out=turn.tokens_out,
        pending=turn.pending,
    )
    tokens_spend(user_id=turn.user_id, tokens=turn.tokens_in + turn.tokens_out)


async def turn_stream(turn: Turn) -> AsyncIterator[bytes]:
    """The SSE body of one turn; stores the answer however the turn ends."""
    started, silent = time.perf_counter(), True
    chat_metrics.stream_started()
    try:
        yield sse({"type": "start", "messageId": turn.message_id})
        yield sse({"type": "start-step"})
        try:
            async with asyncio.timeout(settings.AI_TURN_TIMEOUT_SECONDS):
                async for part in _events(turn):
                    if silent and part is not None:
                        silent = False
                        chat_metrics.first_token(time.perf_counter() - started)
                    yield KEEP_ALIVE if part is None else sse(part)
        except (asyncio.CancelledError, GeneratorExit):
            turn.status = MessageStatus.INTERRUPTED
            raise
        except Exception as exc:  # noqa: BLE001 - any provider or model failure ends the stream cleanly
            logger.warning("chat turn failed: %s", type(exc).__name__)
            turn.status = MessageStatus.FAILED
            for part in turn.text_end():
                yield sse(part)
            yield sse({"type": "error", "errorText": PROVIDER_FAILED})
            yield DONE
            return
        for part in turn.text_end():
            yield sse(part)
        yield sse({"type": "finish-step"})
        yield sse({"type": "finish", "finishReason": "tool-calls" if turn.pending else "stop"})
        yield DONE
    finally:
        try:
            await sync_to_async(_finish, thread_sensitive=True)(turn)
        except Exception as exc:
            logger.error("chat answer not stored", exc_info=exc)
        finally:
            stream_release(turn.slot)
            chat_metrics.stream_ended(
                status=turn.status,
                seconds=time.perf_counter() - started,
                tokens_in=turn.tokens_in,
                tokens_out=turn.tokens_out,
            )
