"""Public keys the backend trusts, and which signature algorithms each one may verify.

Better Auth signs with EdDSA (Ed25519) by default; RS256, PS256, ES256 and ES512 are its other
options. Nothing else is supported: no `none`, no symmetric (HS*) algorithm, because Better Auth
never issues them and accepting one against a public key is the classic algorithm-confusion hole.

A key's algorithms come from its own type (an Ed25519 key can only verify EdDSA, a P-256 key only
ES256...), narrowed by the JWK's `alg` when it names one, so a token can never pick an algorithm
that interprets the key differently from how it was published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

SUPPORTED_ALGORITHMS: frozenset[str] = frozenset({"EdDSA", "RS256", "PS256", "ES256", "ES512"})
MIN_RSA_KEY_BITS = 2048

PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class UnusableKey(ValueError):
    """A published or configured key that cannot be trusted (the message says why)."""


@dataclass(frozen=True)
class TrustedKey:
    """One verification key: its id (None for a pinned PEM key), algorithms and key object."""

    kid: str | None
    algorithms: frozenset[str]
    public_key: PublicKey
    description: str


def allowed_algorithms(configured: Iterable[str]) -> frozenset[str]:
    """The configured allow-list (`JWT_ALGORITHMS`) intersected with what is supported."""
    return frozenset(configured) & SUPPORTED_ALGORITHMS


def algorithms_for_key(public_key: object) -> tuple[frozenset[str], str]:
    """Return the algorithms a key's type can verify, and a short description of the key."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return frozenset({"EdDSA"}), "OKP Ed25519"
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < MIN_RSA_KEY_BITS:
            raise UnusableKey(f"RSA key of {public_key.key_size} bits is too short")
        return frozenset({"RS256", "PS256"}), f"RSA {public_key.key_size} bits"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        curve = public_key.curve.name
        if curve == "secp256r1":
            return frozenset({"ES256"}), "EC P-256"
        if curve == "secp521r1":
            return frozenset({"ES512"}), "EC P-521"
        raise UnusableKey(f"EC curve {curve} is not supported")
    raise UnusableKey(f"key type {type(public_key).__name__} is not supported")


def key_from_jwk(jwk: Mapping[str, Any]) -> TrustedKey:
    """Build a TrustedKey from one JWK of a key set; raise UnusableKey when it can't be used."""
    if not isinstance(jwk, Mapping):
        raise UnusableKey("entry is not a JSON object")
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise UnusableKey("key has no kid")
    if "d" in jwk or "p" in jwk or "k" in jwk:
        # Private or symmetric material has no business in a published key set.
        raise UnusableKey(f"key {kid!r} holds private or symmetric material")
    if jwk.get("use", "sig") != "sig":
        raise UnusableKey(f"key {kid!r} is not a signing key")
    readers: dict[str, Callable[[str], object]] = {
        "OKP": OKPAlgorithm.from_jwk,
        "RSA": RSAAlgorithm.from_jwk,
        "EC": ECAlgorithm.from_jwk,
    }
    reader = readers.get(str(jwk.get("kty")))
    if reader is None:
        raise UnusableKey(f"key {kid!r} has unsupported kty {jwk.get('kty')!r}")
    try:
        public_key = reader(json.dumps(dict(jwk)))
    except Exception as error:  # PyJWT raises several types for malformed JWKs
        raise UnusableKey(f"key {kid!r} is malformed") from error
    algorithms, description = algorithms_for_key(public_key)
    assert isinstance(public_key, PublicKey)  # algorithms_for_key accepted it
    declared = jwk.get("alg")
    if declared is not None:
        if declared not in algorithms:
            raise UnusableKey(f"key {kid!r} declares alg {declared!r}, which its type cannot verify")
        algorithms = frozenset({declared})
    return TrustedKey(kid=kid, algorithms=algorithms, public_key=public_key, description=description)


def key_from_pem(pem: str, *, kid: str | None = None) -> TrustedKey:
    """Build a TrustedKey from a PEM-encoded public key (`BETTER_AUTH_PUBLIC_KEY`)."""
    try:
        public_key = load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise UnusableKey("BETTER_AUTH_PUBLIC_KEY is not a PEM public key") from error
    algorithms, description = algorithms_for_key(public_key)
    assert isinstance(public_key, PublicKey)  # algorithms_for_key accepted it
    return TrustedKey(kid=kid, algorithms=algorithms, public_key=public_key, description=description)
