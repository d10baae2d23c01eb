"""`GET /api/v1/tags`: the caller's tags with counts, for autocomplete."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.selectors.tags import tag_counts
from ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_tags_with_counts_most_used_first_then_alphabetical(owner_client, make_idea, outsider):
    make_idea(tags=["blog", "research"])
    make_idea(tags=["video", "blog"])
    make_idea(tags=["zeta", "research", "blog"])
    make_idea(tags=[])
    make_idea(tags=["alpha"])
    IdeaFactory(user=outsider, tags=["blog", "secret"])
    response = owner_client.get("/api/v1/tags")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "tags": [
            {"tag": "blog", "count": 3},
            {"tag": "research", "count": 2},
            {"tag": "alpha", "count": 1},
            {"tag": "video", "count": 1},
            {"tag": "zeta", "count": 1},
        ]
    }


def test_no_ideas_no_tags(owner_client):
    assert owner_client.get("/api/v1/tags/").json()["data"] == {"tags": []}


def test_tags_follow_writes(owner_client, make_idea):
    created = owner_client.post("/api/v1/ideas", {"title": "x", "tags": ["New"]}, format="json").json()[
        "data"
    ]
    assert owner_client.get("/api/v1/tags").json()["data"]["tags"] == [{"tag": "new", "count": 1}]
    owner_client.patch(f"/api/v1/ideas/{created['id']}", {"tags": []}, format="json")
    assert owner_client.get("/api/v1/tags").json()["data"]["tags"] == []


def test_tags_refuse_query_parameters(owner_client):
    response = owner_client.get("/api/v1/tags?q=bl")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "q"


def test_tag_counts_are_one_query_whatever_the_size(owner):
    IdeaFactory.create_batch(50, user=owner, tags=["a", "b", "c"])
    with CaptureQueriesContext(connection) as ctx:
        counts = tag_counts(owner=owner)
    assert len(ctx.captured_queries) == 1
    assert [(c.tag, c.count) for c in counts] == [("a", 50), ("b", 50), ("c", 50)]


def test_tags_need_a_token(api_client):
    assert api_client.get("/api/v1/tags").status_code == 401
