"""The chat's agent: the OpenAI Agents SDK over any OpenAI-compatible Chat Completions endpoint.

The provider is `AI_BASE_URL` / `AI_MODEL` / `AI_API_KEY` (with `AI_TIMEOUT_SECONDS`); with none
configured the chat answers 503 `AI_UNAVAILABLE`. The SDK's tracing export is off (process-wide
and per run): nothing leaves the server but the turn itself. The tools are the assistant's one
tool layer (`assistant.tools`), run through `tool_run` with the chat's access (scopes, the
conversation's notes setting, the ledger's client "chat").

Two kinds of call wait for the creator (the SDK's `needs_approval`; the run pauses, see
`assistant.chat.approvals`): a destructive tool (`delete_idea`), always; and, in a conversation
whose notes access is `ask`, a call that would give an idea's notes to the model (`get_idea` or
`expand_idea` with `include_notes: true` on an idea that has notes). An approved notes call gets
the notes for that call only.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from agents import Agent, FunctionTool, RunConfig, RunContextWrapper, set_tracing_disabled
from agents.models.interface import Model
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from asgiref.sync import sync_to_async
from django.conf import settings
from openai import AsyncOpenAI

from assistant.access import Access, NotesPolicy
from assistant.chat import metrics as chat_metrics
from assistant.chat.sealing import message_parts
from assistant.models.conversations import Message, Role
from assistant.tools import ToolSpec, tool_run, tools_for
from assistant.tools.catalog import EXPAND_IDEA
from creatorvault.errors import ApplicationError
from ideas.selectors.ideas import idea_get

set_tracing_disabled(True)

INSTRUCTIONS = (
    "You are CreatorVault's assistant. You help one creator work on their content ideas with the "
    "tools given: list, search, read, add, update, change the stage of, trash and restore ideas, "
    "list tags, and suggest angles with expand_idea. Only act on what the creator asks. Trashing an "
    "idea waits for the creator's approval; if they decline, do not try again unless they ask. "
    "Ideas' notes are private: when a tool says they are withheld, say so instead of guessing them. "
    "Be brief."
)
# A rough count (about four characters a token), enough to bound what history is sent.
CHARS_PER_TOKEN = 4


def provider_configured() -> bool:
    """Whether a model provider is configured (`AI_BASE_URL` and `AI_MODEL`)."""
    return bool(settings.AI_BASE_URL and settings.AI_MODEL)


def build_model() -> Model:
    """The configured provider's model (tests replace this with the SDK's scripted model)."""
    client = AsyncOpenAI(
        base_url=settings.AI_BASE_URL,
        api_key=settings.AI_API_KEY or "not-needed",
        timeout=settings.AI_TIMEOUT_SECONDS,
        max_retries=0,
    )
    return OpenAIChatCompletionsModel(model=settings.AI_MODEL, openai_client=client)


#: The tools that can give an idea's notes to the model (with `include_notes: true`).
NOTES_TOOLS = frozenset({"get_idea", "expand_idea"})
#: Why a call pauses, as the approval flow records it.
KIND_DESTRUCTIVE = "destructive"
KIND_NOTES = "notes"


def chat_tools(access: Access) -> list[ToolSpec]:
    """The tool layer as the chat offers it: what the access allows, plus `expand_idea`.

    Destructive tools (`delete_idea`) are offered too: each of their calls waits for the
    creator's approval (`build_agent`), so a model never trashes an idea without the creator's say.
    """
    tools = list(tools_for(access))
    if access.may(EXPAND_IDEA.scope):
        tools.append(EXPAND_IDEA)
    return tools


def _idea_has_notes(access: Access, idea_id: Any) -> bool:
    if not isinstance(idea_id, str):
        return False
    try:
        return bool(idea_get(owner=access.owner, idea_id=idea_id).notes_sealed)
    except ApplicationError:  # no such idea (or a malformed id): the tool will say so, no notes to ask for
        return False


def _function_tool(access: Access, spec: ToolSpec, *, notes_consent: bool) -> FunctionTool:
    asks_for_notes = notes_consent and spec.name in NOTES_TOOLS

    async def invoke(context: Any, arguments: str) -> str:
        try:
            parsed = json.loads(arguments) if arguments else {}
        except ValueError:
            chat_metrics.count_tool_call(spec.name, "invalid_arguments")
            return json.dumps({"error": {"code": "invalid_arguments", "message": "Arguments must be JSON."}})
        caller = access
        call_id = getattr(context, "tool_call_id", "")
        if asks_for_notes and call_id and context.is_tool_approved(spec.name, call_id):
            caller = replace(access, notes=NotesPolicy.ALWAYS)  # the creator consented, for this call
        outcome = await sync_to_async(tool_run, thread_sensitive=True)(caller, spec.name, parsed)
        chat_metrics.count_tool_call(spec.name, outcome.error.code if outcome.error else "ok")
        return json.dumps(outcome.payload(), default=str)

    async def needs_consent(context: RunContextWrapper[Any], params: dict[str, Any], call_id: str) -> bool:
        if params.get("include_notes") is not True:
            return False
        return await sync_to_async(_idea_has_notes, thread_sensitive=True)(access, params.get("idea_id"))

    needs_approval: Any = True if spec.destructive else (needs_consent if asks_for_notes else False)
    return FunctionTool(
        name=spec.name,
        description=spec.description,
        params_json_schema=spec.input_schema,
        on_invoke_tool=invoke,
        strict_json_schema=False,
        needs_approval=needs_approval,
    )


def build_agent(access: Access, model: Model, *, notes_consent: bool = False) -> Agent[Any]:
    """One agent for one turn, with the caller's tools.

    `notes_consent`: the conversation asks the creator before notes reach the model (`ask`).
    """
    return Agent(
        name="CreatorVault assistant",
        instructions=INSTRUCTIONS,
        model=model,
        tools=[_function_tool(access, spec, notes_consent=notes_consent) for spec in chat_tools(access)],
    )


def run_config() -> RunConfig:
    """Per-run settings: tracing off, whatever the process-wide default."""
    return RunConfig(tracing_disabled=True, trace_include_sensitive_data=False)


def _text(message: Message) -> str:
    return "".join(
        part.get("text", "") for part in message_parts(message) if part.get("type") == "text"
    ).strip()


def history_items(messages: list[Message], *, budget_tokens: int) -> list[dict[str, Any]]:
    """The conversation as the model's input, newest first until the token budget is spent.

    Only text travels (the creator's words and the assistant's answers); tool results are not
    replayed, the model calls the tools again when it needs fresh data. The newest message is
    always kept.
    """
    items: list[dict[str, Any]] = []
    spent = 0
    for message in reversed(messages):
        text = _text(message)
        if not text:
            continue
        cost = len(text) // CHARS_PER_TOKEN + 4
        if items and spent + cost > budget_tokens:
            break
        spent += cost
        role = "user" if message.role == Role.USER else "assistant"
        items.append({"role": role, "content": text})
    items.reverse()
    return items
