"""Verify a Better Auth JWT and return its claims, or say precisely why it is refused.

The order of checks matters: everything that can be decided from the token's header (size, shape,
algorithm allow-list, `crit`, `kid`) is decided before any key is looked up, so junk never causes
a JWKS fetch. Then the signature is verified with the key the `kid` names, using only algorithms
that key's type can verify, and finally the claims: `exp`, `iat`, `iss`, `aud`, `sub` required,
`nbf`/`iat` not in the future and `exp` not past (with `JWT_LEEWAY_SECONDS`), and a lifetime of
at most `JWT_MAX_LIFETIME_SECONDS`.

Messages say what was wrong and never echo the token or any value taken from it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings

from accounts import jwks
from accounts.devkeys import dev_auth_enabled, dev_trusted_key
from accounts.keys import TrustedKey, UnusableKey, allowed_algorithms, key_from_pem
from creatorvault import strictjson
from creatorvault.lru import BoundedLRU
from creatorvault.text import clean_line, has_control_chars

logger = logging.getLogger("accounts.authentication")

REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
# Compact JWS: three base64url segments. Anything else is refused before it reaches a parser.
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_SUB_LENGTH = 255
# The user id, used in URLs and logs: URL-safe printable ASCII (Better Auth's are 32 letters and
# digits), not starting with a dot, so no control character, space, slash or `..` gets in.
SUB_PATTERN = re.compile(rf"[A-Za-z0-9_~:@|+=-][A-Za-z0-9._~:@|+=-]{{0,{MAX_SUB_LENGTH - 1}}}")
MAX_EMAIL_LENGTH = 254
MAX_KID_LENGTH = 256


class TokenRejected(Exception):
    """The token is not acceptable; `str(error)` is a message safe to show the caller."""


class KeysUnavailable(Exception):
    """The token cannot be judged now: no trusted key set (the issuer is down); a 503, not a 401."""


@dataclass(frozen=True)
class VerifiedToken:
    """The identity a verified token carries."""

    sub: str
    email: str
    name: str
    issued_at: int
    expires_at: int
    claims: dict[str, Any]


def verify_token(token: str) -> VerifiedToken:
    """Verify `token` (a compact JWS string) and return its identity; raise TokenRejected.

    A token this process verified before is not decoded and its signature not checked again
    while it is unexpired and the key that verified it is still the one its header names
    (`_VerifiedTokens`); everything else is checked from scratch.
    """
    if len(token.encode("utf-8", "replace")) > settings.JWT_MAX_TOKEN_BYTES:
        raise TokenRejected("Token is too large.")
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    remembered = _verified.get(digest)
    if remembered is not None:
        return remembered
    if not COMPACT_JWS.fullmatch(token):
        raise TokenRejected("Token is not a well-formed JWT.")
    algorithm, header = _check_header(_read_header(token))
    kid = header.get("kid")
    issued_at = _unverified_issued_at(token)
    key = _resolve_key(kid, issued_at)
    if algorithm not in key.algorithms:
        raise TokenRejected("Token algorithm does not match its signing key.")
    claims = _decode(token, key, algorithm)
    _check_payload_is_unambiguous(token)
    verified = _identity(claims)
    _verified.put(digest, verified, key=key, kid=kid, issued_at=issued_at)
    return verified


@dataclass(frozen=True)
class _Remembered:
    verified: VerifiedToken
    key: TrustedKey
    kid: str | None
    issued_at: float | None
    settings: tuple[Any, ...]


def _verification_settings() -> tuple[Any, ...]:
    """What else a token's acceptance depends on: a change (tests override them) forgets nothing
    but makes every remembered token be verified again."""
    return (
        settings.BETTER_AUTH_ISSUER,
        settings.BETTER_AUTH_AUDIENCE,
        tuple(settings.JWT_ALGORITHMS),
        settings.JWT_MAX_LIFETIME_SECONDS,
        settings.JWT_LEEWAY_SECONDS,
        settings.BETTER_AUTH_PUBLIC_KEY,
        settings.BETTER_AUTH_JWKS_URL,
        dev_auth_enabled(),
    )


class _VerifiedTokens:
    """This process's verified tokens, keyed by the SHA-256 of the token string, bounded (LRU).

    An entry is used only before the token's `exp` (the leeway past it is granted by a full
    verification, never from here), while the key its header names resolves to the very key
    that verified it (a key the JWKS no longer publishes, or a changed pinned key, stops
    validating its tokens at once; an unavailable key set is still a 503) and while the settings
    it was verified under are unchanged. A token differing by one byte has another digest. The
    account checks (deactivation, the caller cache) run on every request whatever this returns.
    """

    def __init__(self, size: int) -> None:
        self._entries: BoundedLRU[bytes, _Remembered] = BoundedLRU(size)

    def get(self, digest: bytes) -> VerifiedToken | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if time.time() >= entry.verified.expires_at or entry.settings != _verification_settings():
            self.forget(digest)
            return None
        try:
            still_trusted = _resolve_key(entry.kid, entry.issued_at) == entry.key
        except (TokenRejected, KeysUnavailable):
            still_trusted = False  # the full verification says why
        if not still_trusted:
            self.forget(digest)
            return None
        return entry.verified

    def put(
        self,
        digest: bytes,
        verified: VerifiedToken,
        *,
        key: TrustedKey,
        kid: str | None,
        issued_at: float | None,
    ) -> None:
        self._entries.put(digest, _Remembered(verified, key, kid, issued_at, _verification_settings()))

    def forget(self, digest: bytes) -> None:
        self._entries.forget(digest)

    def clear(self) -> None:
        self._entries.clear()


# Per process (each worker its own): a few thousand entries of a few hundred bytes each.
_verified = _VerifiedTokens(size=4096)


def _read_header(token: str) -> dict[str, Any]:
    """The token's JOSE header, decoded (not trusted yet)."""
    encoded = token.split(".", 1)[0]
    try:
        header = strictjson.loads(_b64decode(encoded))
    except (ValueError, TypeError, RecursionError):
        raise TokenRejected("Token header is malformed.") from None
    if not isinstance(header, dict):
        raise TokenRejected("Token header is malformed.")
    return header


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _check_payload_is_unambiguous(token: str) -> None:
    """Refuse a (signed) payload that repeats a claim (each claim's text is checked later).

    PyJWT's `json.loads` keeps the last of two `sub`s; RFC 8725 §3.9 advises refusing such JSON,
    since another reader of the same token may pick the first.
    """
    try:
        strictjson.loads(_b64decode(token.split(".")[1]), allow_lone_surrogates=True)
    except (ValueError, TypeError, RecursionError):
        raise TokenRejected("Token payload is ambiguous or malformed JSON.") from None


