"""The MCP protocol itself, through the official Python client: handshake, listing, prompts, eras."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp.shared.exceptions import MCPError

from assistant.tests.helpers import structured

TOOL_NAMES = [
    "list_ideas",
    "search_ideas",
    "get_idea",
    "add_idea",
    "update_idea",
    "change_stage",
    "delete_idea",
    "restore_idea",
    "list_tags",
]
# (readOnlyHint, destructiveHint, idempotentHint) of each tool; openWorldHint is always false.
HINTS = {
    "list_ideas": (True, False, True),
    "search_ideas": (True, False, True),
    "get_idea": (True, False, True),
    "list_tags": (True, False, True),
    "add_idea": (False, False, False),
    "update_idea": (False, False, True),
    "change_stage": (False, False, True),
    "delete_idea": (False, True, True),
    "restore_idea": (False, False, True),
}


def test_initialize_names_the_server_and_its_capabilities(mcp_call, owner, mint_token):
    async def scenario(client: Any) -> Any:
        return client.protocol_version, client.server_info, client.server_capabilities, client.instructions

    version, info, capabilities, instructions = mcp_call(mint_token(owner), scenario, mode="legacy")
    assert version == "2025-11-25"
    assert (info.name, info.title) == ("creatorvault", "CreatorVault")
    assert "notes are private" in instructions
    assert capabilities.tools is not None
    assert capabilities.prompts is not None
    assert capabilities.resources is None


def test_the_stateless_2026_era_works_too(mcp_call, owner, mint_token, make_idea):
    make_idea(title="Modern era")

    async def scenario(client: Any) -> Any:
        tools = await client.list_tools()
        listed = await client.call_tool("list_ideas", {})
        return client.protocol_version, tools, listed

    version, tools, listed = mcp_call(mint_token(owner), scenario, mode="auto")
    assert version == "2026-07-28"
    assert [tool.name for tool in tools.tools] == TOOL_NAMES
    assert [idea["title"] for idea in structured(listed)["ideas"]] == ["Modern era"]


def _listing(mcp_call: Any, token: str) -> Any:
    async def scenario(client: Any) -> Any:
        return await client.list_tools()

    return mcp_call(token, scenario)


def test_tools_list_names_annotations_and_schemas(mcp_call, owner, mint_token):
    tools = _listing(mcp_call, mint_token(owner)).tools
    assert [tool.name for tool in tools] == TOOL_NAMES
    for tool in tools:
        hints = tool.annotations
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == HINTS[tool.name]
        assert hints.open_world_hint is False
        assert tool.title
        assert len(tool.description) > 40, tool.name
        for schema in (tool.input_schema, tool.output_schema):
            Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object"
        assert tool.input_schema["additionalProperties"] is False
        for name, prop in tool.input_schema["properties"].items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
            limited = {"enum", "maximum", "maxLength", "maxItems"} & set(prop) or prop["type"] == "boolean"
            assert limited, f"{tool.name}.{name} has no limit"


def test_list_tools_take_a_limit_of_at_most_50_and_a_cursor(mcp_call, owner, mint_token):
    tools = {tool.name: tool for tool in _listing(mcp_call, mint_token(owner)).tools}
    for name in ("list_ideas", "search_ideas", "list_tags"):
        props = tools[name].input_schema["properties"]
        assert props["limit"]["maximum"] == 50
        assert props["cursor"]["type"] == "string"
        assert {"next_cursor", "has_more", "total"} <= set(tools[name].output_schema["properties"])


def test_expand_idea_is_a_prompt(mcp_call, owner, mint_token, make_idea):
    idea = make_idea(title="Cold brew at home", notes="ratio 1:8", tags=["coffee"], stage="outline")

    async def scenario(client: Any) -> Any:
        prompts = await client.list_prompts()
        outline = await client.get_prompt("expand_idea", {"idea_id": str(idea.pk), "mode": "outline"})
        default = await client.get_prompt("expand_idea", {"idea_id": str(idea.pk)})
        with_notes = await client.get_prompt(
            "expand_idea", {"idea_id": str(idea.pk), "include_notes": "true"}
        )
        return prompts, outline, default, with_notes

    prompts, outline, default, with_notes = mcp_call(mint_token(owner), scenario)
    (prompt,) = prompts.prompts
    assert prompt.name == "expand_idea"
    assert [(a.name, a.required) for a in prompt.arguments] == [
        ("idea_id", True),
        ("mode", False),
        ("include_notes", False),
    ]
    text = outline.messages[0].content.text
    assert outline.messages[0].role == "user"
    assert "Cold brew at home" in text and "coffee" in text and "outline" in text.lower()
    assert "ratio 1:8" not in text and "withheld" in text
    assert "five distinct angles" in default.messages[0].content.text
    assert "ratio 1:8" in with_notes.messages[0].content.text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"idea_id": "nope"}, "idea_id"),
        ({"idea_id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b"}, "No such idea"),
        ({"idea_id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b", "mode": "haiku"}, "mode"),
        ({"idea_id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b", "include_notes": "yes"}, "include_notes"),
    ],
)
def test_expand_idea_with_bad_arguments_is_an_error_naming_them(
    mcp_call, owner, mint_token, arguments, message
):
    async def scenario(client: Any) -> Any:
        with pytest.raises(MCPError) as raised:
            await client.get_prompt("expand_idea", arguments)
        return raised.value

    error = mcp_call(mint_token(owner), scenario)
    assert message in error.error.message


def test_an_unknown_tool_or_prompt_is_a_protocol_error(mcp_call, owner, mint_token):
    async def scenario(client: Any) -> Any:
        errors = []
        for call in (
            client.call_tool("rm_rf", {}),
            client.call_tool("expand_idea", {}),
            client.get_prompt("x", {}),
        ):
            with pytest.raises(MCPError) as raised:
                await call
            errors.append(raised.value.error)
        return errors

    tool, prompt_as_tool, prompt = mcp_call(mint_token(owner), scenario)
    assert "Unknown tool: rm_rf" in tool.message and "list_ideas" in tool.message
    assert "Unknown tool: expand_idea" in prompt_as_tool.message
    assert "Unknown prompt" in prompt.message
