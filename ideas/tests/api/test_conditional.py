"""Conditional requests: `If-None-Match` answers 304 on an idea and on list pages; a 412 names
the current `ETag`."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ideas.tests.helpers import IDEAS, create_idea

pytestmark = pytest.mark.django_db


def test_an_unchanged_idea_is_304_with_its_etag(owner_client: APIClient) -> None:
    idea = create_idea(owner_client, title="Cold open")
    first = owner_client.get(f"{IDEAS}/{idea['id']}")
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag == '"1"'
    for header in (etag, f"W/{etag}", f'"99", {etag}', "*"):
        again = owner_client.get(f"{IDEAS}/{idea['id']}", HTTP_IF_NONE_MATCH=header)
        assert again.status_code == 304, header
        assert again["ETag"] == etag
        assert again.content == b""
        assert again["X-Request-ID"]


def test_a_changed_idea_is_200_with_the_new_etag(owner_client: APIClient) -> None:
    idea = create_idea(owner_client, title="Cold open")
    owner_client.patch(f"{IDEAS}/{idea['id']}", {"title": "Warm open"}, format="json")
    response = owner_client.get(f"{IDEAS}/{idea['id']}", HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["data"]["title"] == "Warm open"


def test_if_none_match_never_hides_another_users_idea(owner_client: APIClient, outsider_client) -> None:
    idea = create_idea(owner_client, title="Mine")
    response = outsider_client.get(f"{IDEAS}/{idea['id']}", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404


@pytest.mark.parametrize("path", [IDEAS, "/api/v1/trash", "/api/v1/tags", "revisions"])
def test_an_unchanged_list_page_is_304_with_a_weak_etag(owner_client: APIClient, path: str) -> None:
    idea = create_idea(owner_client, title="Listed", tags=["a"])
    owner_client.patch(f"{IDEAS}/{idea['id']}", {"title": "Listed again"}, format="json")
    if path == "revisions":
        path = f"{IDEAS}/{idea['id']}/revisions"
    first = owner_client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = owner_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""


def test_a_list_page_etag_changes_with_its_content(owner_client: APIClient) -> None:
    create_idea(owner_client, title="One")
    etag = owner_client.get(IDEAS)["ETag"]
    create_idea(owner_client, title="Two")
    response = owner_client.get(IDEAS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert len(response.json()["data"]["ideas"]) == 2
    # Another page of the same list is another representation.
    assert owner_client.get(IDEAS, {"limit": 1})["ETag"] != response["ETag"]


def test_a_412_carries_the_current_etag(owner_client: APIClient) -> None:
    idea = create_idea(owner_client, title="Draft")
    owner_client.patch(f"{IDEAS}/{idea['id']}", {"title": "Draft 2"}, format="json")
    for method in ("patch", "put"):
        response = getattr(owner_client, method)(
            f"{IDEAS}/{idea['id']}", {"title": "Stale"}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 412
        assert response["ETag"] == '"2"'
        assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    response = owner_client.delete(f"{IDEAS}/{idea['id']}", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
