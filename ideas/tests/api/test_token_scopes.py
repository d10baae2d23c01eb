"""Personal access token scopes on the API: each scope allows exactly its operations, notes withheld.

The expected scope of every served operation is written out below; the OpenAPI document must
declare exactly that, and the server must enforce exactly what the document declares.
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.scopes import Scope
from ideas.models import Idea, IdeaRevision

pytestmark = pytest.mark.django_db

ALL_SCOPES = [scope.value for scope in Scope]
READ, WRITE = "ideas:read", "ideas:write"
ANY, SESSION = "any token", "session only"

#: operationId -> what a personal access token needs (the `{user_id}` variants: `user_` + the same).
EXPECTED: dict[str, str] = {
    "listIdeas": READ,
    "createIdea": WRITE,
    "getIdea": READ,
    "replaceIdea": WRITE,
    "updateIdea": WRITE,
    "deleteIdea": WRITE,
    "setIdeaStage": WRITE,
    "bulkChangeIdeas": WRITE,
    "listIdeaRevisions": READ,
    "getIdeaRevision": READ,
    "restoreIdeaRevision": WRITE,
    "listTags": READ,
    "renameTag": WRITE,
    "deleteTag": WRITE,
    "deleteTagNamedRename": WRITE,
    "listTrash": READ,
    "emptyTrash": WRITE,
    "purgeFromTrash": WRITE,
    "restoreFromTrash": WRITE,
    "getMe": ANY,
    "updateMe": SESSION,
    "deleteMe": SESSION,
    "exportMe": SESSION,
    "listTokens": SESSION,
    "createToken": SESSION,
    "revokeToken": SESSION,
    "listAiActivity": SESSION,
    "chat": Scope.ASSISTANT.value,
    "listConversations": Scope.ASSISTANT.value,
    "getConversation": Scope.ASSISTANT.value,
    "updateConversation": Scope.ASSISTANT.value,
    "deleteConversation": Scope.ASSISTANT.value,
    "listConversationMessages": Scope.ASSISTANT.value,
}

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (path, method, operation)
    for path, operations in SCHEMA["paths"].items()
    if path.startswith("/api/v1/")
    for method, operation in operations.items()
]


def expected_for(operation_id: str) -> str:
    return EXPECTED[operation_id.removeprefix("user_")]


def documented_requirement(operation: dict[str, Any]) -> str:
    schemes = [name for requirement in operation["security"] for name in requirement]
    if "PersonalAccessToken" not in schemes:
        return SESSION
    return operation.get("x-required-scope", ANY)


def test_the_document_declares_the_expected_scope_of_every_operation():
    documented = {op["operationId"]: documented_requirement(op) for _, _, op in OPERATIONS}

    assert {name.removeprefix("user_") for name in documented} == set(EXPECTED)
    for name, requirement in documented.items():
        assert requirement == expected_for(name), name
        description = next(op for _, _, op in OPERATIONS if op["operationId"] == name)["description"]
        assert "**Scope:**" in description, name
    assert "PersonalAccessToken" in SCHEMA["components"]["securitySchemes"]


def _url(path: str, owner: Any, idea: Idea) -> str:
    return (
        path.replace("{user_id}", owner.pk)
        .replace("{id}", str(idea.pk))
        .replace("{rev}", "1")
        .replace("{tag}", "blog")
    )


def _call(client: Any, method: str, url: str) -> Any:
    if method in ("post", "put", "patch"):
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_the_server_enforces_each_operations_documented_scope(
    path, method, operation, owner, make_idea, token_client
):
    idea = make_idea(title="Scoped", notes="private", tags=["blog"])
    url = _url(path, owner, idea)
    requirement = documented_requirement(operation)

    if requirement == SESSION:
        refused = _call(token_client(owner, *ALL_SCOPES), method, url)
        assert refused.status_code == 403, refused.content
        assert "session" in refused.json()["error"]["message"]
        return
    if requirement == ANY:
        assert _call(token_client(owner, "assistant"), method, url).status_code != 403
        return
    lacking = _call(token_client(owner, *(s for s in ALL_SCOPES if s != requirement)), method, url)
    assert lacking.status_code == 403, lacking.content
    error = lacking.json()["error"]
    assert error["code"] == "FORBIDDEN" and requirement in error["message"]
    assert error["details"] == [
        {
            "field": "scope",
            "message": f"The token needs the {requirement} scope.",
            "type": "insufficient_scope",
        }
    ]
    assert lacking["WWW-Authenticate"] == f'Bearer error="insufficient_scope", scope="{requirement}"'
    allowed = _call(token_client(owner, requirement), method, url)
    assert allowed.status_code != 403, allowed.content


# --- What each scope allows, through the public surface ------------------------------------------


def test_a_read_only_token_reads_but_cannot_write(owner, make_idea, token_client):
    idea = make_idea(title="Keep me", tags=["blog"])
    client = token_client(owner, "ideas:read")

    assert client.get("/api/v1/ideas").status_code == 200
    assert client.get(f"/api/v1/ideas/{idea.pk}").status_code == 200
    assert client.get("/api/v1/tags").status_code == 200
    assert client.get("/api/v1/trash").status_code == 200
    for response in (
        client.post("/api/v1/ideas", {"title": "New"}, format="json"),
        client.patch(f"/api/v1/ideas/{idea.pk}", {"title": "Changed"}, format="json"),
        client.patch(f"/api/v1/ideas/{idea.pk}/stage", {"stage": "draft"}, format="json"),
        client.delete(f"/api/v1/ideas/{idea.pk}"),
        client.post("/api/v1/tags/rename", {"from": "blog", "to": "vlog"}, format="json"),
        client.post("/api/v1/ideas/bulk", {"ids": [str(idea.pk)], "action": "trash"}, format="json"),
    ):
        assert response.status_code == 403
        assert "ideas:write" in response.json()["error"]["message"]
    idea.refresh_from_db()
    assert (idea.title, idea.stage, idea.tags, idea.trashed_at) == ("Keep me", "idea", ["blog"], None)
    assert Idea.objects.count() == 1


def test_a_write_only_token_writes_but_cannot_read(owner, make_idea, token_client):
    idea = make_idea(title="Mine")
    client = token_client(owner, "ideas:write")

    created = client.post("/api/v1/ideas", {"title": "From a script"}, format="json")
    assert created.status_code == 201
    assert client.patch(f"/api/v1/ideas/{idea.pk}", {"priority": "high"}, format="json").status_code == 200
    for response in (client.get("/api/v1/ideas"), client.get(f"/api/v1/ideas/{idea.pk}")):
        assert response.status_code == 403
        assert "ideas:read" in response.json()["error"]["message"]


def test_without_notes_read_notes_are_withheld_everywhere(owner, make_idea, token_client):
    idea = make_idea(title="Secret plan", notes="the launch date is March 3rd")
    client = token_client(owner, "ideas:read", "ideas:write")
    assert (
        client.patch(f"/api/v1/ideas/{idea.pk}", {"title": "Secret plan 2"}, format="json").status_code == 200
    )
    assert IdeaRevision.objects.filter(idea=idea).exists()
    trashed = make_idea(title="Old", notes="the launch date was May")
    assert client.delete(f"/api/v1/ideas/{trashed.pk}").status_code == 204

    responses = {
        "detail": client.get(f"/api/v1/ideas/{idea.pk}"),
        "list": client.get("/api/v1/ideas"),
        "write": client.patch(f"/api/v1/ideas/{idea.pk}", {"priority": "low"}, format="json"),
        "revisions": client.get(f"/api/v1/ideas/{idea.pk}/revisions"),
        "revision": client.get(f"/api/v1/ideas/{idea.pk}/revisions/1"),
        "trash": client.get("/api/v1/trash"),
        "restore": client.post(f"/api/v1/trash/{trashed.pk}/restore"),
    }

    for name, response in responses.items():
        assert response.status_code == 200, (name, response.content)
        assert "launch date" not in response.content.decode(), name
        data = response.json()["data"]
        for item in data.get("ideas") or data.get("revisions") or [data]:
            assert item["notes"] is None and item["notes_withheld"] is True, name


def test_with_notes_read_and_with_a_jwt_notes_are_shown(owner, owner_client, make_idea, token_client):
    idea = make_idea(title="Secret plan", notes="the launch date is March 3rd")

    for client in (token_client(owner, "ideas:read", "notes:read"), owner_client):
        data = client.get(f"/api/v1/ideas/{idea.pk}").json()["data"]
        assert data["notes"] == "the launch date is March 3rd" and data["notes_withheld"] is False
        (listed,) = client.get("/api/v1/ideas").json()["data"]["ideas"]
        assert listed["notes"] == "the launch date is March 3rd"


def test_without_notes_read_search_matches_titles_only(owner, make_idea, token_client):
    make_idea(title="Launch video", notes="nothing here")
    make_idea(title="Other", notes="the launch date is secret")

    def titles(client: Any) -> list[str]:
        response = client.get("/api/v1/ideas", {"search": "launch", "sort": "title", "order": "asc"})
        return [i["title"] for i in response.json()["data"]["ideas"]]

    assert titles(token_client(owner, "ideas:read")) == ["Launch video"]
    assert titles(token_client(owner, "ideas:read", "notes:read")) == ["Launch video", "Other"]