def _unverified_issued_at(token: str) -> float | None:
    """The payload's `iat`, not yet verified: only a hint that a token may use a newer key."""
    try:
        claims = strictjson.loads(_b64decode(token.split(".")[1]), allow_lone_surrogates=True)
    except (ValueError, TypeError, RecursionError):
        return None
    issued_at = claims.get("iat") if isinstance(claims, dict) else None
    if isinstance(issued_at, int | float) and not isinstance(issued_at, bool):
        return float(issued_at)
    return None


def _check_header(header: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the token's algorithm (and header) after the header-only checks."""
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or not algorithm:
        raise TokenRejected("Token header has no algorithm.")
    if algorithm.lower() == "none":
        raise TokenRejected("Unsigned tokens (alg none) are not accepted.")
    if algorithm not in allowed_algorithms(settings.JWT_ALGORITHMS):
        raise TokenRejected("Token algorithm is not allowed.")
    if "crit" in header or "b64" in header:
        raise TokenRejected("Token uses critical header extensions this server does not support.")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH):
        raise TokenRejected("Token header has an invalid key id (kid).")
    return algorithm, header


@functools.lru_cache(maxsize=4)
def _pinned_key(pem: str) -> TrustedKey:
    return key_from_pem(pem)


def _resolve_key(kid: str | None, issued_at: float | None = None) -> TrustedKey:
    """The key that must have signed a token whose header names `kid`."""
    if dev_auth_enabled():
        key = dev_trusted_key()
        if kid is not None and kid != key.kid:
            raise TokenRejected("Token signing key is not recognised.")
        return key
    if settings.BETTER_AUTH_PUBLIC_KEY:
        try:
            return _pinned_key(settings.BETTER_AUTH_PUBLIC_KEY)
        except UnusableKey as error:
            logger.error("BETTER_AUTH_PUBLIC_KEY is unusable: %s", error)
            raise TokenRejected("Token verification is misconfigured on this server.") from None
    if settings.BETTER_AUTH_JWKS_URL:
        if kid is None:
            raise TokenRejected("Token header has no key id (kid).")
        try:
            published = jwks.get_key(settings.BETTER_AUTH_JWKS_URL, kid, issued_at=issued_at)
        except jwks.KeySetUnavailable:
            raise KeysUnavailable("Signing keys are unavailable right now; try again shortly.") from None
        if published is None:
            raise TokenRejected("Token signing key is not recognised.")
        return published
    logger.error("no Better Auth key is configured (BETTER_AUTH_URL / JWKS_URL / PUBLIC_KEY)")
    raise TokenRejected("Token verification is not configured on this server.")


