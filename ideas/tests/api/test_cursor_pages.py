"""Cursor pages of ideas, trash and revisions: no row skipped or repeated while rows are added and
removed between pages, in every sort order (ties broken by id); the cursor wins over `offset`;
one query per cursor page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from ideas.models import Idea
from ideas.selectors.params import SORT_FIELDS
from ideas.tests.helpers import IDEAS, create_idea

pytestmark = pytest.mark.django_db

TRASH = "/api/v1/trash"
STAGES = ["idea", "outline", "draft", "published"]
PRIORITIES = ["low", "medium", "high"]


def seed(make_idea: Any, count: int) -> list[Idea]:
    """Ideas with many equal sort keys (titles, stages, priorities, due dates, times repeat)."""
    start = timezone.now() - timedelta(days=10)
    ideas = []
    for n in range(count):
        stamp = start + timedelta(hours=n // 3)  # three ideas per time stamp: ties
        idea = make_idea(
            title=["Alpha", "beta", "Gamma"][n % 3],
            stage=STAGES[n % 4],
            priority=PRIORITIES[n % 3],
            due_date=None if n % 4 == 0 else start + timedelta(days=n % 5),
        )
        Idea.objects.filter(pk=idea.pk).update(created_at=stamp, updated_at=stamp)
        ideas.append(idea)
    return ideas


def walk(client: APIClient, path: str, key: str, limit: int, between: Any, **query: Any) -> list[str]:
    """Follow `next_cursor` to the end, calling `between(page_number)` after each page."""
    seen: list[str] = []
    response = client.get(path, {"limit": limit, **query})
    number = 0
    while True:
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        seen.extend(item["id"] if "id" in item else str(item["rev"]) for item in data[key])
        cursor = data["pagination"]["next_cursor"]
        assert data["pagination"]["has_more"] is (cursor is not None)
        if cursor is None:
            return seen
        number += 1
        between(number)
        response = client.get(path, {"limit": limit, "cursor": cursor, **query})
        assert response.json()["data"]["pagination"]["total"] is None


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", SORT_FIELDS)
def test_cursor_pages_neither_skip_nor_repeat_while_ideas_come_and_go(
    owner_client: APIClient, make_idea: Any, sort: str, order: str
) -> None:
    ideas = seed(make_idea, 14)
    query: dict[str, Any] = {"sort": sort, "order": order}
    expected_order = [
        i["id"] for i in owner_client.get(IDEAS, {"limit": 100, **query}).json()["data"]["ideas"]
    ]
    assert sorted(expected_order) == sorted(str(i.pk) for i in ideas)
    removed: set[str] = set()
    added: set[str] = set()
    pending = list(reversed(expected_order))  # trash from both ends: already seen and not yet seen

    def between(number: int) -> None:
        for victim in (pending.pop(), pending.pop(0)):
            assert owner_client.delete(f"{IDEAS}/{victim}").status_code == 204
            removed.add(victim)
        added.add(
            create_idea(owner_client, title=["Alpha", "Zed"][number % 2], stage=STAGES[number % 4])["id"]
        )

    seen = walk(owner_client, IDEAS, "ideas", 3, between, **query)
    assert len(seen) == len(set(seen)), "a row was repeated"
    stayed = [idea_id for idea_id in expected_order if idea_id not in removed]
    assert [idea_id for idea_id in seen if idea_id in stayed] == stayed, "a row was skipped or reordered"
    assert set(seen) <= set(expected_order) | added


def test_trash_cursor_pages_neither_skip_nor_repeat(owner_client: APIClient, make_idea: Any) -> None:
    ideas = seed(make_idea, 10)
    now = timezone.now()
    for idea in ideas:
        owner_client.delete(f"{IDEAS}/{idea.pk}")
    for n, idea in enumerate(ideas):  # equal trash times, in pairs
        Idea.objects.filter(pk=idea.pk).update(trashed_at=now - timedelta(minutes=n // 2))
    expected = [i["id"] for i in owner_client.get(TRASH, {"limit": 100}).json()["data"]["ideas"]]
    restored: set[str] = set()

    def between(number: int) -> None:
        victim = expected[-number]
        assert owner_client.post(f"{TRASH}/{victim}/restore").status_code == 200
        restored.add(victim)
        fresh = create_idea(owner_client, title="Newly trashed")
        owner_client.delete(f"{IDEAS}/{fresh['id']}")

    seen = walk(owner_client, TRASH, "ideas", 3, between)
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in expected] == [i for i in expected if i not in restored]


def test_revision_cursor_pages_neither_skip_nor_repeat(owner_client: APIClient) -> None:
    idea = create_idea(owner_client, title="v0")
    for n in range(1, 8):
        owner_client.patch(f"{IDEAS}/{idea['id']}", {"title": f"v{n}"}, format="json")
    path = f"{IDEAS}/{idea['id']}/revisions"
    expected = [str(r["rev"]) for r in owner_client.get(path, {"limit": 100}).json()["data"]["revisions"]]
    assert expected == [str(n) for n in range(7, 0, -1)]

    def between(number: int) -> None:  # new revisions arrive at the front while paging
        owner_client.patch(f"{IDEAS}/{idea['id']}", {"title": f"later {number}"}, format="json")

    assert walk(owner_client, path, "revisions", 2, between) == expected


def test_the_cursor_wins_over_offset(owner_client: APIClient, make_idea: Any) -> None:
    seed(make_idea, 6)
    first = owner_client.get(IDEAS, {"limit": 2}).json()["data"]
    cursor = first["pagination"]["next_cursor"]
    by_cursor = owner_client.get(IDEAS, {"limit": 2, "cursor": cursor}).json()["data"]
    with_offset = owner_client.get(IDEAS, {"limit": 2, "cursor": cursor, "offset": 5}).json()["data"]
    assert unsigned(with_offset) == unsigned(by_cursor)
    assert by_cursor["pagination"]["offset"] is None
    by_offset = owner_client.get(IDEAS, {"limit": 2, "offset": 2}).json()["data"]
    assert [i["id"] for i in by_offset["ideas"]] == [i["id"] for i in by_cursor["ideas"]]
    assert (
        unsigned(by_offset)["pagination"]["next_cursor"] == unsigned(by_cursor)["pagination"]["next_cursor"]
    )


def unsigned(page: dict[str, Any]) -> dict[str, Any]:
    """The page with its cursors' signature and signing time cut off (two requests a second apart
    sign the same position differently)."""
    pagination = {
        key: value.rsplit(":", 2)[0] if key.endswith("cursor") and isinstance(value, str) else value
        for key, value in page["pagination"].items()
    }
    return {**page, "pagination": pagination}


def test_a_cursor_page_is_one_query(owner_client: APIClient, make_idea: Any) -> None:
    seed(make_idea, 6)
    cursor = owner_client.get(IDEAS, {"limit": "2", "sort": "title"}).json()["data"]["pagination"][
        "next_cursor"
    ]
    owner_client.get(IDEAS, {"limit": 2, "sort": "title", "cursor": cursor})  # warm the token cache
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(IDEAS, {"limit": 2, "sort": "title", "cursor": cursor})
    assert response.status_code == 200
    ideas_queries = [q["sql"] for q in queries.captured_queries if '"ideas_idea"' in q["sql"]]
    assert len(ideas_queries) == 1, ideas_queries


@pytest.mark.parametrize(
    "cursor_of",
    [
        lambda client: "not-a-cursor",
        lambda client: client.get(IDEAS, {"limit": 1, "sort": "title"}).json()["data"]["pagination"][
            "next_cursor"
        ],
        lambda client: client.get(TRASH, {"limit": 1}).json()["data"]["pagination"]["next_cursor"] or "x",
    ],
    ids=["garbage", "other-sort", "other-list"],
)
def test_a_foreign_cursor_is_a_400_naming_it(owner_client: APIClient, make_idea: Any, cursor_of: Any) -> None:
    seed(make_idea, 3)
    response = owner_client.get(IDEAS, {"limit": 1, "cursor": cursor_of(owner_client)})
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "cursor"


def test_another_users_cursor_is_refused(
    owner_client: APIClient, outsider_client: APIClient, make_idea: Any
) -> None:
    seed(make_idea, 3)
    cursor = owner_client.get(IDEAS, {"limit": 1}).json()["data"]["pagination"]["next_cursor"]
    response = outsider_client.get(IDEAS, {"limit": 1, "cursor": cursor})
    assert response.status_code == 400


@pytest.mark.parametrize("path", [IDEAS, TRASH, "revisions", "/api/v1/conversations"])
def test_an_empty_cursor_is_the_first_page_on_every_cursor_list(
    owner_client: APIClient, make_idea: Any, path: str
) -> None:
    # `cursor=` is what a client sends for "no cursor yet" (a null rendered into a query); every
    # cursor list answers its first page, as the conversations list always did.
    idea = make_idea()
    if path == "revisions":
        path = f"{IDEAS}/{idea.pk}/revisions"
    response = owner_client.get(path, {"cursor": ""})
    assert response.status_code == 200, response.json()
