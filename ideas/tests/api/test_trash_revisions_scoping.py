"""Outsiders get 404 on every path of the trash and revisions (both path styles), and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from ideas.models import Idea, IdeaRevision
from ideas.tests.helpers import detail_url

pytestmark = pytest.mark.django_db


def _snapshot() -> list[Any]:
    ideas = Idea.objects.order_by("pk").values_list("pk", "title", "stage", "tags", "version", "trashed_at")
    return [*ideas, IdeaRevision.objects.count()]


@pytest.mark.parametrize("path_style", ["plain", "own_user_id"])
def test_every_new_path_is_404_for_an_outsider(
    owner_client, outsider_client, outsider, make_idea, path_style
):
    live = make_idea(title="Owner's", tags=["secret"])
    owner_client.patch(detail_url(live), {"title": "Owner's v2"}, format="json")  # revision 1
    trashed = make_idea(title="Owner's trashed")
    owner_client.delete(detail_url(trashed))
    before = _snapshot()
    user_id = outsider.pk if path_style == "own_user_id" else None
    idea_paths = [
        ("get", detail_url(live, user_id=user_id, suffix="/revisions"), None),
        ("get", detail_url(live, user_id=user_id, suffix="/revisions/1"), None),
        ("post", detail_url(live, user_id=user_id, suffix="/revisions/1/restore"), None),
        ("post", f"{detail_url('bulk', user_id=user_id)}", {"ids": [str(live.pk)], "action": "trash"}),
        (
            "post",
            f"{detail_url('bulk', user_id=user_id)}",
            {"ids": [str(live.pk)], "action": "set_stage", "value": "draft"},
        ),
    ]
    caller_paths = [
        ("post", f"/api/v1/trash/{trashed.pk}/restore", None),
        ("delete", f"/api/v1/trash/{trashed.pk}", None),
        ("post", "/api/v1/tags/rename", {"from": "secret", "to": "public"}),
        ("delete", "/api/v1/tags/secret", None),
    ]
    for method, path, body in idea_paths + (caller_paths if path_style == "plain" else []):
        response = getattr(outsider_client, method)(path, body, format="json")
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["error"]["code"] == "NOT_FOUND"
        assert _snapshot() == before
    # The outsider's own lists show nothing of the owner's.
    assert outsider_client.get("/api/v1/trash").json()["data"]["ideas"] == []
    assert outsider_client.delete("/api/v1/trash").json()["data"] == {"purged": 0}
    assert _snapshot() == before


def test_foreign_user_id_in_new_idea_paths_is_403(outsider_client, owner, make_idea):
    idea = make_idea()
    base = detail_url(idea, user_id=owner.pk)
    for method, path in [
        ("get", f"{base}/revisions"),
        ("get", f"{base}/revisions/1"),
        ("post", f"{base}/revisions/1/restore"),
        ("post", f"/api/v1/{owner.pk}/ideas/bulk"),
    ]:
        response = getattr(outsider_client, method)(path, {}, format="json")
        assert response.status_code == 403, path


def test_without_a_token_every_new_path_is_401(api_client, make_idea):
    idea = make_idea(trashed_at=timezone.now())
    for method, path in [
        ("get", "/api/v1/trash"),
        ("delete", "/api/v1/trash"),
        ("delete", f"/api/v1/trash/{idea.pk}"),
        ("post", f"/api/v1/trash/{idea.pk}/restore"),
        ("post", "/api/v1/tags/rename"),
        ("delete", "/api/v1/tags/x"),
        ("post", "/api/v1/ideas/bulk"),
        ("get", detail_url(idea, suffix="/revisions")),
    ]:
        assert getattr(api_client, method)(path).status_code == 401, path
    assert Idea.objects.filter(pk=idea.pk).exists()
