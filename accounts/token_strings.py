"""The personal access token string: making one, reading one, and the keyed hash of its secret.

    cvp_<id>_<secret><checksum>      e.g. cvp_4Fq9ZxT2bLmR_q0P…(43 characters)…Yh81kQ

* `cvp_` says what it is (secret scanners and people recognise it; it never looks like a JWT);
* `<id>`: 12 base62 characters, the row's primary key, so verification is one indexed lookup.
  `cvp_<id>` is the token's public *prefix*, shown in lists so a creator can tell tokens apart;
* `<secret>`: 43 base62 characters from `secrets` (256 bits), never stored;
* `<checksum>`: 6 base62 characters of the CRC32 of everything before it, so a mistyped or
  truncated token is refused without touching the database.

The server keeps `HMAC-SHA256(key, id:secret)` only. A fast keyed hash is right here: the secret
is 256 random bits, so there is nothing for a slow password hash to protect against guessing,
while every request pays for verification. The key derives from `SECRET_KEY`; a hash made under
a key in `SECRET_KEY_FALLBACKS` still verifies (and is re-made under the current key), so the
secret key can be rotated without breaking tokens. A database copy served with another secret
key (another server) accepts none of them.
"""

from __future__ import annotations

import hmac
import re
import secrets
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

TOKEN_PREFIX = "cvp_"  # noqa: S105 - the public marker of the format, not a secret
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 12
SECRET_LENGTH = 43  # 62**43 > 2**256
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(TOKEN_PREFIX) + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH
_SHAPE = re.compile(
    rf"{TOKEN_PREFIX}([0-9A-Za-z]{{{ID_LENGTH}}})_([0-9A-Za-z]{{{SECRET_LENGTH}}})([0-9A-Za-z]{{{CHECKSUM_LENGTH}}})"
)
_HASH_SALT = "creatorvault.accounts.personal-access-token"


class MalformedToken(Exception):
    """The string starts like a personal access token but is not one."""


@dataclass(frozen=True)
class TokenString:
    """A personal access token's parts."""

    token_id: str
    secret: str

    def __str__(self) -> str:
        body = f"{TOKEN_PREFIX}{self.token_id}_{self.secret}"
        return body + _checksum(body)

    def __repr__(self) -> str:
        return f"TokenString(token_id={self.token_id!r}, secret=<hidden>)"


def _random(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def _checksum(body: str) -> str:
    value = zlib.crc32(body.encode("ascii"))
    digits = []
    for _ in range(CHECKSUM_LENGTH):
        value, digit = divmod(value, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def new_token_id() -> str:
    """A fresh random token id (the primary key and public part of a token)."""
    return _random(ID_LENGTH)


def new_token(token_id: str) -> TokenString:
    """A token with id `token_id` and a fresh 256-bit secret."""
    return TokenString(token_id=token_id, secret=_random(SECRET_LENGTH))


def public_prefix(token_id: str) -> str:
    """What lists show of a token: `cvp_<id>`, the start of the token string."""
    return f"{TOKEN_PREFIX}{token_id}"


def looks_like_personal_token(value: str) -> bool:
    """Whether a bearer value is meant as a personal access token (and not as a JWT)."""
    return value.startswith(TOKEN_PREFIX)


def parse_token(value: str) -> TokenString:
    """The parts of a personal access token string; `MalformedToken` if it is not well-formed."""
    match = _SHAPE.fullmatch(value)
    if match is None:
        raise MalformedToken("Personal access token is malformed.")
    token_id, secret, checksum = match.groups()
    if not hmac.compare_digest(checksum, _checksum(value[:-CHECKSUM_LENGTH])):
        raise MalformedToken("Personal access token is malformed (its checksum does not match).")
    return TokenString(token_id=token_id, secret=secret)


def _hash(token: TokenString, key: str) -> str:
    return salted_hmac(
        _HASH_SALT, f"{token.token_id}:{token.secret}", secret=key, algorithm="sha256"
    ).hexdigest()


def secret_hash(token: TokenString) -> str:
    """The stored form of `token`'s secret: HMAC-SHA256 under the current secret key (hex)."""
    return _hash(token, settings.SECRET_KEY)


@dataclass(frozen=True)
class HashCheck:
    """Whether a presented secret matches the stored hash, and whether the hash should be re-made."""

    matches: bool
    stale_key: bool = False


def check_secret(token: TokenString, stored_hash: str) -> HashCheck:
    """Compare `token`'s secret with `stored_hash` in constant time, under the current key and fallbacks."""
    if hmac.compare_digest(secret_hash(token), stored_hash):
        return HashCheck(matches=True)
    for key in settings.SECRET_KEY_FALLBACKS:
        if hmac.compare_digest(_hash(token, key), stored_hash):
            return HashCheck(matches=True, stale_key=True)
    return HashCheck(matches=False)
