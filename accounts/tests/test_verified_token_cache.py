"""The per-process cache of verified tokens (accounts.verification) never accepts what a full
verification would refuse: an expired token, a tampered one, one whose key left the JWKS, or a
deactivated account's. Through GET /api/v1/users/me, against a real JWKS on loopback."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import jwt
import pytest

from accounts import jwks
from accounts.models import User
from accounts.tests.helpers import assert_auth_error
from accounts.tests.tokens import TEST_KID, better_auth_claims, new_key, sign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jwks_server")]


@pytest.fixture
def decodes(monkeypatch):
    """How many tokens were decoded (signature verified) by PyJWT."""
    calls = []
    real = jwt.decode

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    return calls


def shift_clock(monkeypatch, seconds: float) -> None:
    """Move the clock of the verification and of PyJWT `seconds` ahead."""
    real_time = time.time

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(seconds=seconds)

    monkeypatch.setattr(time, "time", lambda: real_time() + seconds)
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)


def test_a_token_seen_before_is_not_verified_again(call_me, decodes):
    token = sign(better_auth_claims())

    assert call_me(token).status_code == 200
    assert call_me(token).status_code == 200

    assert len(decodes) == 1


def test_expired_token_is_refused_even_when_remembered(call_me, monkeypatch):
    now = int(time.time())
    token = sign(better_auth_claims(iat=now - 10, exp=now + 100))
    assert call_me(token).status_code == 200

    shift_clock(monkeypatch, 200)  # past exp and the 30 s leeway

    assert_auth_error(call_me(token), "expired", token=token)


def test_deactivated_account_is_refused_at_once_with_a_remembered_token(call_me):
    token = sign(better_auth_claims())
    assert call_me(token).status_code == 200

    User.objects.filter(pk="fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ").update(is_active=False)

    response = call_me(token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_tampered_tokens_never_match_a_remembered_one(call_me):
    token = sign(better_auth_claims())
    assert call_me(token).status_code == 200
    header, payload, signature = token.split(".")
    other = sign(better_auth_claims(sub="someone-else", email="eve@example.com")).split(".")[1]
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]

    for tampered in (f"{header}.{other}.{signature}", f"{header}.{payload}.{flipped}"):
        assert_auth_error(call_me(tampered), "signature is invalid", token=tampered)
    assert call_me(token).status_code == 200


def test_a_key_removed_from_the_jwks_stops_validating_remembered_tokens(call_me, jwks_server):
    token = sign(better_auth_claims())
    assert call_me(token).status_code == 200

    jwks_server.keys[:] = [new_key("EdDSA", "rotated")]
    jwks.forget(jwks_server.url)  # the next request fetches the set without TEST_KID

    assert_auth_error(call_me(token), "not recognised", token=token)


def test_a_changed_pinned_key_stops_validating_remembered_tokens(call_me, settings):
    from accounts.tests.tokens import TEST_SIGNING_KEY

    token = sign(better_auth_claims())
    settings.BETTER_AUTH_PUBLIC_KEY = TEST_SIGNING_KEY.public_pem()
    assert call_me(token).status_code == 200

    settings.BETTER_AUTH_PUBLIC_KEY = new_key("EdDSA", TEST_KID).public_pem()

    assert_auth_error(call_me(token), "signature is invalid", token=token)
