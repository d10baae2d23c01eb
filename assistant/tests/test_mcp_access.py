"""Scopes, read-only mode and notes over MCP: a credential never does more than it was given."""

from __future__ import annotations

from typing import Any

from assistant.tests.helpers import MCP_POST_HEADERS, jsonrpc, structured, tool_error
from ideas.models import Idea

READ_TOOLS = ["list_ideas", "search_ideas", "get_idea", "list_tags"]
WRITE_TOOLS = ["add_idea", "update_idea", "change_stage", "delete_idea", "restore_idea"]


def _names(mcp_call: Any, token: str) -> list[str]:
    async def scenario(client: Any) -> Any:
        return [tool.name for tool in (await client.list_tools()).tools]

    return mcp_call(token, scenario)


def test_a_read_only_token_is_not_even_shown_the_write_tools(mcp_call, tool, owner, scoped_token, make_idea):
    idea = make_idea(title="Keep me")
    token = scoped_token(owner, "ideas:read")
    assert _names(mcp_call, token) == READ_TOOLS
    assert structured(tool(token, "get_idea", {"idea_id": str(idea.pk)}))["title"] == "Keep me"
    for name, arguments in (
        ("add_idea", {"title": "Sneaky"}),
        ("delete_idea", {"idea_id": str(idea.pk)}),
        ("update_idea", {"idea_id": str(idea.pk), "version": 1, "title": "Changed"}),
    ):
        error = tool_error(tool(token, name, arguments))
        assert error["code"] == "insufficient_scope", name
        assert "ideas:write" in error["message"]
    idea.refresh_from_db()
    assert (idea.title, idea.trashed_at, Idea.objects.count()) == ("Keep me", None, 1)


def test_a_write_only_token_cannot_read(mcp_call, tool, owner, scoped_token, make_idea):
    token = scoped_token(owner, "ideas:write")
    assert _names(mcp_call, token) == WRITE_TOOLS
    error = tool_error(tool(token, "list_ideas", {}))
    assert error["code"] == "insufficient_scope" and "ideas:read" in error["message"]


def test_a_token_for_no_tool_is_refused_at_the_door(http_call, owner, scoped_token):
    token = scoped_token(owner, "assistant")

    async def scenario(client_for: Any) -> Any:
        async with client_for(token, MCP_POST_HEADERS) as http:
            return await http.post("/mcp", json=jsonrpc("tools/list"))

    response = http_call(scenario)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="insufficient_scope", scope="ideas:read ideas:write"')


def test_mcp_read_only_mode_takes_the_writes_away_from_everyone(mcp_call, tool, owner, mint_token, settings):
    settings.MCP_READ_ONLY = True
    token = mint_token(owner)  # a full session
    assert _names(mcp_call, token) == READ_TOOLS
    error = tool_error(tool(token, "add_idea", {"title": "Nope"}))
    assert error["code"] == "insufficient_scope" and "MCP_READ_ONLY" in error["message"]
    assert Idea.objects.count() == 0


def test_a_token_without_notes_read_never_gets_notes(tool, mcp_call, owner, scoped_token, make_idea):
    idea = make_idea(title="Diary", notes="Very private words.")
    token = scoped_token(owner, "ideas:read")
    got = structured(tool(token, "get_idea", {"idea_id": str(idea.pk), "include_notes": True}))
    assert got["notes"] is None and "notes:read" in got["notes_withheld"]

    async def scenario(client: Any) -> Any:
        return await client.get_prompt("expand_idea", {"idea_id": str(idea.pk), "include_notes": "true"})

    prompt = mcp_call(token, scenario)
    assert "Very private words." not in prompt.messages[0].content.text


def test_a_token_with_notes_read_gets_notes_but_search_still_shows_none(tool, owner, scoped_token, make_idea):
    idea = make_idea(title="Diary", notes="Very private words.")
    token = scoped_token(owner, "ideas:read", "notes:read")
    got = structured(tool(token, "get_idea", {"idea_id": str(idea.pk)}))
    assert got["notes"] == "Very private words." and got["notes_withheld"] is None
    found = tool(token, "search_ideas", {"query": "private"})
    assert structured(found)["ideas"][0]["matched_in"] == ["notes"]
    assert "Very private words." not in " ".join(block.text for block in found.content)


def test_without_notes_read_search_covers_titles_only(tool, owner, scoped_token, make_idea):
    make_idea(title="Camera bag", notes="A sourdough loaf fits, oddly.")
    make_idea(title="Sourdough guide")
    result = tool(scoped_token(owner, "ideas:read"), "search_ideas", {"query": "sourdough"})
    found = structured(result)
    assert [(i["title"], i["matched_in"]) for i in found["ideas"]] == [("Sourdough guide", ["title"])]
    assert "Titles only" in result.content[0].text
