"""Token verification through GET /api/v1/users/me, against a real JWKS served on loopback.

Every refusal must be a 401 AUTH_ERROR with `WWW-Authenticate: Bearer error="invalid_token"`,
a message naming the problem, no echo of the token, and never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time

import pytest

from accounts.tests.helpers import assert_auth_error
from accounts.tests.tokens import (
    OMIT,
    TEST_AUDIENCE,
    TEST_ISSUER,
    TEST_KID,
    TEST_SIGNING_KEY,
    better_auth_claims,
    new_key,
    sign,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jwks_server")]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(obj: object) -> str:
    return b64(json.dumps(obj).encode())


def test_better_auth_shaped_eddsa_token_works_end_to_end(call_me, jwks_server):
    token = sign(better_auth_claims())
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "EdDSA", "kid": TEST_KID}  # exactly Better Auth's header: no typ

    response = call_me(token)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["data"]["id"] == "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ"
    assert body["data"]["email"] == "ada@example.com"
    assert body["data"]["name"] == "Ada Lovelace"
    assert jwks_server.hits == 1


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256", "ES512"])
def test_other_better_auth_algorithms_work_when_allowed(call_me, jwks_server, settings, algorithm):
    key = new_key(algorithm)
    jwks_server.keys.append(key)
    settings.JWT_ALGORITHMS = ["EdDSA", algorithm]

    response = call_me(sign(better_auth_claims(), key))

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_algorithm_not_in_allow_list_is_refused(call_me, jwks_server, algorithm):
    key = new_key(algorithm)
    jwks_server.keys.append(key)
    token = sign(better_auth_claims(), key)

    assert_auth_error(call_me(token), "algorithm is not allowed", token=token)
    assert jwks_server.hits == 0  # refused from the header alone: no JWKS fetch


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl"])
def test_alg_none_is_refused(call_me, alg, signature):
    token = f"{segment({'alg': alg, 'kid': TEST_KID})}.{segment(better_auth_claims())}.{signature}"

    response = call_me(token)

    assert_auth_error(response, token=token)
    if signature:
        assert "alg none" in response.json()["error"]["message"]


@pytest.mark.parametrize("secret_form", ["pem", "raw", "jwk-x"])
@pytest.mark.parametrize("allowed", [["EdDSA"], ["EdDSA", "HS256"]])
def test_hs256_signed_with_the_public_key_is_refused(call_me, settings, secret_form, allowed):
    settings.JWT_ALGORITHMS = allowed  # even a careless allow-list must not enable HS*
    public = TEST_SIGNING_KEY.public_jwk()
    secret = {
        "pem": TEST_SIGNING_KEY.public_pem().encode(),
        "raw": base64.urlsafe_b64decode(public["x"] + "=="),
        "jwk-x": public["x"].encode(),
    }[secret_form]
    signing_input = f"{segment({'alg': 'HS256', 'kid': TEST_KID})}.{segment(better_auth_claims())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(mac)}"

    assert_auth_error(call_me(token), "algorithm is not allowed", token=token)


def test_algorithm_that_does_not_match_the_key_type_is_refused(call_me, settings):
    settings.JWT_ALGORITHMS = ["EdDSA", "ES256"]
    ec_key = new_key("ES256", kid=TEST_KID)  # signs ES256 but names the Ed25519 key's kid

    token = sign(better_auth_claims(), ec_key)

    assert_auth_error(call_me(token), "does not match its signing key", token=token)


def test_wrong_signature_is_refused(call_me):
    impostor = new_key("EdDSA", kid=TEST_KID)
    token = sign(better_auth_claims(), impostor)

    assert_auth_error(call_me(token), "signature is invalid", token=token)


def test_tampered_payload_is_refused(call_me):
    header, _, signature = sign(better_auth_claims()).split(".")
    token = f"{header}.{segment(better_auth_claims(sub='someone-else'))}.{signature}"

    assert_auth_error(call_me(token), "signature is invalid", token=token)


def test_expired_token_is_refused(call_me):
    now = int(time.time())
    token = sign(better_auth_claims(iat=now - 1000, exp=now - 100))

    assert_auth_error(call_me(token), "expired", token=token)


def test_token_expired_within_leeway_is_accepted(call_me):
    now = int(time.time())
    token = sign(better_auth_claims(iat=now - 905, exp=now - 5))

    assert call_me(token).status_code == 200


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_token_from_the_future_beyond_leeway_is_refused(call_me, claim):
    now = int(time.time())
    claims = better_auth_claims(exp=now + 900 + 300)
    claims[claim] = now + 300  # leeway is 30 s

    assert_auth_error(call_me(sign(claims)), "not valid yet")


def test_nbf_within_leeway_is_accepted(call_me):
    assert call_me(sign(better_auth_claims(nbf=int(time.time()) + 10))).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iss": "https://evil.example"}, "issuer is not accepted"),
        ({"iss": OMIT}, "missing the iss claim"),
        ({"aud": "https://other-app.example"}, "audience is not accepted"),
        ({"aud": ["https://other-app.example"]}, "audience is not accepted"),
        ({"aud": OMIT}, "missing the aud claim"),
        ({"sub": OMIT}, "missing the sub claim"),
        ({"sub": ""}, "sub claim is invalid"),
        ({"sub": 12345}, "sub claim is invalid"),
        ({"sub": "x" * 256}, "sub claim is invalid"),
        ({"exp": OMIT}, "missing the exp claim"),
        ({"iat": OMIT}, "missing the iat claim"),
        ({"exp": "soon"}, "malformed"),
        ({"iat": "yesterday"}, "iat claim is invalid"),
        ({"email": OMIT}, "missing the email claim"),
        ({"email": 42}, "email claim is invalid"),
        ({"name": ["Ada"]}, "name claim is invalid"),
    ],
)
def test_wrong_or_missing_claims_are_refused(call_me, overrides, message):
    token = sign(better_auth_claims(**overrides))

    assert_auth_error(call_me(token), message, token=token)


def test_audience_list_containing_ours_is_accepted(call_me):
    token = sign(better_auth_claims(aud=["https://other.example", TEST_AUDIENCE]))

    assert call_me(token).status_code == 200


def test_issuer_and_audience_follow_settings(call_me, settings):
    settings.BETTER_AUTH_ISSUER = "https://auth.elsewhere.example"
    token = sign(better_auth_claims(iss=TEST_ISSUER))

    assert_auth_error(call_me(token), "issuer is not accepted")


def test_token_lifetime_over_the_maximum_is_refused(call_me, settings):
    settings.JWT_MAX_LIFETIME_SECONDS = 3600
    now = int(time.time())

    assert call_me(sign(better_auth_claims(iat=now, exp=now + 3600))).status_code == 200
    token = sign(better_auth_claims(iat=now, exp=now + 3601))
    assert_auth_error(call_me(token), "lifetime exceeds", token=token)


def test_missing_kid_is_refused_with_a_jwks(call_me, jwks_server):
    token = sign(better_auth_claims(), kid=OMIT)

    assert_auth_error(call_me(token), "no key id", token=token)
    assert jwks_server.hits == 0


def test_unknown_kid_is_refused(call_me):
    token = sign(better_auth_claims(), kid="kid-nobody-published")

    assert_auth_error(call_me(token), "signing key is not recognised", token=token)


@pytest.mark.parametrize("kid", [123, "", ["a"], "k" * 300])
def test_malformed_kid_is_refused(call_me, jwks_server, kid):
    signing_input = f"{segment({'alg': 'EdDSA', 'kid': kid})}.{segment(better_auth_claims())}"
    token = f"{signing_input}.{b64(TEST_SIGNING_KEY.private_key.sign(signing_input.encode()))}"  # type: ignore[call-arg]

    assert_auth_error(call_me(token), "kid", token=token)
    assert jwks_server.hits == 0


@pytest.mark.parametrize("crit", [["exp"], ["b64"], ["urn:example:unknown"], "nonsense"])
def test_crit_header_is_refused(call_me, crit):
    token = sign(better_auth_claims(), headers={"crit": crit, "urn:example:unknown": 1})

    assert_auth_error(call_me(token), "critical header", token=token)


def test_signed_payload_that_is_not_json_is_refused(call_me):
    signing_input = f"{segment({'alg': 'EdDSA', 'kid': TEST_KID})}.{b64(b'not json at all')}"
    signature = TEST_SIGNING_KEY.private_key.sign(signing_input.encode())  # type: ignore[call-arg]

    assert_auth_error(call_me(f"{signing_input}.{b64(signature)}"), "malformed")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        "a.b",
        "a.b.c.d",
        "....",
        "eyJhbGciOiJFZERTQSJ9.e30.",
        "%%%.%%%.%%%",
        "eyJhbGciOi.eyJzdWIiOi.c2ln",  # base64 but not JSON
        b64(b'["alg"]') + ".e30.c2ln",  # JSON header that is not an object
        b64(b'{"alg": "EdDSA", "kid": "' + b"\xff" * 4 + b'"}') + ".e30.c2ln",
    ],
)
def test_strings_that_are_not_jwts_are_refused(call_me, token):
    assert_auth_error(call_me(token))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"Bearer", "no token"),
        (b"Bearer ", "no token"),
        (b"Bearer    ", "no token"),
        (b"Basic dXNlcjpwYXNz", "bearer scheme"),
        (b"Token abc", "bearer scheme"),
        (b"Bearer a b", "must not contain spaces"),
        (b"Bearer \xff\xfe\x00\x01", ""),
        (b"\x00\x01\x02\xff", ""),
        (b"Bearer \xe2\x82\xac.\xe2\x82\xac.\xe2\x82\xac", ""),
    ],
)
def test_bad_authorization_headers_are_refused(call_me, header, message):
    assert_auth_error(call_me(header), message)


def test_non_latin1_header_text_is_refused(call_me):
    assert_auth_error(call_me("Bearer ключ.ключ.ключ"))


def test_random_garbage_in_the_header_is_never_a_500(call_me, settings):
    settings.RATELIMIT_ENABLE = False  # 150 anonymous calls would otherwise hit the IP limit
    rng = random.Random(20261125)
    alphabet = [bytes([i]) for i in range(256)]
    for _ in range(150):
        size = rng.randint(0, 300)
        junk = b"".join(rng.choice(alphabet) for _ in range(size))
        header = rng.choice([b"", b"Bearer ", b"bearer "]) + junk
        response = call_me(header)
        assert response.status_code == 401, (header, response.content)


def test_token_over_the_size_limit_is_refused(call_me, settings, jwks_server):
    settings.JWT_MAX_TOKEN_BYTES = 2048
    token = sign(better_auth_claims(padding="x" * 3000))

    assert_auth_error(call_me(token), "too large", token=token)
    assert jwks_server.hits == 0


def test_huge_header_is_refused_without_parsing(call_me, jwks_server):
    assert_auth_error(call_me(b"Bearer " + b"A" * 1_000_000), "too large")
    assert jwks_server.hits == 0


def test_no_authorization_header_is_401_with_plain_bearer_challenge(call_me):
    response = call_me(None)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_ERROR"
    assert response["WWW-Authenticate"] == "Bearer"


def test_pinned_pem_key_replaces_the_jwks_and_trusts_only_itself(call_me, settings, jwks_server):
    other = new_key("EdDSA", kid=TEST_KID)
    settings.BETTER_AUTH_PUBLIC_KEY = other.public_pem()

    assert call_me(sign(better_auth_claims(), other, kid=OMIT)).status_code == 200
    assert_auth_error(call_me(sign(better_auth_claims())), "signature is invalid")
    assert jwks_server.hits == 0


def test_unusable_pinned_key_is_a_401_not_a_500(call_me, settings):
    settings.BETTER_AUTH_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"

    assert_auth_error(call_me(sign(better_auth_claims())), "misconfigured")


def test_no_key_source_is_a_401_not_a_500(call_me, settings):
    settings.BETTER_AUTH_JWKS_URL = ""

    assert_auth_error(call_me(sign(better_auth_claims())), "not configured")
