"""CRUD of ideas through HTTP, for the owner, in both path styles and with and without slashes."""

from __future__ import annotations

import re
import uuid

import pytest

from ideas.models import Idea
from ideas.tests.helpers import detail_url

pytestmark = pytest.mark.django_db

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
OUTPUT_FIELDS = {
    "id",
    "title",
    "notes",
    "notes_withheld",
    "stage",
    "tags",
    "priority",
    "due_date",
    "user_id",
    "created_at",
    "updated_at",
    "version",
}


def test_create_answers_201_with_location_etag_and_the_idea(owner_client, owner):
    response = owner_client.post(
        "/api/v1/ideas",
        {"title": "  AI Content Tools Research ", "tags": ["Blog", " research", "blog"], "priority": "high"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    assert set(body["meta"]) == {"request_id", "timestamp"}
    data = body["data"]
    assert set(data) == OUTPUT_FIELDS
    assert data["title"] == "AI Content Tools Research"
    assert data["tags"] == ["blog", "research"]
    assert data["priority"] == "high"
    assert data["stage"] == "idea"
    assert data["notes"] == ""
    assert data["due_date"] is None
    assert data["user_id"] == owner.pk
    assert data["version"] == 1
    assert ISO_Z.match(data["created_at"])
    assert data["created_at"] == data["updated_at"]
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"http://testserver/api/v1/ideas/{data['id']}"
    idea = Idea.objects.get(pk=data["id"])
    assert idea.user_id == owner.pk
    assert idea.tags == ["blog", "research"]


def test_create_defaults(owner_client):
    data = owner_client.post("/api/v1/ideas/", {"title": "x"}, format="json").json()["data"]
    assert (data["stage"], data["priority"], data["tags"], data["notes"], data["due_date"]) == (
        "idea",
        "medium",
        [],
        "",
        None,
    )


def test_due_date_is_stored_and_returned_in_utc(owner_client):
    response = owner_client.post(
        "/api/v1/ideas", {"title": "x", "due_date": "2026-01-04T12:30:00+02:00"}, format="json"
    )
    assert response.json()["data"]["due_date"] == "2026-01-04T10:30:00Z"


@pytest.mark.parametrize("path", ["/api/v1/ideas/{id}", "/api/v1/ideas/{id}/"])
def test_get_one_idea_with_etag(owner_client, make_idea, path):
    idea = make_idea(title="Mine", tags=["a"])
    response = owner_client.get(path.format(id=idea.pk))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    data = response.json()["data"]
    assert data["id"] == str(idea.pk)
    assert data["title"] == "Mine"
    assert data["version"] == 1


@pytest.mark.parametrize("path", ["/api/v1/ideas", "/api/v1/ideas/", "/api/v1/tags", "/api/v1/tags/"])
def test_paths_work_with_and_without_trailing_slash(owner_client, path):
    assert owner_client.get(path).status_code == 200


def test_put_replaces_everything_and_resets_omitted_fields(owner_client, make_idea):
    idea = make_idea(title="Old", notes="n", stage="draft", tags=["a"], priority="high")
    response = owner_client.put(detail_url(idea), {"title": "New"}, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["title"], data["notes"], data["stage"], data["tags"], data["priority"]) == (
        "New",
        "",
        "idea",
        [],
        "medium",
    )
    assert data["version"] == 2
    assert response["ETag"] == '"2"'
    idea.refresh_from_db()
    assert (idea.title, idea.stage, idea.version) == ("New", "idea", 2)


def test_put_requires_title(owner_client, make_idea):
    idea = make_idea(title="Old")
    response = owner_client.put(detail_url(idea), {"notes": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "title"
    idea.refresh_from_db()
    assert idea.title == "Old"


def test_patch_changes_only_what_is_sent(owner_client, make_idea):
    idea = make_idea(title="Old", notes="keep", stage="draft", tags=["a"], priority="high")
    response = owner_client.patch(detail_url(idea), {"priority": "low", "tags": ["B"]}, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["title"], data["notes"], data["stage"], data["tags"], data["priority"]) == (
        "Old",
        "keep",
        "draft",
        ["b"],
        "low",
    )
    assert data["version"] == 2
    assert data["updated_at"] > data["created_at"]


def test_patch_can_clear_due_date(owner_client, make_idea):
    idea = make_idea(due_date="2026-01-01T00:00:00Z")
    data = owner_client.patch(detail_url(idea), {"due_date": None}, format="json").json()["data"]
    assert data["due_date"] is None


def test_stage_endpoint_changes_only_the_stage(owner_client, make_idea):
    idea = make_idea(title="T", priority="high")
    response = owner_client.patch(detail_url(idea, suffix="/stage"), {"stage": "published"}, format="json")
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    data = response.json()["data"]
    assert (data["stage"], data["title"], data["priority"]) == ("published", "T", "high")


@pytest.mark.parametrize("body", [{}, {"stage": "done"}, {"stage": "draft", "title": "x"}])
def test_stage_endpoint_refuses_anything_but_a_stage(owner_client, make_idea, body):
    idea = make_idea()
    response = owner_client.patch(detail_url(idea, suffix="/stage"), body, format="json")
    assert response.status_code == 400
    idea.refresh_from_db()
    assert (idea.stage, idea.version) == ("idea", 1)


def test_delete_answers_204_and_moves_the_idea_to_the_trash(owner_client, make_idea):
    idea = make_idea()
    response = owner_client.delete(detail_url(idea))
    assert response.status_code == 204
    assert response.content == b""
    idea.refresh_from_db()
    assert idea.trashed_at is not None  # in the trash (see test_trash.py), not destroyed
    assert owner_client.get(detail_url(idea)).status_code == 404
    assert owner_client.delete(detail_url(idea)).status_code == 404


def test_crud_under_the_user_id_path(owner_client, owner):
    base = f"/api/v1/{owner.pk}/ideas"
    created = owner_client.post(base, {"title": "Via path"}, format="json")
    assert created.status_code == 201
    idea_id = created.json()["data"]["id"]
    assert created["Location"] == f"http://testserver{base}/{idea_id}"
    assert owner_client.get(f"{base}/").json()["data"]["pagination"]["total"] == 1
    assert owner_client.get(f"{base}/{idea_id}/").status_code == 200
    assert owner_client.put(f"{base}/{idea_id}", {"title": "P"}, format="json").status_code == 200
    assert owner_client.patch(f"{base}/{idea_id}", {"notes": "n"}, format="json").status_code == 200
    stage = owner_client.patch(f"{base}/{idea_id}/stage/", {"stage": "draft"}, format="json")
    assert stage.json()["data"]["version"] == 4
    assert owner_client.delete(f"{base}/{idea_id}").status_code == 204
    assert not Idea.objects.for_owner(owner).exists()
    assert Idea.objects.in_trash_of(owner).count() == 1


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "%00", "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6"])
def test_malformed_id_is_404(owner_client, bad_id):
    for method in ("put", "patch", "delete"):
        response = getattr(owner_client, method)(f"/api/v1/ideas/{bad_id}", {"title": "x"}, format="json")
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "NOT_FOUND"
    for path in (f"/api/v1/ideas/{bad_id}", f"/api/v1/ideas/{bad_id}/stage"):
        response = (
            owner_client.get(path)
            if "stage" not in path
            else owner_client.patch(path, {"stage": "draft"}, format="json")
        )
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_missing_idea_is_404(owner_client):
    response = owner_client.get(detail_url(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_unsupported_method_is_405(owner_client, make_idea):
    idea = make_idea()
    assert owner_client.post(detail_url(idea), {}, format="json").status_code == 405
    assert owner_client.delete("/api/v1/ideas").status_code == 405


def test_without_a_token_every_operation_is_401(api_client, make_idea):
    idea = make_idea()
    for method, path in [
        ("get", "/api/v1/ideas"),
        ("post", "/api/v1/ideas"),
        ("get", detail_url(idea)),
        ("delete", detail_url(idea)),
        ("get", "/api/v1/tags"),
    ]:
        response = getattr(api_client, method)(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_detail_refuses_query_parameters(owner_client, make_idea):
    idea = make_idea()
    response = owner_client.get(detail_url(idea) + "?expand=1")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "expand"


@pytest.mark.parametrize(
    "user_id",
    ["user0001", "ad a", "ümlaut", "100%", "a@b~c:d", "q?x#y", "!$&'()*+,;=", "cv-path-id-0c0ffee"],
)
def test_the_location_path_is_what_reverse_gives(user_id) -> None:
    import uuid

    from django.urls import reverse, set_script_prefix

    from ideas.api.views.base import _detail_path

    idea_id = uuid.uuid4()
    for prefix in ("/", "/mounted/"):
        set_script_prefix(prefix)
        try:
            assert _detail_path("idea-detail", {"id": idea_id}) == reverse(
                "idea-detail", kwargs={"id": idea_id}
            )
            kwargs = {"user_id": user_id, "id": idea_id}
            assert _detail_path("user-idea-detail", kwargs) == reverse("user-idea-detail", kwargs=kwargs)
        finally:
            set_script_prefix("/")