# PyJWT's exception classes, most specific first, and what we tell the caller.
_MESSAGES: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "Token has expired."),
    (jwt.ImmatureSignatureError, "Token is not valid yet (nbf or iat is in the future)."),
    (jwt.InvalidAudienceError, "Token audience is not accepted."),
    (jwt.InvalidIssuerError, "Token issuer is not accepted."),
    (jwt.InvalidSignatureError, "Token signature is invalid."),
    (jwt.InvalidAlgorithmError, "Token algorithm is not allowed."),
    (jwt.InvalidIssuedAtError, "Token iat claim is invalid."),
    (jwt.exceptions.InvalidSubjectError, "Token sub claim is invalid."),
    (jwt.DecodeError, "Token is malformed."),
)


def _decode(token: str, key: TrustedKey, algorithm: str) -> dict[str, Any]:
    issuer, audience = settings.BETTER_AUTH_ISSUER, settings.BETTER_AUTH_AUDIENCE
    if not issuer or not audience:
        logger.error("BETTER_AUTH_ISSUER / BETTER_AUTH_AUDIENCE are not set")
        raise TokenRejected("Token verification is misconfigured on this server.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key.public_key,
            algorithms=[algorithm],
            issuer=issuer,
            audience=audience,
            leeway=settings.JWT_LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS), "verify_signature": True},
        )
    except jwt.MissingRequiredClaimError as error:
        raise TokenRejected(f"Token is missing the {error.claim} claim.") from None
    except jwt.PyJWTError as error:
        for error_class, message in _MESSAGES:
            if isinstance(error, error_class):
                raise TokenRejected(message) from None
        raise TokenRejected("Token is invalid.") from None
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise TokenRejected("Token is malformed.") from None
    return claims


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _identity(claims: dict[str, Any]) -> VerifiedToken:
    issued_at, expires_at = claims["iat"], claims["exp"]
    if not (_is_number(issued_at) and _is_number(expires_at)):
        raise TokenRejected("Token exp and iat claims must be numbers.")
    if expires_at - issued_at > settings.JWT_MAX_LIFETIME_SECONDS:
        raise TokenRejected("Token lifetime exceeds the allowed maximum.")
    sub = claims["sub"]
    if not isinstance(sub, str) or not SUB_PATTERN.fullmatch(sub):
        raise TokenRejected("Token sub claim is invalid.")
    email = claims.get("email")
    if email is None:
        raise TokenRejected("Token is missing the email claim.")
    if (
        not isinstance(email, str)
        or "@" not in email
        or len(email) > MAX_EMAIL_LENGTH
        or has_control_chars(email)
    ):
        raise TokenRejected("Token email claim is invalid.")
    name = claims.get("name")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise TokenRejected("Token name claim is invalid.")
    return VerifiedToken(
        sub=sub,
        email=email.strip(),
        # The display name is the person's choice: cleaned (never refused), so no name can
        # lock its owner out of every endpoint.
        name=clean_line(name),
        issued_at=int(issued_at),
        expires_at=int(expires_at),
        claims=claims,
    )
