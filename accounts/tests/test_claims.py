"""Claims a real Better Auth token may carry that must be cleaned (name) or refused (sub, email).

A display name is the person's to choose: whatever it holds, the account keeps working. The
user id and email travel into URLs, logs and unique indexes: anything unsafe there is a 401.
"""

from __future__ import annotations

import json

import jwt
import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.helpers import assert_auth_error
from accounts.tests.tokens import TEST_KID, TEST_SIGNING_KEY, better_auth_claims, sign

pytestmark = pytest.mark.django_db

NEW_ID = "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ"


@pytest.mark.parametrize(
    ("name", "stored"),
    [("x\ud800y", "xy"), ("a\u0000b", "a b"), ("\n Ada\tLovelace\x1b ", "Ada Lovelace"), ("\ud83d", "")],
)
def test_a_display_name_with_unstorable_characters_is_cleaned_and_the_account_works(name, stored):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(better_auth_claims(name=name))}")

    me = client.get("/api/v1/users/me")
    ideas = client.get("/api/v1/ideas")
    created = client.post("/api/v1/ideas", {"title": "still works"}, format="json")

    assert me.status_code == 200, me.content
    assert me.json()["data"]["name"] == stored
    assert ideas.status_code == 200, ideas.content
    assert created.status_code == 201, created.content
    assert User.objects.get(pk=NEW_ID).name == stored


@pytest.mark.parametrize(
    "sub", ["abc\ndef", "abc\rdef", "abc\tdef", "abc\x1bdef", "../x", "a/b", "..", ".hidden", "a\x00b", "a b"]
)
def test_a_sub_unsafe_in_urls_or_logs_is_refused_and_no_account_is_made(call_me, sub):
    token = sign(better_auth_claims(sub=sub))

    assert_auth_error(call_me(token), "sub claim is invalid", token=token)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "sub", [NEW_ID, "auth0|5f7c8ec7c33c6c004bbafe82", "6f1c9a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a"]
)
def test_ordinary_subs_are_accepted(call_me, sub):
    response = call_me(sign(better_auth_claims(sub=sub, id=sub)))

    assert response.status_code == 200, response.content
    assert response.json()["data"]["id"] == sub


@pytest.mark.parametrize("email", ["ada\x00@example.com", "ada@exa\nmple.com", "ada\ud800@example.com"])
def test_an_email_with_control_characters_is_refused(call_me, email):
    token = sign(better_auth_claims(email=email))

    assert_auth_error(call_me(token), "email claim is invalid", token=token)
    assert not User.objects.exists()


def _sign_raw_payload(payload: bytes) -> str:
    return jwt.PyJWS().encode(
        payload, TEST_SIGNING_KEY.private_key, algorithm="EdDSA", headers={"kid": TEST_KID}
    )


def test_a_signed_payload_that_repeats_a_claim_is_refused(call_me):
    claims = better_auth_claims()
    text = json.dumps(claims)
    # Two `sub`s: PyJWT would keep the last; another reader may take the first.
    payload = text[:-1] + ', "sub": "someone-else"}'

    token = _sign_raw_payload(payload.encode())

    assert_auth_error(call_me(token), "ambiguous", token=token)
    assert not User.objects.exists()


def test_a_header_that_repeats_a_member_is_refused(call_me):
    token = sign(better_auth_claims())
    header = jwt.utils.base64url_encode(b'{"alg": "EdDSA", "kid": "x", "kid": "' + TEST_KID.encode() + b'"}')
    forged = header.decode() + token[token.index(".") :]

    assert_auth_error(call_me(forged), "header is malformed", token=forged)
