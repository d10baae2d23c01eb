"""The list: filters, search, semantic sorts with a tie-breaker, pagination, invalid parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea
from ideas.selectors.ideas import idea_list
from ideas.selectors.params import IdeaListParams
from ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 1, 4, 10, 30, tzinfo=UTC)


def titles(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/ideas?{query}")
    assert response.status_code == 200, response.json()
    return [idea["title"] for idea in response.json()["data"]["ideas"]]


@pytest.fixture
def spread(make_idea):
    """Four ideas with distinct stages, priorities, tags, due dates and creation times."""
    rows = [
        ("Alpha", "draft", "low", ["blog", "video"], BASE + timedelta(days=3), "plain"),
        ("bravo", "idea", "high", ["blog"], None, "mentions KUBERNETES"),
        ("Charlie", "published", "medium", ["podcast"], BASE + timedelta(days=1), ""),
        ("delta", "outline", "high", ["video", "blog"], BASE + timedelta(days=2), ""),
    ]
    for n, (title, stage, priority, tags, due, notes) in enumerate(rows):
        make_idea(
            title=title,
            stage=stage,
            priority=priority,
            tags=tags,
            due_date=due,
            notes=notes,
            created_at=BASE + timedelta(hours=n),
            updated_at=BASE + timedelta(hours=10 - n),
        )


def test_default_order_is_newest_first(owner_client, spread):
    assert titles(owner_client) == ["delta", "Charlie", "bravo", "Alpha"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=draft", ["Alpha"]),
        ("priority=high", ["delta", "bravo"]),
        ("tags=blog", ["delta", "bravo", "Alpha"]),
        ("tags=blog,video", ["delta", "Alpha"]),
        ("tags=%20Video%20,BLOG", ["delta", "Alpha"]),
        ("tags=blog,podcast", []),
        ("tags=", ["delta", "Charlie", "bravo", "Alpha"]),
        ("search=ALP", ["Alpha"]),
        ("search=kubernetes", ["bravo"]),
        ("search=%25", []),
        ("search=_", []),
        ("stage=outline&priority=high&tags=video&search=elt", ["delta"]),
    ],
)
def test_filters(owner_client, spread, query, expected):
    assert titles(owner_client, query) == expected


@pytest.mark.parametrize("term", ["über", "ÜBER", "CAFÉ", "café", "ΣΟΦΊΑ", "σοφία"])
def test_search_ignores_case_beyond_ascii(owner_client, owner, term):
    """SQLite's LIKE folds ASCII only; search must ignore case in every script, on every database."""
    IdeaFactory.create(user=owner, title="Über Café Σοφία", notes="")
    IdeaFactory.create(user=owner, title="Unrelated", notes="")
    assert titles(owner_client, f"search={term}") == ["Über Café Σοφία"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=created_at&order=asc", ["Alpha", "bravo", "Charlie", "delta"]),
        ("sort=updated_at&order=desc", ["Alpha", "bravo", "Charlie", "delta"]),
        ("sort=title&order=asc", ["Alpha", "bravo", "Charlie", "delta"]),
        ("sort=title&order=desc", ["delta", "Charlie", "bravo", "Alpha"]),
        ("sort=stage&order=asc", ["bravo", "delta", "Alpha", "Charlie"]),
        ("sort=stage&order=desc", ["Charlie", "Alpha", "delta", "bravo"]),
        ("sort=due_date&order=asc", ["Charlie", "delta", "Alpha", "bravo"]),
        ("sort=due_date&order=desc", ["Alpha", "delta", "Charlie", "bravo"]),
    ],
)
def test_sorts(owner_client, spread, query, expected):
    assert titles(owner_client, query) == expected


def test_priority_sorts_by_meaning_with_id_tie_breaker(owner_client, spread):
    ideas = owner_client.get("/api/v1/ideas?sort=priority&order=desc").json()["data"]["ideas"]
    assert [i["priority"] for i in ideas] == ["high", "high", "medium", "low"]
    high_ids = [i["id"] for i in ideas[:2]]
    assert high_ids == sorted(high_ids, reverse=True)
    ascending = owner_client.get("/api/v1/ideas?sort=priority&order=asc").json()["data"]["ideas"]
    assert [i["priority"] for i in ascending] == ["low", "medium", "high", "high"]
    assert [i["id"] for i in ascending[2:]] == sorted(high_ids)


