"""How many queries each hot path of the ideas API costs, once the caller's account is cached.

The numbers are exact: a change that adds a query to a hot path (an N+1, a second count, the
caller's account read again) fails here. Each list is measured twice, with few and with many ideas,
so a cost that grows with the page is caught too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea, Priority, Stage
from ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/ideas"


@pytest.fixture
def queries(owner_client) -> Callable[..., int]:
    """`queries(method, path, **kwargs)`: the queries one request costs (the caller already cached)."""
    owner_client.get("/api/v1/users/me")  # loads the caller cache

    def count(method: str, path: str, **kwargs: Any) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(owner_client, method)(path, **kwargs)
        assert response.status_code < 300, response.content
        return len(captured.captured_queries)

    return count


def _grow(owner: Any, n: int) -> None:
    IdeaFactory.create_batch(
        n,
        user=owner,
        notes="some searchable words here",
        tags=["video", "tips"],
        stage=Stage.DRAFT,
        priority=Priority.HIGH,
        title="Video idea",
    )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"{IDEAS}?limit=20", id="list"),
        pytest.param(f"{IDEAS}?stage=draft&priority=high", id="filter"),
        pytest.param(f"{IDEAS}?tags=video", id="tag"),
        pytest.param(f"{IDEAS}?search=video", id="search"),
        pytest.param(f"{IDEAS}?search=searchable", id="search-notes"),
    ],
)
def test_a_list_costs_a_count_and_a_page_whatever_its_size(owner, queries, path) -> None:
    _grow(owner, 3)
    assert queries("get", path) == 2
    _grow(owner, 40)
    assert queries("get", path) == 2


def test_detail_costs_one_query(owner, queries) -> None:
    idea: Any = IdeaFactory(user=owner, notes="notes", tags=["a"])
    assert queries("get", f"{IDEAS}/{idea.pk}") == 1


def test_create_costs_a_fixed_number_of_queries(queries) -> None:
    body = {"title": "New idea", "notes": "a few words of notes", "tags": ["video", "tips"]}
    first = queries("post", IDEAS, data=body, format="json")
    longer = {**body, "notes": "many more words of notes, each indexed for search " * 20}
    assert queries("post", IDEAS, data=longer, format="json") == first
    assert first == CREATE_QUERIES[connection.vendor]


# The savepoint and its release (the test runs in a transaction), and the idea with its word-index
# rows: one multi-row INSERT beside the idea's on SQLite, inside the idea's statement on PostgreSQL.
CREATE_QUERIES = {"sqlite": 4, "postgresql": 3}


# --- The compiled shapes (ideas.selectors.compiled) answer exactly what the ORM answers ---------
# The detail and the offset pages of lists without search run SQL compiled once per shape; with
# the shapes switched off, the same requests go through the ORM. Both must give the same bytes.

SHAPED_LISTS = [
    f"{IDEAS}?limit=20",
    f"{IDEAS}?limit=2&offset=1",
    f"{IDEAS}?limit=2&offset=2&sort=title&order=asc",
    f"{IDEAS}?sort=due_date&order=desc&limit=3",
    f"{IDEAS}?sort=priority&order=asc&limit=3",
    f"{IDEAS}?sort=stage&order=desc&limit=3",
    f"{IDEAS}?sort=updated_at&order=asc",
    f"{IDEAS}?stage=draft&priority=high",
    f"{IDEAS}?stage=idea",
    f"{IDEAS}?priority=low",
    f"{IDEAS}?tags=video",
    f"{IDEAS}?tags=video,tips&limit=1",
    f"{IDEAS}?tags=nowhere",
    f"{IDEAS}?offset=500",
]


@pytest.fixture
def mixed(owner, outsider) -> list[Any]:
    made: list[Any] = [
        IdeaFactory(user=owner, title="b video", notes="n1", tags=["video", "tips"], stage=Stage.DRAFT),
        IdeaFactory(user=owner, title="A draft", tags=["video"], stage=Stage.DRAFT, priority=Priority.HIGH),
        IdeaFactory(user=owner, title="c", tags=[], stage=Stage.IDEA, priority=Priority.LOW),
        IdeaFactory(user=owner, title="d tips", notes="n4", tags=["tips"], stage=Stage.PUBLISHED),
        IdeaFactory(user=outsider, title="not yours", tags=["video"], stage=Stage.DRAFT),
    ]
    return made


def _without_shapes(monkeypatch) -> None:
    from ideas.selectors import ideas as selectors

    monkeypatch.setattr(selectors._SHAPES, "get", lambda *args, **kwargs: None)


def test_shaped_lists_answer_what_the_orm_answers(owner_client, mixed, monkeypatch, settings) -> None:
    settings.LIST_TOTALS_CACHE_SECONDS = 0  # each pass counts (none reads the other's total)
    shaped = [owner_client.get(path) for path in SHAPED_LISTS]
    _without_shapes(monkeypatch)
    plain = [owner_client.get(path) for path in SHAPED_LISTS]
    for path, one, other in zip(SHAPED_LISTS, shaped, plain, strict=True):
        assert one.status_code == other.status_code == 200, path
        assert _data_bytes(one, cursor=True) == _data_bytes(other, cursor=True), path
    assert _total(shaped[7]) == 1  # the filters are bound (one draft, high-priority idea)
    assert _total(shaped[11]) == 1  # both tags are bound
    assert _total(shaped[0]) == 4  # never the outsider's idea
    assert _total(shaped[12]) == 0


def _total(response: Any) -> int:
    return int(response.json()["data"]["pagination"]["total"])


def _data_bytes(response: Any, *, cursor: bool = False) -> bytes:
    """The body up to its `meta` (request id, time); a cursor without its signing time and MAC."""
    data = response.content.split(b',"meta":', 1)[0]
    if cursor:
        body = response.json()["data"]
        issued = body["pagination"]["next_cursor"]
        if issued is not None:
            data = data.replace(issued.encode(), issued.rsplit(":", 2)[0].encode())
    return data


def test_a_shaped_page_hands_out_a_cursor_that_continues_it(owner_client, mixed) -> None:
    first = owner_client.get(f"{IDEAS}?limit=2&sort=title&order=asc").json()["data"]
    cursor = first["pagination"]["next_cursor"]
    rest = owner_client.get(f"{IDEAS}?limit=2&sort=title&order=asc&cursor={cursor}").json()["data"]
    titles = [idea["title"] for idea in first["ideas"] + rest["ideas"]]
    assert titles == ["A draft", "b video", "c", "d tips"]


def test_a_shaped_detail_answers_what_the_orm_answers(
    owner_client, outsider_client, mixed, monkeypatch
) -> None:
    path = f"{IDEAS}/{mixed[0].pk}"
    shaped = owner_client.get(path)
    refused = outsider_client.get(path)
    _without_shapes(monkeypatch)
    plain = owner_client.get(path)
    assert shaped.status_code == plain.status_code == 200
    assert _data_bytes(shaped) == _data_bytes(plain)
    assert shaped.headers["ETag"] == plain.headers["ETag"]
    assert refused.status_code == 404  # the shape binds the caller, never the idea's own owner


def test_a_detail_runs_without_an_order_by(owner, queries, mixed) -> None:
    with CaptureQueriesContext(connection) as captured:
        assert queries("get", f"{IDEAS}/{mixed[0].pk}") == 1
    assert "ORDER BY" not in captured.captured_queries[0]["sql"]


def test_a_page_past_the_end_costs_only_the_count(queries, mixed) -> None:
    assert queries("get", f"{IDEAS}?offset=500") == 1


def test_a_trashed_idea_is_not_found_by_its_shape(owner_client, mixed) -> None:
    path = f"{IDEAS}/{mixed[0].pk}"
    assert owner_client.get(path).status_code == 200
    assert owner_client.delete(path).status_code == 204
    assert owner_client.get(path).status_code == 404
    assert _total(owner_client.get(IDEAS)) == 3


def test_a_shaped_page_makes_its_ideas_as_the_orm_does_for_post_init_receivers(owner_client, mixed) -> None:
    # A shaped page makes its ideas without Model.__init__ only while nothing listens to it.
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Idea)
    try:
        page = owner_client.get(f"{IDEAS}?limit=20").json()["data"]["ideas"]
    finally:
        post_init.disconnect(receiver, sender=Idea)
    assert len(page) == 4
    assert sorted(str(pk) for pk in seen) == sorted(idea["id"] for idea in page)
