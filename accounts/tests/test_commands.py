"""`manage.py mint_token` (development tokens) and `manage.py check_auth`."""

from __future__ import annotations

import base64
import json
import stat
from io import StringIO

import jwt
import pytest
from django.core.management import CommandError, call_command

from accounts.devkeys import dev_key_path
from accounts.models import User
from accounts.tests.helpers import assert_auth_error
from accounts.tests.tokens import better_auth_claims, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_auth(settings, tmp_path):
    """Development mode as settings enable it: DEBUG on, no Better Auth configured."""
    settings.DEBUG = True
    settings.DEV_AUTH = True
    settings.STATE_DIR = tmp_path
    settings.BETTER_AUTH_URL = ""
    settings.BETTER_AUTH_PUBLIC_KEY = ""
    settings.BETTER_AUTH_JWKS_URL = ""
    settings.BETTER_AUTH_ISSUER = settings.DEV_AUTH_ISSUER
    settings.BETTER_AUTH_AUDIENCE = settings.DEV_AUTH_ISSUER
    return settings


def mint(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("mint_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_minted_token_is_better_auth_shaped_and_works(dev_auth, call_me):
    token = mint("Grace@Example.com", "--name", "Grace Hopper", "--ttl", "15m")

    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert set(header) == {"alg", "kid"} and header["alg"] == "EdDSA"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900
    assert claims["sub"] == claims["id"]
    assert claims["iss"] == claims["aud"] == dev_auth.DEV_AUTH_ISSUER
    response = call_me(token)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["email"] == "grace@example.com"
    assert User.objects.get(pk=claims["sub"]).name == "Grace Hopper"


def test_dev_key_is_created_once_in_the_state_dir_and_private(dev_auth):
    first = mint("a@example.com")
    key_file = dev_key_path()
    assert key_file.is_relative_to(dev_auth.STATE_DIR)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = mint("a@example.com")

    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]
    assert (
        jwt.decode(first, options={"verify_signature": False})["sub"]
        == jwt.decode(second, options={"verify_signature": False})["sub"]
    )


def test_existing_users_email_gets_their_id(dev_auth, owner):
    claims = jwt.decode(mint(owner.email), options={"verify_signature": False})

    assert claims["sub"] == owner.pk


@pytest.mark.parametrize("ttl", ["0", "soon", "15x", "-5m", "2h"])
def test_bad_ttl_is_refused(dev_auth, ttl):
    with pytest.raises(CommandError, match="ttl"):
        mint("a@example.com", "--ttl", ttl)


def test_bad_email_is_refused(dev_auth):
    with pytest.raises(CommandError, match="not an email"):
        mint("not-an-email")


def test_mint_token_refuses_when_dev_auth_is_off():
    with pytest.raises(CommandError, match="Development tokens are disabled"):
        mint("a@example.com")


def test_dev_tokens_are_refused_when_debug_is_off(dev_auth, call_me):
    token = mint("a@example.com")
    dev_auth.DEBUG = False  # DEV_AUTH can never take effect without DEBUG

    with pytest.raises(CommandError, match="disabled"):
        mint("a@example.com")
    assert_auth_error(call_me(token), "not configured")


def test_other_keys_are_not_trusted_in_dev_mode(dev_auth, call_me):
    mint("a@example.com")  # creates the dev key
    token = sign(better_auth_claims(iss=dev_auth.DEV_AUTH_ISSUER, aud=dev_auth.DEV_AUTH_ISSUER))

    assert_auth_error(call_me(token), "not recognised")


def check_auth() -> str:
    out = StringIO()
    call_command("check_auth", stdout=out)
    return out.getvalue()


def test_check_auth_reports_the_jwks_keys(jwks_server):
    report = check_auth()

    assert jwks_server.url in report
    assert "test-ed25519-key: OKP Ed25519 -> EdDSA" in report
    assert "https://auth.creatorvault.test" in report
    assert "OK: 1 key(s) trusted." in report


def test_check_auth_reports_an_unreachable_jwks(jwks_server):
    jwks_server.stop()

    with pytest.raises(CommandError, match="could not be reached"):
        check_auth()


def test_check_auth_reports_keys_no_allowed_algorithm_can_use(jwks_server, settings):
    settings.JWT_ALGORITHMS = ["RS256", "HS256"]

    with pytest.raises(CommandError, match="unsupported algorithms HS256") as excinfo:
        check_auth()
    assert "No trusted key can verify any allowed algorithm" in str(excinfo.value)


def test_check_auth_reports_the_pinned_key():
    report = check_auth()

    assert "pinned PEM public key" in report
    assert "OKP Ed25519 -> EdDSA" in report


def test_check_auth_reports_a_bad_pinned_key(settings):
    settings.BETTER_AUTH_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"

    with pytest.raises(CommandError, match="not a PEM public key"):
        check_auth()


def test_check_auth_reports_dev_mode(dev_auth):
    assert "development key pair" in check_auth()
