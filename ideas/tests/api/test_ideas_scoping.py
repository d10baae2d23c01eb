"""Scoping: another creator's idea is a 404, exactly like a missing one; a foreign path user id is 403."""

from __future__ import annotations

import uuid

import pytest

from ideas.models import Idea
from ideas.tests.helpers import detail_url

pytestmark = pytest.mark.django_db

WRITES = [
    ("put", "", {"title": "Hijacked"}),
    ("patch", "", {"title": "Hijacked"}),
    ("patch", "/stage", {"stage": "published"}),
    ("delete", "", None),
]


def _snapshot(idea: Idea) -> tuple:
    idea.refresh_from_db()
    return (idea.title, idea.notes, idea.stage, idea.tags, idea.priority, idea.version, idea.updated_at)


def _call(client, method: str, path: str, body: dict | None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize("path_style", ["plain", "own_user_id"])
def test_every_verb_on_another_users_idea_is_404_and_changes_nothing(
    outsider_client, outsider, make_idea, path_style
):
    idea = make_idea(title="Secret plan", notes="n", tags=["x"])
    before = _snapshot(idea)
    user_id = outsider.pk if path_style == "own_user_id" else None
    missing = detail_url(uuid.uuid4(), user_id=user_id)

    response = outsider_client.get(detail_url(idea, user_id=user_id))
    assert response.status_code == 404
    assert response.json()["error"] == outsider_client.get(missing).json()["error"]
    for method, suffix, body in WRITES:
        response = _call(outsider_client, method, detail_url(idea, user_id=user_id, suffix=suffix), body)
        assert response.status_code == 404, (method, suffix)
        assert response.json()["error"]["code"] == "NOT_FOUND"
        assert "ETag" not in response
        assert _snapshot(idea) == before


def test_if_match_does_not_reveal_another_users_idea(outsider_client, make_idea):
    idea = make_idea()
    response = outsider_client.patch(detail_url(idea), {"title": "x"}, format="json", HTTP_IF_MATCH='"7"')
    assert response.status_code == 404


def test_foreign_user_id_in_the_path_is_403_for_every_operation(outsider_client, owner, make_idea):
    idea = make_idea(title="Mine")
    before = _snapshot(idea)
    base = f"/api/v1/{owner.pk}/ideas"
    calls = [
        ("get", base, None),
        ("post", base, {"title": "Planted"}),
        ("get", f"{base}/{idea.pk}", None),
        *[(m, f"{base}/{idea.pk}{suffix}", body) for m, suffix, body in WRITES],
        ("get", f"{base}/{uuid.uuid4()}", None),
        ("get", f"{base}/not-a-uuid", None),
    ]
    for method, path, body in calls:
        response = _call(outsider_client, method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "FORBIDDEN"
    assert _snapshot(idea) == before
    assert Idea.objects.count() == 1


def test_foreign_user_id_is_checked_before_the_query_string(outsider_client, owner):
    response = outsider_client.get(f"/api/v1/{owner.pk}/ideas?limit=9999")
    assert response.status_code == 403


def test_lists_and_tags_hold_only_the_callers_ideas(owner_client, outsider_client, outsider, make_idea):
    make_idea(title="Owner's", tags=["shared", "mine"])
    make_idea(title="Outsider's", tags=["shared"], user=outsider)
    data = outsider_client.get("/api/v1/ideas").json()["data"]
    assert [i["title"] for i in data["ideas"]] == ["Outsider's"]
    assert data["pagination"]["total"] == 1
    assert outsider_client.get("/api/v1/ideas?search=Owner").json()["data"]["ideas"] == []
    assert outsider_client.get("/api/v1/ideas?tags=mine").json()["data"]["ideas"] == []
    tags = outsider_client.get("/api/v1/tags").json()["data"]["tags"]
    assert tags == [{"tag": "shared", "count": 1}]
    own = owner_client.get(f"/api/v1/{outsider.pk}/ideas")
    assert own.status_code == 403


def test_owner_comes_from_the_token_never_the_body(outsider_client, outsider, owner):
    response = outsider_client.post("/api/v1/ideas", {"title": "x", "user_id": owner.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "user_id", "message": "This field is read-only.", "type": "read_only"}
    ]
    created = outsider_client.post("/api/v1/ideas", {"title": "x"}, format="json").json()["data"]
    assert created["user_id"] == outsider.pk
    assert not Idea.objects.for_owner(owner).exists()
