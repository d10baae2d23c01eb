"""The AI activity ledger: one row per tool call, no content; read, exported, imported, erased."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import PersonalAccessToken, User
from assistant.models import AIActivity
from assistant.tests.helpers import structured, tool_error
from ideas.models import Idea

ACTIVITY = "/api/v1/users/me/ai-activity"


def _ledger(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get(ACTIVITY, params)
    assert response.status_code == 200, response.content
    return dict(response.json()["data"])


def test_each_call_is_recorded_without_content(tool, owner, mint_token, make_idea, owner_client):
    idea = make_idea(title="Secret project Zephyr", notes="Launch words nobody should see.", tags=["zephyr"])
    token = mint_token(owner)
    structured(tool(token, "search_ideas", {"query": "zephyr"}))
    structured(tool(token, "get_idea", {"idea_id": str(idea.pk), "include_notes": True}))
    structured(tool(token, "update_idea", {"idea_id": str(idea.pk), "version": 1, "priority": "high"}))
    tool_error(tool(token, "get_idea", {"idea_id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b"}))

    rows = _ledger(owner_client)["activity"]
    assert [(r["tool"], r["outcome"], r["error_code"]) for r in rows] == [
        ("get_idea", "error", "not_found"),
        ("update_idea", "ok", ""),
        ("get_idea", "ok", ""),
        ("search_ideas", "ok", ""),
    ]
    missing, update, read, search = rows
    assert missing["idea_ids"] == []
    assert update["idea_ids"] == [str(idea.pk)] and update["fields_changed"] == ["priority"]
    assert read["fields_returned"] == ["title", "stage", "priority", "tags", "due_date", "notes"]
    assert search["fields_returned"] == ["title", "stage", "priority", "tags", "due_date"]
    for row in rows:
        assert row["surface"] == "mcp" and row["credential"] == "session" and row["token_ref"] == ""
        assert row["client_name"].startswith("python-httpx")  # handshake era: no clientInfo per call
        assert row["request_id"].startswith("req_")
    stored = json.dumps(list(AIActivity.objects.values()), default=str)
    for content in ("Zephyr", "zephyr", "Launch words", "high"):
        assert content not in stored


def test_the_client_and_token_are_named(tool, owner, scoped_token, make_idea, owner_client):
    make_idea()
    structured(tool(scoped_token(owner, "ideas:read"), "list_ideas", {}, mode="auto"))
    (row,) = _ledger(owner_client)["activity"]
    assert row["credential"] == "personal_token"
    assert row["token_ref"] == PersonalAccessToken.objects.get(owner=owner).prefix
    assert row["client_name"] == "mcp"  # the 2026 era carries the SDK client's clientInfo on every call


def test_refused_calls_and_prompts_are_recorded(tool, mcp_call, owner, scoped_token, make_idea, owner_client):
    idea = make_idea()
    token = scoped_token(owner, "ideas:read")
    tool_error(tool(token, "add_idea", {"title": "No"}))
    tool_error(tool(token, "list_ideas", {"limit": 99}))

    async def scenario(client: Any) -> Any:
        return await client.get_prompt("expand_idea", {"idea_id": str(idea.pk)})

    mcp_call(token, scenario)
    rows = _ledger(owner_client)["activity"]
    assert [(r["tool"], r["error_code"], r["idea_ids"]) for r in rows] == [
        ("expand_idea", "", [str(idea.pk)]),
        ("list_ideas", "invalid_arguments", []),
        ("add_idea", "insufficient_scope", []),
    ]


def test_a_write_is_never_acknowledged_without_its_record(tool, owner, mint_token, monkeypatch):
    from assistant.tools import runner

    calls = {"n": 0}
    record = runner.activity_record

    def failing_once(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("ledger unavailable")
        return record(**kwargs)

    monkeypatch.setattr(runner, "activity_record", failing_once)
    error = tool_error(tool(mint_token(owner), "add_idea", {"title": "Unrecorded"}))
    assert error["code"] == "internal_error" and "req_" in error["message"]
    assert not Idea.objects.exists()
    (row,) = AIActivity.objects.all()
    assert (row.tool, row.error_code) == ("add_idea", "internal_error")


def test_the_ledger_is_cursor_paginated_newest_first(tool, owner, mint_token, make_idea, owner_client):
    make_idea()
    token = mint_token(owner)
    for _ in range(3):
        tool(token, "list_tags", {})
    first = _ledger(owner_client, limit=2)
    assert first["pagination"]["has_more"] is True and len(first["activity"]) == 2
    tool(token, "list_ideas", {})  # a newer call does not shift the next page
    rest = _ledger(owner_client, limit=2, cursor=first["pagination"]["next_cursor"])
    assert [r["tool"] for r in rest["activity"]] == ["list_tags"]
    assert rest["pagination"] == {"limit": 2, "next_cursor": None, "has_more": False}
    assert _ledger(owner_client)["activity"][0]["tool"] == "list_ideas"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"cursor": "forged"}, "cursor"), ({"limit": "101"}, "limit"), ({"page": "2"}, "page")],
)
def test_bad_ledger_parameters_are_a_400(owner_client, params, field):
    response = owner_client.get(ACTIVITY, params)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


def test_a_creator_sees_only_their_own_ledger(tool, owner, outsider, mint_token, make_idea, client_for):
    make_idea()
    for _ in range(2):
        tool(mint_token(owner), "list_ideas", {})
    assert _ledger(client_for(outsider))["activity"] == []
    owners_cursor = _ledger(client_for(owner), limit=1)["pagination"]["next_cursor"]
    assert owners_cursor is not None
    refused = client_for(outsider).get(ACTIVITY, {"cursor": owners_cursor})
    assert refused.status_code == 400
    assert "different list" in refused.json()["error"]["message"]


def test_export_carries_the_ledger_and_import_restores_it(
    tool, owner, mint_token, make_idea, client_for, tmp_path
):
    idea = make_idea()
    tool(mint_token(owner), "get_idea", {"idea_id": str(idea.pk)})
    document = client_for(owner).get("/api/v1/users/me/export").json()["data"]
    (row,) = document["ai_activity"]
    assert row["tool"] == "get_idea" and row["idea_ids"] == [str(idea.pk)]
    assert "user" not in row and "id" not in row

    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    assert client_for(owner).delete("/api/v1/users/me").status_code == 204
    assert not AIActivity.objects.exists()
    call_command("import_user_data", str(path), stdout=StringIO())
    user = User.objects.get(pk=owner.pk)
    again = client_for(user).get("/api/v1/users/me/export").json()["data"]
    assert again["ai_activity"] == document["ai_activity"]


def test_an_export_from_before_the_ledger_still_imports(owner, make_idea, client_for, tmp_path):
    make_idea(title="Old export")
    document = client_for(owner).get("/api/v1/users/me/export").json()["data"]
    del document["ai_activity"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document))
    client_for(owner).delete("/api/v1/users/me")
    call_command("import_user_data", str(path), stdout=StringIO())
    assert Idea.objects.get(user_id=owner.pk).title == "Old export"


def test_erasure_removes_the_ledger(tool, owner, outsider, mint_token, make_idea, client_for):
    make_idea()
    make_idea(user=outsider)
    tool(mint_token(owner), "list_ideas", {})
    tool(mint_token(outsider), "list_ideas", {})
    out = StringIO()
    call_command("erase_user", owner.email, "--yes", stdout=out)
    assert "1 AI activity record(s)" in out.getvalue()
    assert list(AIActivity.objects.values_list("user_id", flat=True)) == [outsider.pk]
