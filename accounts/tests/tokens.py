"""Real Better Auth-shaped tokens for tests, signed with real keys (no verification is mocked).

`TEST_SIGNING_KEY` is an Ed25519 key made once per test run. The root conftest pins its public
half as `BETTER_AUTH_PUBLIC_KEY` for every test, so `mint_test_token(user)` authenticates through
the real `BetterAuthJWTAuthentication`. JWKS tests serve the same key (as `TEST_KID`) from a
loopback HTTP server instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from accounts.models import User

TEST_ISSUER = "https://auth.creatorvault.test"
TEST_AUDIENCE = "https://auth.creatorvault.test"
TEST_KID = "test-ed25519-key"
TOKEN_LIFETIME = 900  # Better Auth's default: 15 minutes


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
"""Pass as a claim override to leave that claim out: `mint_test_token(user, exp=OMIT)`."""

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class SigningKey:
    """A private key, the algorithm it signs with, and its kid in the test JWKS."""

    private_key: PrivateKey
    algorithm: str
    kid: str
    jwk_extra: dict[str, Any] = field(default_factory=dict)

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK, as Better Auth's `/api/auth/jwks` publishes it (no `alg` for EdDSA)."""
        public = self.private_key.public_key()
        reader = {
            "EdDSA": OKPAlgorithm,
            "RS256": RSAAlgorithm,
            "PS256": RSAAlgorithm,
            "ES256": ECAlgorithm,
            "ES512": ECAlgorithm,
        }[self.algorithm]
        jwk: dict[str, Any] = reader.to_jwk(public, as_dict=True)  # type: ignore[attr-defined]
        jwk["kid"] = self.kid
        jwk.update(self.jwk_extra)
        return jwk

    def public_pem(self) -> str:
        """The public key as PEM (for `BETTER_AUTH_PUBLIC_KEY`)."""
        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )


def new_key(algorithm: str = "EdDSA", kid: str | None = None) -> SigningKey:
    """A fresh signing key for `algorithm`."""
    private_key: PrivateKey
    if algorithm == "EdDSA":
        private_key = ed25519.Ed25519PrivateKey.generate()
    elif algorithm in ("RS256", "PS256"):
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ES256":
        private_key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "ES512":
        private_key = ec.generate_private_key(ec.SECP521R1())
    else:
        raise ValueError(algorithm)
    return SigningKey(private_key=private_key, algorithm=algorithm, kid=kid or f"test-{algorithm.lower()}")


TEST_SIGNING_KEY = new_key("EdDSA", TEST_KID)


def better_auth_claims(user: User | None = None, **overrides: Any) -> dict[str, Any]:
    """The claims of SPEC §4 for `user` (or a made-up person), with `overrides` applied."""
    now = int(time.time())
    user_id = user.pk if user is not None else "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ"
    claims: dict[str, Any] = {
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "iss": TEST_ISSUER,
        "aud": TEST_AUDIENCE,
        "sub": user_id,
        "id": user_id,
        "email": user.email if user is not None else "ada@example.com",
        "name": user.name if user is not None else "Ada Lovelace",
        "emailVerified": False,
        "createdAt": "2026-11-25T17:42:45.210Z",
        "updatedAt": "2026-11-25T17:42:45.210Z",
    }
    for name, value in overrides.items():
        if value is OMIT:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def sign(
    claims: dict[str, Any],
    key: SigningKey = TEST_SIGNING_KEY,
    *,
    kid: str | _Omit | None = None,
    headers: dict[str, Any] | None = None,
) -> str:
    """Sign `claims` like Better Auth: header `{alg, kid}` and no `typ`.

    `kid` defaults to the key's own; pass `OMIT` to leave it out. `headers` adds or overrides.
    """
    header: dict[str, Any] = {"typ": None}
    if kid is not OMIT:
        header["kid"] = kid if kid is not None else key.kid
    header.update(headers or {})
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers=header)


def mint_test_token(user: User, **claim_overrides: Any) -> str:
    """A valid token for `user`, signed by the test key; `claim_overrides` change claims."""
    return sign(better_auth_claims(user, **claim_overrides))
