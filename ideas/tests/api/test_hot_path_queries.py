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
from django.test.utils import CaptureQueriesContext

from ideas.models import Priority, Stage
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


# The transaction's savepoint and release, the idea, its word-index rows (one multi-row INSERT).
CREATE_QUERIES = {"sqlite": 4, "postgresql": 4}
