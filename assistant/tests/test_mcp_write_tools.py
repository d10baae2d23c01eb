"""The write tools over MCP: they go through the ideas services (revisions, versions, the trash)."""

from __future__ import annotations

import pytest

from assistant.tests.helpers import structured, tool_error
from ideas.models import Idea, IdeaRevision


def test_add_idea_creates_an_idea_like_the_app_does(tool, owner, mint_token, owner_client):
    result = structured(
        tool(
            mint_token(owner),
            "add_idea",
            {"title": "  Studio tour  ", "notes": "Show the lights.", "tags": ["Video", "video", "studio"],
             "due_date": "2026-05-01T09:00:00+02:00"},
        )
    )  # fmt: skip
    idea = result["idea"]
    assert (idea["title"], idea["tags"], idea["stage"], idea["priority"]) == (
        "Studio tour",
        ["video", "studio"],
        "idea",
        "medium",
    )
    assert idea["due_date"] == "2026-05-01T07:00:00Z" and idea["has_notes"] is True
    assert result["changed"] == ["title", "notes", "tags", "due_date"]
    served = owner_client.get(f"/api/v1/ideas/{idea['id']}").json()["data"]
    assert served["notes"] == "Show the lights." and served["user_id"] == owner.pk


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "Ok", "stage": "done"}, "stage"),
        ({"title": "Ok", "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"title": "Ok", "due_date": "next friday"}, "due_date"),
        ({"title": "Ok", "notes": "n" * 5001}, "notes"),
        ({"title": "Ok", "user_id": "someone"}, "user_id"),
    ],
)
def test_add_idea_bad_input_names_the_argument(tool, owner, mint_token, arguments, argument):
    error = tool_error(tool(mint_token(owner), "add_idea", arguments))
    assert error["code"] == "invalid_arguments"
    assert error["arguments"][0]["argument"] == argument
    assert Idea.objects.count() == 0


def test_update_idea_keeps_a_revision_and_names_the_new_version(
    tool, owner, mint_token, make_idea, owner_client
):
    idea = make_idea(title="Draft title", tags=["a"])
    result = structured(
        tool(
            mint_token(owner), "update_idea", {"idea_id": str(idea.pk), "version": 1, "title": "Final title"}
        )
    )
    assert result["changed"] == ["title"]
    assert (result["idea"]["title"], result["idea"]["version"]) == ("Final title", 2)
    revisions = owner_client.get(f"/api/v1/ideas/{idea.pk}/revisions").json()["data"]["revisions"]
    assert [(r["rev"], r["title"], r["changed_fields"]) for r in revisions] == [(1, "Draft title", ["title"])]
    restored = owner_client.post(f"/api/v1/ideas/{idea.pk}/revisions/1/restore")
    assert restored.json()["data"]["title"] == "Draft title"


def test_update_idea_with_a_stale_version_changes_nothing_and_names_the_current_one(
    tool, owner, mint_token, make_idea
):
    idea = make_idea(title="Shared")
    token = mint_token(owner)
    structured(tool(token, "update_idea", {"idea_id": str(idea.pk), "version": 1, "priority": "high"}))
    error = tool_error(
        tool(token, "update_idea", {"idea_id": str(idea.pk), "version": 1, "title": "Lost write"})
    )
    assert error["code"] == "version_conflict"
    assert error["current_version"] == 2
    assert "version 2" in error["message"]
    idea.refresh_from_db()
    assert (idea.title, idea.priority, idea.version) == ("Shared", "high", 2)


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"version": 1, "title": "x" * 201}, "title"),
        ({"version": 1, "priority": "urgent"}, "priority"),
        ({"version": 0, "title": "Ok"}, "version"),
        ({"title": "Ok"}, "version"),
        ({"version": 1, "stage": "draft"}, "stage"),
    ],
)
def test_update_idea_bad_input(tool, owner, mint_token, make_idea, arguments, argument):
    idea = make_idea()
    error = tool_error(tool(mint_token(owner), "update_idea", {"idea_id": str(idea.pk), **arguments}))
    assert error["code"] == "invalid_arguments"
    assert error["arguments"][0]["argument"] == argument


def test_update_idea_without_changes_says_what_it_takes(tool, owner, mint_token, make_idea):
    idea = make_idea()
    error = tool_error(tool(mint_token(owner), "update_idea", {"idea_id": str(idea.pk), "version": 1}))
    assert error["code"] == "invalid_arguments"
    assert "title, notes, tags, priority or due_date" in error["message"]


def test_due_date_can_be_cleared(tool, owner, mint_token, make_idea):
    idea = make_idea(due_date="2026-01-01T00:00:00Z")
    result = structured(
        tool(mint_token(owner), "update_idea", {"idea_id": str(idea.pk), "version": 1, "due_date": None})
    )
    assert result["idea"]["due_date"] is None and result["changed"] == ["due_date"]


def test_change_stage_moves_an_idea_and_twice_changes_nothing(tool, owner, mint_token, make_idea):
    idea = make_idea()
    token = mint_token(owner)
    moved = structured(tool(token, "change_stage", {"idea_id": str(idea.pk), "stage": "outline"}))
    assert (moved["idea"]["stage"], moved["idea"]["version"], moved["changed"]) == ("outline", 2, ["stage"])
    again = structured(tool(token, "change_stage", {"idea_id": str(idea.pk), "stage": "outline"}))
    assert (again["idea"]["version"], again["changed"]) == (2, [])
    assert IdeaRevision.objects.filter(idea=idea).count() == 1
    stale = tool_error(tool(token, "change_stage", {"idea_id": str(idea.pk), "stage": "draft", "version": 1}))
    assert stale["code"] == "version_conflict" and stale["current_version"] == 2
    bad = tool_error(tool(token, "change_stage", {"idea_id": str(idea.pk), "stage": "shipped"}))
    assert bad["arguments"][0]["argument"] == "stage"


def test_delete_idea_moves_it_to_the_trash_and_restore_brings_it_back(
    tool, owner, mint_token, make_idea, owner_client
):
    idea = make_idea(title="Maybe later")
    token = mint_token(owner)
    deleted = structured(tool(token, "delete_idea", {"idea_id": str(idea.pk)}))
    assert deleted["idea"]["id"] == str(idea.pk) and deleted["trashed_at"]
    trash = owner_client.get("/api/v1/trash").json()["data"]["ideas"]
    assert [i["id"] for i in trash] == [str(idea.pk)]
    assert tool_error(tool(token, "get_idea", {"idea_id": str(idea.pk)}))["code"] == "not_found"
    assert tool_error(tool(token, "delete_idea", {"idea_id": str(idea.pk)}))["code"] == "not_found"

    restored = structured(tool(token, "restore_idea", {"idea_id": str(idea.pk)}))
    assert restored["idea"]["title"] == "Maybe later"
    assert owner_client.get("/api/v1/trash").json()["data"]["ideas"] == []
    again = tool_error(tool(token, "restore_idea", {"idea_id": str(idea.pk)}))
    assert again["code"] == "not_found" and "trash" in again["message"]


def test_delete_idea_with_a_stale_version_keeps_it(tool, owner, mint_token, make_idea):
    idea = make_idea()
    token = mint_token(owner)
    structured(tool(token, "change_stage", {"idea_id": str(idea.pk), "stage": "draft"}))
    error = tool_error(tool(token, "delete_idea", {"idea_id": str(idea.pk), "version": 1}))
    assert error["code"] == "version_conflict" and error["current_version"] == 2
    idea.refresh_from_db()
    assert idea.trashed_at is None
