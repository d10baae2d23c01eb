"""The MCP server (official SDK, low-level `Server`): the tool layer, as tools and one prompt.

The low-level server is used, not `MCPServer`, because the tools are listed per caller: a token
without `ideas:write` (or a server in `MCP_READ_ONLY` mode) is not even shown the write tools.
Every handler reads the caller's `Access`, which `assistant.mcp.http` put in the HTTP request's
scope after authenticating it, and calls the synchronous tool layer across the async boundary
(`sync_to_async`, thread-sensitive). Tool errors are results with `isError` (the model can read
and fix them); an unknown tool or prompt is a protocol error.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
from asgiref.sync import sync_to_async
from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import MCPError

from assistant.access import Access
from assistant.tools import (
    EXPAND_IDEA,
    TOOLS_BY_NAME,
    ToolOutcome,
    ToolSpec,
    UnknownTool,
    tool_run,
    tools_for,
)
from assistant.tools.prompts import MODES

#: Where the HTTP layer leaves the caller's `Access` in the ASGI scope.
ACCESS_SCOPE_KEY = "creatorvault.access"
SERVER_NAME = "creatorvault"
SERVER_VERSION = "1.0.0"
INSTRUCTIONS = (
    "CreatorVault holds the creator's content ideas (idea → outline → draft → published). Tools "
    "return titles and metadata; an idea's notes are private and come only from get_idea when "
    "this connection may read them. Lists are paged: pass next_cursor back as cursor. Writes "
    "need the idea's current version where asked and can be undone by the creator; deleting "
    "moves an idea to the trash. Tool errors say which argument to fix."
)


def _definition(tool: ToolSpec) -> types.Tool:
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        annotations=types.ToolAnnotations(
            read_only_hint=tool.read_only,
            destructive_hint=tool.destructive,
            idempotent_hint=tool.idempotent,
            open_world_hint=False,
        ),
    )


_DEFINITIONS: dict[str, types.Tool] = {}


def tool_definition(tool: ToolSpec) -> types.Tool:
    """The `tools/list` entry of a tool: its schemas verbatim, and every behaviour hint."""
    if tool.name not in _DEFINITIONS:
        _DEFINITIONS[tool.name] = _definition(tool)
    return _DEFINITIONS[tool.name]


def _access(ctx: ServerRequestContext[Any, Any]) -> Access:
    request = ctx.request
    access = request.scope.get(ACCESS_SCOPE_KEY) if request is not None else None
    if not isinstance(access, Access):
        # The HTTP layer refuses unauthenticated requests before the protocol runs.
        raise MCPError(code=types.INVALID_REQUEST, message="Not authenticated.")
    return access.with_client(_client_name(ctx))


def _client_name(ctx: ServerRequestContext[Any, Any]) -> str:
    """The client's name as the protocol gave it (`clientInfo`), else its User-Agent."""
    params = ctx.session.client_params
    if params is not None and params.client_info is not None and params.client_info.name:
        return params.client_info.name
    if ctx.request is not None:
        agent = ctx.request.headers.get("user-agent", "")
        return agent.split(" ", 1)[0]
    return ""


async def list_tools(
    ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    """`tools/list`: the tools this caller may call."""
    return types.ListToolsResult(tools=[tool_definition(tool) for tool in tools_for(_access(ctx))])


def call_result(outcome: ToolOutcome) -> types.CallToolResult:
    """A tool outcome as MCP's result: structured content plus its JSON as text, or `isError`."""
    payload = outcome.payload()
    text = json.dumps(payload, ensure_ascii=False)
    if outcome.is_error:
        # No structuredContent: clients check it against the output schema, which errors do not follow.
        return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)
    return types.CallToolResult(
        content=[types.TextContent(text=outcome.summary), types.TextContent(text=text)],
        structured_content=payload,
        is_error=False,
    )


async def call_tool(
    ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    """`tools/call`: run the tool for this caller; errors come back as results the model can read."""
    access = _access(ctx)
    if params.name not in TOOLS_BY_NAME or params.name == EXPAND_IDEA.name:
        known = ", ".join(tool.name for tool in tools_for(access))
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}. Tools: {known}.")
    try:
        outcome = await sync_to_async(tool_run, thread_sensitive=True)(
            access, params.name, params.arguments or {}
        )
    except UnknownTool:
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}.") from None
    return call_result(outcome)


EXPAND_PROMPT = types.Prompt(
    name=EXPAND_IDEA.name,
    title=EXPAND_IDEA.title,
    description="Suggest angles, an outline or variations for one of your ideas (writes nothing).",
    arguments=[
        types.PromptArgument(name="idea_id", description="The idea's id (from list_ideas).", required=True),
        types.PromptArgument(
            name="mode", description=f"One of {', '.join(MODES)} (default angles).", required=False
        ),
        types.PromptArgument(
            name="include_notes",
            description="true to include the idea's notes, if this connection may read them.",
            required=False,
        ),
    ],
)


async def list_prompts(
    ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
) -> types.ListPromptsResult:
    """`prompts/list`: expand_idea."""
    _access(ctx)
    return types.ListPromptsResult(prompts=[EXPAND_PROMPT])


def _prompt_arguments(raw: dict[str, str] | None) -> dict[str, Any]:
    arguments: dict[str, Any] = dict(raw or {})
    if "include_notes" in arguments:
        value = str(arguments["include_notes"]).strip().lower()
        if value not in ("true", "false"):
            raise MCPError(
                code=types.INVALID_PARAMS, message="Invalid argument `include_notes`: true or false."
            )
        arguments["include_notes"] = value == "true"
    return arguments


async def get_prompt(
    ctx: ServerRequestContext[Any, Any], params: types.GetPromptRequestParams
) -> types.GetPromptResult:
    """`prompts/get` expand_idea: the idea and the instructions, for the client's own model."""
    access = _access(ctx)
    if params.name != EXPAND_PROMPT.name:
        raise MCPError(
            code=types.INVALID_PARAMS, message=f"Unknown prompt: {params.name}. Prompts: expand_idea."
        )
    arguments = _prompt_arguments(params.arguments)
    outcome = await sync_to_async(tool_run, thread_sensitive=True)(access, EXPAND_IDEA.name, arguments)
    if outcome.error is not None:
        raise MCPError(code=types.INVALID_PARAMS, message=outcome.error.message)
    data = outcome.payload()
    return types.GetPromptResult(
        description=outcome.summary,
        messages=[types.PromptMessage(role="user", content=types.TextContent(text=data["prompt"]))],
    )


def _input_schema(name: str) -> dict[str, Any] | None:
    tool = TOOLS_BY_NAME.get(name)
    return tool.input_schema if tool is not None else None


def build_server() -> Server[Any]:
    """The MCP server: CreatorVault's tools and the expand_idea prompt."""
    return Server(
        SERVER_NAME,
        version=SERVER_VERSION,
        title="CreatorVault",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
        # 2026-07-28 clients send Mcp-Param-* headers checked against the input schema; without
        # this the SDK would run list_tools on every call to find it.
        get_tool_input_schema=_input_schema,
    )