@pytest.mark.parametrize("sort", ["created_at", "updated_at", "title", "priority", "stage", "due_date"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_never_repeat_or_skip_rows_when_sort_keys_tie(owner_client, owner, sort, order):
    # Every idea has the same title, stage, priority, due date and timestamps: only the id differs.
    IdeaFactory.create_batch(
        7, user=owner, title="Same", created_at=BASE, updated_at=BASE, due_date=None, priority="low"
    )
    seen: list[str] = []
    for offset in range(0, 7, 2):
        page = owner_client.get(f"/api/v1/ideas?sort={sort}&order={order}&limit=2&offset={offset}")
        seen += [i["id"] for i in page.json()["data"]["ideas"]]
    assert len(seen) == 7
    assert len(set(seen)) == 7
    assert seen == sorted(seen, reverse=order == "desc")


def test_pagination_edges(owner_client, owner):
    IdeaFactory.create_batch(5, user=owner)
    first = owner_client.get("/api/v1/ideas?limit=1").json()["data"]
    assert len(first["ideas"]) == 1
    assert first["pagination"].pop("next_cursor")
    assert first["pagination"] == {"total": 5, "limit": 1, "offset": 0, "has_more": True}
    last = owner_client.get("/api/v1/ideas?limit=2&offset=4").json()["data"]
    assert len(last["ideas"]) == 1
    assert last["pagination"] == {"total": 5, "limit": 2, "offset": 4, "has_more": False, "next_cursor": None}
    past = owner_client.get("/api/v1/ideas?offset=50").json()["data"]
    assert past == {
        "ideas": [],
        "pagination": {"total": 5, "limit": 20, "offset": 50, "has_more": False, "next_cursor": None},
    }


def test_limit_100_returns_100(owner_client, owner):
    IdeaFactory.create_batch(101, user=owner)
    data = owner_client.get("/api/v1/ideas?limit=100").json()["data"]
    assert len(data["ideas"]) == 100
    assert data["pagination"]["has_more"] is True
    assert len(owner_client.get("/api/v1/ideas").json()["data"]["ideas"]) == 20


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("stage=done", "stage"),
        ("stage=", "stage"),
        ("stage=IDEA", "stage"),
        ("priority=urgent", "priority"),
        ("sort=random", "sort"),
        ("sort=-created_at", "sort"),
        ("order=up", "order"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("limit=+5", "limit"),
        ("limit=5%0A", "limit"),
        ("offset=0%0A", "offset"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("search=a%00b", "search"),
        ("search=" + "x" * 201, "search"),
        ("tags=a%01b", "tags"),
        ("page=2", "page"),
        ("stage=idea&stage=draft", "stage"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(owner_client, query, parameter):
    response = owner_client.get(f"/api/v1/ideas?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == [parameter]
    assert parameter in error["message"]


def test_every_bad_parameter_is_reported(owner_client):
    response = owner_client.get("/api/v1/ideas?limit=0&sort=x&foo=1")
    assert {d["field"] for d in response.json()["error"]["details"]} == {"limit", "sort", "foo"}


def test_list_query_count_is_constant_as_rows_grow(owner_client, owner):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = owner_client.get("/api/v1/ideas?limit=100&tags=a&search=idea&sort=priority")
            assert response.status_code == 200
        return len(ctx.captured_queries)

    IdeaFactory.create_batch(3, user=owner, tags=["a"])
    count_queries()  # the first request loads the caller into the caller cache
    IdeaFactory(user=owner, tags=["a"])  # a write: the list's total is counted again (ideas.totals)
    few = count_queries()
    IdeaFactory.create_batch(60, user=owner, tags=["a", "b"])
    assert count_queries() == few
    assert few <= 2  # the count, the page (the caller comes from the cache)


def test_list_selector_is_usable_without_http(owner, make_idea):
    make_idea(title="One", tags=["x"])
    page = idea_list(owner=owner, params=IdeaListParams(tags=("x",), limit=5))
    assert [i.title for i in page.items] == ["One"]
    assert (page.total, page.has_more) == (1, False)


@pytest.mark.postgres
def test_tag_filter_uses_json_containment_on_postgres(owner):
    queryset = Idea.objects.for_owner(owner)
    from ideas.selectors.tags import ideas_with_tags

    sql = str(ideas_with_tags(queryset, ("a", "b")).query)
    assert "@>" in sql


@pytest.mark.postgres
def test_postgres_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ideas_idea'")
        indexes = dict(cursor.fetchall())
    assert "gin (tags jsonb_path_ops)" in indexes["idea_tags_gin"]
    assert "gin_trgm_ops" in indexes["idea_title_trgm"]
    assert "idea_user_due_desc_idx" in indexes
    # btree_gin: the owner beside the tags, live ideas only (migration 0009).
    assert "gin (user_id, tags jsonb_path_ops)" in indexes["idea_user_tags_gin"]
    assert "trashed_at IS NULL" in indexes["idea_user_tags_gin"]


@pytest.mark.postgres
def test_no_index_repeats_the_leading_column_of_another():
    """Each index more is one more write per word of every note saved (migration 0011)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes "
            "WHERE tablename IN ('ideas_idea', 'ideas_ideanotetoken')"
        )
        names = {(table, name) for table, name in cursor.fetchall()}
    tokens = {name for table, name in names if table == "ideas_ideanotetoken"}
    # Keyed by (idea, word) with no surrogate id (migration 0013): two indexes, one per leading column.
    assert tokens == {"ideas_ideanotetoken_pkey", "ideanotetoken_owner_word_idx"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'ideas_ideanotetoken'::regclass AND indisprimary"
        )
        (key,) = cursor.fetchone()
    assert key.endswith("USING btree (idea_id, token_hash)")
    ideas = {name for table, name in names if table == "ideas_idea"}
    assert "idea_notes_key_idx" in ideas
    assert not [name for name in ideas if name.endswith("_like")]
