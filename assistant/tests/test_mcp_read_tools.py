"""The read tools over MCP: happy paths, bad input as tool errors, cursor pagination across pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assistant.tests.helpers import structured, tool_error

MISSING_ID = "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b"


def test_list_ideas_filters_and_sorts(tool, owner, mint_token, make_idea):
    make_idea(title="Banana bread", stage="draft", priority="high", tags=["food", "video"])
    make_idea(title="apple pie", stage="draft", priority="low", tags=["food"])
    make_idea(title="Camera review", stage="idea", tags=["video"])
    token = mint_token(owner)

    drafts = structured(tool(token, "list_ideas", {"stage": "draft", "sort": "title", "order": "asc"}))
    assert [idea["title"] for idea in drafts["ideas"]] == ["apple pie", "Banana bread"]
    assert (drafts["total"], drafts["has_more"], drafts["next_cursor"]) == (2, False, None)
    tagged = structured(tool(token, "list_ideas", {"tags": ["Video", "food"]}))
    assert [idea["title"] for idea in tagged["ideas"]] == ["Banana bread"]
    first = tagged["ideas"][0]
    assert set(first) == {
        "id", "title", "stage", "priority", "tags", "due_date", "has_notes", "version", "updated_at",
    }  # fmt: skip
    assert "notes" not in first


def test_list_ideas_pages_stay_right_while_ideas_come_and_go(tool, owner, mint_token, make_idea):
    # Five ideas created at the same moment: the order among them is by id, and stays so.
    moment = timezone.now() - timedelta(days=1)
    ideas = [make_idea(title=f"Same time {i}", created_at=moment, updated_at=moment) for i in range(5)]
    older = make_idea(title="Oldest", created_at=moment - timedelta(days=1))
    token = mint_token(owner)
    expected = [str(i.pk) for i in sorted(ideas, key=lambda i: i.pk, reverse=True)] + [str(older.pk)]

    first = structured(tool(token, "list_ideas", {"limit": 2}))
    assert [i["id"] for i in first["ideas"]] == expected[:2]
    assert first["has_more"] is True and first["total"] == 6
    # Meanwhile: a new idea (sorts before the cursor) and a deleted one (after it).
    make_idea(title="Brand new")
    tool(token, "delete_idea", {"idea_id": expected[3]})
    second = structured(tool(token, "list_ideas", {"limit": 2, "cursor": first["next_cursor"]}))
    third = structured(tool(token, "list_ideas", {"limit": 2, "cursor": second["next_cursor"]}))
    seen = [i["id"] for i in first["ideas"] + second["ideas"] + third["ideas"]]
    assert seen == [expected[0], expected[1], expected[2], expected[4], expected[5]]
    assert third["has_more"] is False and third["next_cursor"] is None


def test_list_ideas_sorted_by_due_date_pages_through_ideas_without_one(tool, owner, mint_token, make_idea):
    soon = timezone.now() + timedelta(days=1)
    make_idea(title="Due later", due_date=soon + timedelta(days=1))
    make_idea(title="Due soon", due_date=soon)
    make_idea(title="No date A")
    make_idea(title="No date B")
    token = mint_token(owner)
    titles: list[str] = []
    arguments: dict[str, Any] = {"sort": "due_date", "order": "asc", "limit": 1}
    while True:
        page = structured(tool(token, "list_ideas", arguments))
        titles += [i["title"] for i in page["ideas"]]
        if page["next_cursor"] is None:
            break
        arguments["cursor"] = page["next_cursor"]
    assert titles[:2] == ["Due soon", "Due later"]
    assert sorted(titles[2:]) == ["No date A", "No date B"]


def test_list_ideas_in_trash(tool, owner, mint_token, make_idea):
    make_idea(title="Live")
    make_idea(title="Binned", trashed_at=timezone.now())
    listed = structured(tool(mint_token(owner), "list_ideas", {"in_trash": True}))
    assert [i["title"] for i in listed["ideas"]] == ["Binned"]


@pytest.mark.parametrize(
    ("arguments", "argument", "words"),
    [
        ({"limit": 51}, "limit", "at most 50"),
        ({"limit": 0}, "limit", "at least 1"),
        ({"limit": "5"}, "limit", "must be an integer"),
        ({"stage": "done"}, "stage", "one of idea, outline, draft, published"),
        ({"sort": "random"}, "sort", "one of created_at"),
        ({"tags": "video"}, "tags", "must be a list"),
        ({"tags": ["x" * 51]}, "tags[0]", "at most 50 characters"),
        ({"colour": "red"}, "colour", "unknown argument"),
        ({"cursor": "not-a-cursor"}, "cursor", "not a cursor this server issued"),
    ],
)
def test_list_ideas_bad_input_is_a_tool_error_naming_the_argument(
    tool, owner, mint_token, arguments, argument, words
):
    error = tool_error(tool(mint_token(owner), "list_ideas", arguments))
    assert error["code"] == "invalid_arguments"
    assert error["arguments"][0]["argument"] == argument
    assert f"`{argument}`" in error["message"]
    assert words in error["message"] + " " + error["arguments"][0]["allowed"]


def test_a_cursor_only_fits_the_listing_it_came_from(tool, owner, mint_token, make_idea):
    for i in range(3):
        make_idea(title=f"Idea {i}", stage="draft")
    token = mint_token(owner)
    cursor = structured(tool(token, "list_ideas", {"limit": 1}))["next_cursor"]
    error = tool_error(tool(token, "list_ideas", {"limit": 1, "stage": "draft", "cursor": cursor}))
    assert error["arguments"][0]["argument"] == "cursor"
    assert "different list" in error["message"]


def test_search_says_where_ideas_matched_and_never_shows_notes(tool, owner, mint_token, make_idea):
    make_idea(title="Sourdough starter guide", notes="Feed it flour daily.")
    make_idea(title="Camera bag", notes="Fits a sourdough loaf, oddly. Private remark.")
    make_idea(title="Unrelated", notes="Nothing here.")
    result = tool(mint_token(owner), "search_ideas", {"query": "sourdough"})
    found = structured(result)
    by_title = {i["title"]: i["matched_in"] for i in found["ideas"]}
    assert by_title == {"Sourdough starter guide": ["title"], "Camera bag": ["notes"]}
    assert found["total"] == 2
    wire = " ".join(block.text for block in result.content)
    assert "Private remark" not in wire and "flour" not in wire


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [({}, "query"), ({"query": ""}, "query"), ({"query": "   "}, "query"), ({"query": "a\x00b"}, "query")],
)
def test_search_bad_input(tool, owner, mint_token, arguments, argument):
    error = tool_error(tool(mint_token(owner), "search_ideas", arguments))
    assert error["code"] == "invalid_arguments"
    assert error["arguments"][0]["argument"] == argument


def test_search_pages_across_results(tool, owner, mint_token, make_idea):
    for i in range(5):
        make_idea(title=f"Podcast episode {i}")
    token = mint_token(owner)
    page = structured(tool(token, "search_ideas", {"query": "podcast", "limit": 3}))
    rest = structured(
        tool(token, "search_ideas", {"query": "podcast", "limit": 3, "cursor": page["next_cursor"]})
    )
    titles = [i["title"] for i in page["ideas"] + rest["ideas"]]
    assert sorted(titles) == [f"Podcast episode {i}" for i in range(5)]
    assert rest["has_more"] is False


def test_get_idea_withholds_notes_unless_a_session_asks(tool, owner, mint_token, make_idea):
    idea = make_idea(title="Launch plan", notes="Secret launch date: May 3.", tags=["launch"])
    token = mint_token(owner)

    plain = structured(tool(token, "get_idea", {"idea_id": str(idea.pk)}))
    assert plain["title"] == "Launch plan" and plain["has_notes"] is True
    assert plain["notes"] is None
    assert "include_notes" in plain["notes_withheld"]
    asked = structured(tool(token, "get_idea", {"idea_id": str(idea.pk), "include_notes": True}))
    assert asked["notes"] == "Secret launch date: May 3." and asked["notes_withheld"] is None


def test_an_idea_without_notes_withholds_nothing(tool, owner, mint_token, make_idea):
    idea = make_idea(title="Bare")
    got = structured(tool(mint_token(owner), "get_idea", {"idea_id": str(idea.pk)}))
    assert (got["has_notes"], got["notes"], got["notes_withheld"]) == (False, "", None)


def test_another_creators_idea_is_not_found_exactly_like_a_missing_one(
    tool, owner, outsider, mint_token, make_idea
):
    theirs = make_idea(user=outsider, title="Not yours")
    token = mint_token(owner)
    for name, extra in (
        ("get_idea", {}),
        ("update_idea", {"version": 1, "title": "Mine now"}),
        ("change_stage", {"stage": "draft"}),
        ("delete_idea", {}),
        ("restore_idea", {}),
    ):
        other = tool_error(tool(token, name, {"idea_id": str(theirs.pk), **extra}))
        missing = tool_error(tool(token, name, {"idea_id": MISSING_ID, **extra}))
        assert other == missing, name
        assert other["code"] == "not_found"
    listed = structured(tool(token, "list_ideas", {}))
    assert listed["total"] == 0
    theirs.refresh_from_db()
    assert (theirs.title, theirs.stage, theirs.trashed_at) == ("Not yours", "idea", None)


def test_a_malformed_id_is_a_bad_argument(tool, owner, mint_token):
    error = tool_error(tool(mint_token(owner), "get_idea", {"idea_id": "42"}))
    assert error["code"] == "invalid_arguments"
    assert error["arguments"][0] == {
        "argument": "idea_id",
        "problem": "must be an idea id (a UUID, as list_ideas and search_ideas return them).",
        "allowed": "an idea id (a UUID, as list_ideas and search_ideas return them)",
    }


def test_list_tags_counts_and_pages(tool, owner, mint_token, make_idea):
    make_idea(tags=["video", "food"])
    make_idea(tags=["video"])
    make_idea(tags=["audio", "video", "food"])
    token = mint_token(owner)
    first = structured(tool(token, "list_tags", {"limit": 2}))
    assert first["tags"] == [{"tag": "video", "count": 3}, {"tag": "food", "count": 2}]
    assert (first["total"], first["has_more"]) == (3, True)
    make_idea(tags=["zebra"])  # a new tag sorting after the cursor shows up on the next page
    rest = structured(tool(token, "list_tags", {"limit": 2, "cursor": first["next_cursor"]}))
    assert rest["tags"] == [{"tag": "audio", "count": 1}, {"tag": "zebra", "count": 1}]
    bad = tool_error(tool(token, "list_tags", {"cursor": first["next_cursor"][:-3] + "abc"}))
    assert bad["arguments"][0]["argument"] == "cursor"
