"""`/api/v1/users/me/tokens`: make, list and revoke personal access tokens over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from accounts.services import TOKENS_LIVE_MAX, token_create
from accounts.tests.helpers import ME, assert_auth_error

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/users/me/tokens"
TOKEN_SHAPE = re.compile(r"cvp_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}")
METADATA = {
    "id",
    "name",
    "prefix",
    "scopes",
    "status",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
}


def bearer(token_string: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_string}")
    return client


def make(client, **body):
    body = {"name": "Claude Desktop", "scopes": ["ideas:read"], **body}
    return client.post(TOKENS, body, format="json")


def test_making_a_token_answers_201_with_the_token_once(owner, owner_client):
    response = make(owner_client, scopes=["notes:read", "ideas:read", "ideas:read"])

    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    data = response.json()["data"]
    assert set(data) == {*METADATA, "token"}
    assert TOKEN_SHAPE.fullmatch(data["token"])
    assert data["token"].startswith(data["prefix"] + "_")
    assert data["prefix"] == f"cvp_{data['id']}"
    assert data["scopes"] == ["ideas:read", "notes:read"]  # repeats once, catalogue order
    assert data["status"] == "active" and data["last_used_at"] is None and data["revoked_at"] is None
    row = PersonalAccessToken.objects.get(pk=data["id"])
    assert row.owner == owner and row.name == "Claude Desktop"
    # The token works at once, as its owner.
    me = bearer(data["token"]).get(ME)
    assert me.status_code == 200 and me.json()["data"]["id"] == owner.pk


def test_the_server_keeps_only_a_hash_of_the_secret(owner_client):
    token = make(owner_client).json()["data"]["token"]
    secret = token.split("_", 2)[2]

    row = PersonalAccessToken.objects.filter(pk=token[4:16]).values().get()
    stored = " ".join(str(value) for value in row.values())
    assert secret not in stored and secret[:43] not in stored and token not in stored
    assert re.fullmatch(r"[0-9a-f]{64}", row["secret_hash"])  # HMAC-SHA256


def test_the_secret_is_never_shown_again_in_the_list(owner_client):
    token = make(owner_client).json()["data"]["token"]

    response = owner_client.get(TOKENS)

    assert response.status_code == 200
    body = response.content.decode()
    assert token.split("_", 2)[2][:43] not in body
    assert PersonalAccessToken.objects.get().secret_hash not in body
    (listed,) = response.json()["data"]["tokens"]
    assert set(listed) == METADATA
    assert token.startswith(listed["prefix"])


def test_default_expiry_is_90_days_and_at_most_a_year(owner_client):
    before = timezone.now()
    default = make(owner_client).json()["data"]
    longest = make(owner_client, expires_in_days=365).json()["data"]

    expires = PersonalAccessToken.objects.get(pk=default["id"]).expires_at
    assert timedelta(days=90) <= expires - before < timedelta(days=90, minutes=1)
    expires = PersonalAccessToken.objects.get(pk=longest["id"]).expires_at
    assert timedelta(days=365) <= expires - before < timedelta(days=365, minutes=1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in_days": 366}, "expires_in_days"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": "30"}, "expires_in_days"),
        ({"expires_in_days": True}, "expires_in_days"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["ideas:delete"]}, "scopes.0"),
        ({"scopes": "ideas:read"}, "scopes"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "bell\x07"}, "name"),
        ({"token": "cvp_mine"}, "token"),
        ({"id": "abc"}, "id"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(owner_client, body, field):
    response = make(owner_client, **body)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [detail["field"] for detail in error["details"]]
    assert PersonalAccessToken.objects.count() == 0


def test_name_and_scopes_are_required(owner_client):
    response = owner_client.post(TOKENS, {}, format="json")

    assert response.status_code == 400
    assert {d["field"] for d in response.json()["error"]["details"]} == {"name", "scopes"}


def test_the_list_is_newest_first_paginated_and_only_the_callers(owner, outsider, owner_client, issue_token):
    for n in range(3):
        issue_token(owner, name=f"script {n}")
    issue_token(outsider, name="someone else's")

    first = owner_client.get(TOKENS, {"limit": 2}).json()["data"]
    second = owner_client.get(TOKENS, {"limit": 2, "offset": 2}).json()["data"]

    assert [t["name"] for t in first["tokens"] + second["tokens"]] == ["script 2", "script 1", "script 0"]
    assert first["pagination"] == {"total": 3, "limit": 2, "offset": 0, "has_more": True}
    assert owner_client.get(TOKENS, {"limit": 0}).status_code == 400
    assert owner_client.get(TOKENS, {"sort": "name"}).status_code == 400


def test_revoking_answers_204_and_the_token_fails_at_once(owner_client):
    made = make(owner_client).json()["data"]
    assert bearer(made["token"]).get(ME).status_code == 200

    response = owner_client.delete(f"{TOKENS}/{made['id']}")

    assert response.status_code == 204 and response.content == b""
    assert_auth_error(bearer(made["token"]).get(ME), "revoked", token=made["token"])
    (listed,) = owner_client.get(TOKENS).json()["data"]["tokens"]
    assert listed["status"] == "revoked" and listed["revoked_at"] is not None
    # Revoking again changes nothing.
    revoked_at = PersonalAccessToken.objects.get(pk=made["id"]).revoked_at
    assert owner_client.delete(f"{TOKENS}/{made['id']}/").status_code == 204
    assert PersonalAccessToken.objects.get(pk=made["id"]).revoked_at == revoked_at


def test_another_creators_token_cannot_be_revoked(outsider, owner_client, issue_token):
    theirs = issue_token(outsider)

    response = owner_client.delete(f"{TOKENS}/{theirs.token.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert bearer(theirs.token_string).get(ME).status_code == 200
    assert owner_client.delete(f"{TOKENS}/no-such-token").status_code == 404


def test_at_most_50_live_tokens(owner, owner_client, monkeypatch):
    for n in range(TOKENS_LIVE_MAX):
        token_create(owner=owner, name=f"t{n}", scopes=["ideas:read"], expires_in_days=1 if n == 0 else 90)

    refused = make(owner_client)
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "CONFLICT"
    assert "50" in refused.json()["error"]["message"]
    assert PersonalAccessToken.objects.filter(owner=owner).count() == TOKENS_LIVE_MAX

    # A revoked token frees a place...
    newest = PersonalAccessToken.objects.filter(owner=owner).first()
    assert owner_client.delete(f"{TOKENS}/{newest.pk}").status_code == 204
    assert make(owner_client).status_code == 201
    assert make(owner_client).status_code == 409
    # ...and so does an expired one (the first expires after a day).
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert make(owner_client).status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", TOKENS), ("post", TOKENS), ("delete", f"{TOKENS}/someid")],
)
def test_a_token_cannot_manage_tokens(owner, token_client, method, path):
    client = token_client(owner, "ideas:read", "ideas:write", "notes:read", "assistant")

    response = getattr(client, method)(path, {"name": "x", "scopes": ["ideas:read"]}, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert "session" in response.json()["error"]["message"]
    assert PersonalAccessToken.objects.filter(owner=owner).count() == 1


def test_tokens_need_authentication(api_client):
    assert api_client.get(TOKENS).status_code == 401
    assert api_client.post(TOKENS, {}, format="json").status_code == 401


def test_other_methods_are_405(owner_client):
    assert owner_client.put(TOKENS, {}, format="json").status_code == 405
    assert owner_client.put(f"{TOKENS}?limit=5", {}, format="json").status_code == 405
    assert owner_client.get(f"{TOKENS}/abc").status_code == 405
