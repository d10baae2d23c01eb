"""Personal access tokens on requests: which are accepted, which are 401/403, and what each costs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from accounts.services import user_deactivate, user_reactivate
from accounts.tests.helpers import ME, assert_auth_error
from accounts.token_strings import BASE62, TokenString, new_token, new_token_id, secret_hash

pytestmark = pytest.mark.django_db


def bearer(token_string: str, **client_kwargs) -> APIClient:
    client = APIClient(**client_kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_string}")
    return client


def travel(monkeypatch, delta: timedelta) -> None:
    """Move the server's clock `delta` ahead."""
    later = timezone.now() + delta
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_a_live_token_authenticates_as_its_owner(owner, issue_token):
    issued = issue_token(owner)

    response = bearer(issued.token_string).get(ME)

    assert response.status_code == 200
    assert response.json()["data"]["email"] == owner.email


def test_an_expired_token_is_401(owner, issue_token, monkeypatch):
    issued = issue_token(owner, expires_in_days=1)
    assert bearer(issued.token_string).get(ME).status_code == 200

    travel(monkeypatch, timedelta(days=1, seconds=1))

    assert_auth_error(bearer(issued.token_string).get(ME), "expired", token=issued.token_string)


def test_a_revoked_token_is_401(owner, owner_client, issue_token):
    issued = issue_token(owner)
    assert owner_client.delete(f"/api/v1/users/me/tokens/{issued.token.pk}").status_code == 204

    assert_auth_error(bearer(issued.token_string).get(ME), "revoked", token=issued.token_string)


def _with_checksum(body: str) -> str:
    from accounts.token_strings import _checksum

    return body + _checksum(body)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t + "A",  # too long
        lambda t: t[:-1] + ("B" if t[-1] != "B" else "C"),  # checksum off by one character
        lambda t: t[:20] + ("x" if t[20] != "x" else "y") + t[21:],  # one secret character changed
        lambda t: t[:30] + "é" + t[31:],
        lambda t: "cvp_",
        lambda t: "cvp_" + "A" * 200,
    ],
)
def test_malformed_tokens_are_401_without_a_query(owner, issue_token, mangle, django_assert_num_queries):
    issued = issue_token(owner)
    mangled = mangle(issued.token_string)

    with django_assert_num_queries(0):
        response = bearer(mangled).get(ME)

    assert_auth_error(response, "malformed" if mangled.isascii() else "", token=mangled)


def test_an_unknown_token_is_401(db, django_assert_num_queries):
    token = str(new_token(new_token_id()))  # well-formed, checksum right, never issued here

    with django_assert_num_queries(1):
        response = bearer(token).get(ME)

    assert_auth_error(response, "not recognised", token=token)


def test_a_known_id_with_the_wrong_secret_is_401_like_an_unknown_token(owner, issue_token):
    issued = issue_token(owner)
    forged = str(TokenString(token_id=issued.token.pk, secret=BASE62[:43]))

    assert_auth_error(bearer(forged).get(ME), "not recognised", token=forged)
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at is None


def test_another_servers_tokens_are_401(owner, issue_token, settings):
    # A token another deployment issued: its id is not ours.
    settings.SECRET_KEY = "another-server-" + "k" * 50
    elsewhere = issue_token(owner).token_string
    PersonalAccessToken.objects.filter(owner=owner).delete()
    # A copy of our database served with another secret key accepts none of our tokens.
    settings.SECRET_KEY = "our-server-" + "s" * 50
    ours = issue_token(owner).token_string
    assert bearer(ours).get(ME).status_code == 200
    settings.SECRET_KEY = "a-copy-of-the-database-" + "c" * 50

    assert_auth_error(bearer(elsewhere).get(ME), "not recognised")
    assert_auth_error(bearer(ours).get(ME), "not recognised")


def test_a_rotated_secret_key_keeps_tokens_working_through_the_fallback(owner, issue_token, settings):
    settings.SECRET_KEY = "old-key-" + "o" * 50
    issued = issue_token(owner)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "n" * 50, ["old-key-" + "o" * 50]

    assert bearer(issued.token_string).get(ME).status_code == 200

    # Re-hashed under the new key on use, so the old key can then be dropped.
    token = PersonalAccessToken.objects.get(pk=issued.token.pk)
    assert token.secret_hash == secret_hash(TokenString(token_id=token.pk, secret=issued.token_string[17:60]))
    settings.SECRET_KEY_FALLBACKS = []
    assert bearer(issued.token_string).get(ME).status_code == 200


def test_a_deactivated_owners_tokens_are_403_until_reactivated(owner, issue_token):
    issued = issue_token(owner)
    user_deactivate(user=owner)

    response = bearer(issued.token_string).get(ME)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    user_reactivate(user=owner)
    assert bearer(issued.token_string).get(ME).status_code == 200


def test_one_indexed_query_per_request_and_last_used_at_most_once_a_minute(
    owner, issue_token, django_assert_num_queries, monkeypatch
):
    issued = issue_token(owner)
    client = bearer(issued.token_string)

    with django_assert_num_queries(2) as first:  # the token with its owner, then last_used_at
        assert client.get(ME).status_code == 200
    assert "JOIN" in first.captured_queries[0]["sql"].upper()
    used = PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at
    assert used is not None

    with django_assert_num_queries(1):  # within the minute: the lookup only, no write
        assert client.get(ME).status_code == 200
    travel(monkeypatch, timedelta(seconds=59))
    with django_assert_num_queries(1):
        assert client.get(ME).status_code == 200
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at == used

    travel(monkeypatch, timedelta(seconds=61))
    with django_assert_num_queries(2):
        assert client.get(ME).status_code == 200
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at > used


def test_the_token_string_never_reaches_the_logs(owner, owner_client, caplog):
    caplog.set_level(logging.DEBUG)
    made = owner_client.post(
        "/api/v1/users/me/tokens", {"name": "cli", "scopes": ["ideas:read"]}, format="json"
    ).json()["data"]
    token = made["token"]
    client = bearer(token)
    client.get(ME)
    client.post("/api/v1/ideas", {"title": "x"}, format="json")  # 403: lacks ideas:write
    bearer(token[:-1]).get(ME)  # malformed
    owner_client.get("/api/v1/users/me/tokens")
    owner_client.delete(f"/api/v1/users/me/tokens/{made['id']}")
    client.get(ME)  # revoked

    secret = token.split("_", 2)[2][:43]
    assert caplog.records
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert secret not in text, record


def test_jwts_still_authenticate_beside_tokens(owner, owner_client, issue_token):
    issue_token(owner)

    assert owner_client.get(ME).status_code == 200
    assert_auth_error(bearer("not-a-jwt-nor-a-cvp-token").get(ME), "well-formed JWT")


def test_a_token_request_costs_one_query_more_than_a_jwt_request(
    owner, owner_client, issue_token, django_assert_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LIST_TOTALS_CACHE_SECONDS = 0  # both lists count (none reads a remembered total)

    client = bearer(issue_token(owner).token_string)
    client.get("/api/v1/ideas")  # the first use writes last_used_at; later ones within the minute do not
    owner_client.get("/api/v1/ideas")
    with CaptureQueriesContext(connection) as jwt:
        assert owner_client.get("/api/v1/ideas").status_code == 200

    # A JWT's account comes from the caller cache; a personal token is looked up on every request
    # (never cached, so a revocation is refused at once): that lookup is the one query more.
    with django_assert_num_queries(len(jwt.captured_queries) + 1):
        assert client.get("/api/v1/ideas").status_code == 200
