"""GET and PATCH /api/v1/users/me."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.helpers import ME

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [ME, ME + "/"])
def test_get_returns_the_callers_profile_in_the_envelope(owner, client_for, path):
    response = client_for(owner).get(path)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {
        "id": owner.pk,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "created_at": body["data"]["created_at"],
        "updated_at": body["data"]["updated_at"],
    }
    assert body["data"]["created_at"].endswith("Z")
    assert body["meta"]["request_id"].startswith("req_")


def test_each_user_sees_only_themselves(owner, outsider, client_for):
    assert client_for(outsider).get(ME).json()["data"]["id"] == outsider.pk
    assert client_for(owner).get(ME).json()["data"]["id"] == owner.pk


def test_without_a_token_it_is_401(api_client, db):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_ERROR"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", [ME, ME + "/"])
def test_patch_changes_the_name(owner, client_for, path):
    response = client_for(owner).patch(path, {"name": "  Ada King  "}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == "Ada King"
    owner.refresh_from_db()
    assert owner.name == "Ada King"


def test_patch_without_fields_changes_nothing(owner, client_for):
    response = client_for(owner).patch(ME, {}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "mallory@example.com"},
        {"id": "someone-else"},
        {"name": "Ada", "is_staff": True},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"nmae": "typo"},
    ],
)
def test_patch_of_other_fields_is_refused(owner, client_for, body):
    response = client_for(owner).patch(ME, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    refused = {detail["field"] for detail in error["details"]}
    assert refused == set(body) - {"name"}
    stored = User.objects.get(pk=owner.pk)
    assert (stored.email, stored.name, stored.is_staff) == ("ada@example.com", "Ada Lovelace", False)


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 256, "Ada\x00", "Ada\nKing", "\nAda", "Ada\r\n", "\tAda", None, 42, ["Ada"]]
)
def test_patch_with_an_invalid_name_is_refused(owner, client_for, name):
    response = client_for(owner).patch(ME, {"name": name}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "name"
    owner.refresh_from_db()
    assert owner.name == "Ada Lovelace"


@pytest.mark.parametrize("body", [[], "name", ["name", "Ada"]])
def test_patch_with_a_body_that_is_not_an_object_is_refused(owner, client_for, body):
    response = client_for(owner).patch(ME, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("method", ["post", "put"])  # DELETE erases the account (issue 5)
def test_other_methods_are_405(owner, client_for, method):
    response = getattr(client_for(owner), method)(ME, {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_users_me_is_in_the_openapi_document(api_client):
    response = api_client.get("/api/schema?format=json", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = paths.get("/api/v1/users/me") or paths["/api/v1/users/me/"]
    assert set(operations) >= {"get", "patch"}
    patch = operations["patch"]
    request_schema = patch["requestBody"]["content"]["application/json"]["schema"]
    assert "401" in patch["responses"] and "400" in patch["responses"]
    assert request_schema


def test_patch_body_schema_is_as_strict_as_the_server(api_client):
    """Other fields and blank or control-character names are refused, so the schema says so."""
    import re

    schema = api_client.get("/api/schema?format=json", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/users/me"]["patch"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["additionalProperties"] is False
    pattern = re.compile(body["properties"]["name"]["pattern"])
    assert pattern.search("  Ada King ") and pattern.search("x" * 255 + "  ")
    for refused in ("", "   ", "Ada\x07", "x" * 256, "\nAda"):
        assert not pattern.search(refused)
