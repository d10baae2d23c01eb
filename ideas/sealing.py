"""Sealing notes at rest: the key ring, AES-256-GCM sealed values and the keyed word index.

**Keys.** `settings.ENCRYPTION_KEYS` is a list of `key_id:base64url(32 bytes)`. The first key seals
every new value; every listed key opens values. With `DEBUG` on and no key configured
(`settings.ENCRYPTION_DEV_KEYS`), one development key is generated into the git-ignored state
folder (`STATE_DIR/encryption/dev-key`, mode 0600); production refuses to start without keys
(`creatorvault.config_checks`).

**Sealed values** are text, so they survive every database, dump and fixture format::

    v1:<key_id>:<base64url(nonce(12) || ciphertext || tag(16))>

Associated data binds a value to the idea *and* its owner, so a ciphertext copied onto another
row, or onto another user's idea, fails authentication instead of opening.

**Word index.** Notes are searchable by whole word without the database ever seeing a word: each
normalised word (Unicode NFKC, casefolded, split on non-word characters) is stored as a truncated
HMAC-SHA256 under a key derived for one owner from one sealing key. Equal words of two users look
unrelated. An idea's index entries are always made under the same key that sealed its notes, so
rotating keys re-seals the notes *and* rebuilds that idea's entries in one step, and a search
hashes the term under every configured key (a handful at most) while a rotation is under way.
Dropping an old key therefore never leaves index entries that nothing can match.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from creatorvault.state import create_private_file_once

FORMAT_VERSION = "v1"
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
KEY_BYTES = 32
NONCE_BYTES = 12
# 128 bits of HMAC: collisions between two words of one user are out of reach.
TOKEN_HASH_BYTES = 16
# Longer "words" are almost always pasted data (URLs, hashes); they are not indexed.
MAX_WORD_CHARS = 64
_WORD_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_INDEX_INFO = b"creatorvault/notes-word-index/v1"
_AAD_PREFIX = b"creatorvault/idea-notes/v1"


class SealError(Exception):
    """A sealed value cannot be opened. The message never carries any plaintext."""


class UnknownKeyIdError(SealError):
    """The value was sealed under a key id that is not configured."""


class SealedValueInvalidError(SealError):
    """The value is malformed, tampered with, or belongs to another idea or owner."""


@dataclass(frozen=True)
class KeyRing:
    """The configured keys: `current_id` seals, every key in `keys` opens."""

    current_id: str
    keys: dict[str, bytes]
    _index_keys: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key_id, secret in self.keys.items():
            self._index_keys[key_id] = _hkdf(secret, info=_INDEX_INFO, salt=b"")

    @property
    def key_ids(self) -> list[str]:
        """Every configured key id, the current one first."""
        return [self.current_id, *(k for k in self.keys if k != self.current_id)]

    def index_key(self, key_id: str) -> bytes:
        """The word-index master key derived from sealing key `key_id`."""
        try:
            return self._index_keys[key_id]
        except KeyError:
            raise UnknownKeyIdError(f"Encryption key id {key_id!r} is not configured.") from None


def _hkdf(secret: bytes, *, info: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(secret)


# --- Key ring -----------------------------------------------------------------------------------


def parse_keys(entries: list[str]) -> list[tuple[str, bytes]]:
    """Parse `key_id:base64url(32 bytes)` entries; raise `ImproperlyConfigured` naming the bad one.

    The message names the entry's position and key id, never the key material.
    """
    parsed: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for position, raw in enumerate(entries, start=1):
        entry = raw.strip()
        key_id, sep, encoded = entry.partition(":")
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                f"ENCRYPTION_KEYS entry {position} must look like `key_id:base64url-32-bytes`, with a key id "
                "of 1-32 letters, digits, '-' or '_'."
            )
        if key_id in seen:
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS lists key id {key_id!r} twice.")
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            secret = b""
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"ENCRYPTION_KEYS key {key_id!r} must be {KEY_BYTES} random bytes in base64url "
                "(`python -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`)."
            )
        seen.add(key_id)
        parsed.append((key_id, secret))
    return parsed


def generate_key_entry(key_id: str) -> str:
    """A new `key_id:base64url(32 random bytes)` entry for ENCRYPTION_KEYS."""
    if not KEY_ID_PATTERN.match(key_id):
        raise ValueError("A key id is 1-32 letters, digits, '-' or '_'.")
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def dev_key_path() -> Path:
    """Where the development key is kept (only used with DEBUG on and no ENCRYPTION_KEYS)."""
    return Path(settings.STATE_DIR) / "encryption" / "dev-key"


_dev_lock = threading.Lock()


def _dev_key_entries() -> list[str]:
    """The development key entry, created on first use (race-safe between processes)."""
    return list(_dev_key_entries_at(dev_key_path()))


@lru_cache(maxsize=4)
def _dev_key_entries_at(path: Path) -> tuple[str, ...]:
    with _dev_lock:
        if not path.exists():
            create_private_file_once(path, (generate_key_entry("dev") + "\n").encode())
        return tuple(line for line in path.read_text().splitlines() if line.strip())


@lru_cache(maxsize=8)
def _ring_for(entries: tuple[str, ...]) -> KeyRing:
    parsed = parse_keys(list(entries))
    if not parsed:
        raise ImproperlyConfigured("ENCRYPTION_KEYS must hold at least one key.")
    return KeyRing(current_id=parsed[0][0], keys=dict(parsed))


def configured_key_entries() -> list[str]:
    """The key entries in force: ENCRYPTION_KEYS, else the development key when allowed."""
    entries = [entry for entry in getattr(settings, "ENCRYPTION_KEYS", []) if entry.strip()]
    if entries:
        return entries
    if getattr(settings, "ENCRYPTION_DEV_KEYS", False):
        return _dev_key_entries()
    raise ImproperlyConfigured(
        "ENCRYPTION_KEYS is empty: set at least one `key_id:base64url-32-bytes` key (see .env.example)."
    )


def key_ring() -> KeyRing:
    """The current key ring (cached per configuration, so tests may override the setting)."""
    return _ring_for(tuple(configured_key_entries()))


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: object) -> None:
    if setting in ("ENCRYPTION_KEYS", "ENCRYPTION_DEV_KEYS", "STATE_DIR"):
        _ring_for.cache_clear()
        _owner_index_key.cache_clear()
        _dev_key_entries_at.cache_clear()


# --- Sealed values ------------------------------------------------------------------------------


def associated_data(*, idea_id: object, owner_id: object) -> bytes:
    """What a sealed note is bound to: its idea and that idea's owner (length-prefixed, unambiguous)."""
    parts = [_AAD_PREFIX, str(idea_id).encode(), str(owner_id).encode()]
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def seal(plaintext: str, *, idea_id: object, owner_id: object, key_id: str | None = None) -> str:
    """Seal `plaintext` for one idea under the current key (or `key_id`); returns the stored value."""
    ring = key_ring()
    key_id = key_id or ring.current_id
    try:
        secret = ring.keys[key_id]
    except KeyError:
        raise UnknownKeyIdError(f"Encryption key id {key_id!r} is not configured.") from None
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(secret).encrypt(
        nonce, plaintext.encode("utf-8"), associated_data(idea_id=idea_id, owner_id=owner_id)
    )
    return f"{FORMAT_VERSION}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def sealed_key_id(value: str) -> str:
    """The key id a stored value names (without opening it)."""
    version, sep, rest = value.partition(":")
    key_id, sep2, _ = rest.partition(":")
    if version != FORMAT_VERSION or not sep or not sep2 or not KEY_ID_PATTERN.match(key_id):
        raise SealedValueInvalidError("The sealed value is malformed.")
    return key_id


def unseal(value: str, *, idea_id: object, owner_id: object) -> str:
    """Open a stored value sealed for this idea and owner; raise a `SealError` otherwise."""
    key_id = sealed_key_id(value)
    secret = key_ring().keys.get(key_id)
    if secret is None:
        raise UnknownKeyIdError(f"Encryption key id {key_id!r} is not configured.")
    encoded = value.split(":", 2)[2]
    try:
        blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise SealedValueInvalidError("The sealed value is malformed.") from None
    if len(blob) < NONCE_BYTES + 16:
        raise SealedValueInvalidError("The sealed value is malformed.")
    try:
        plain = AESGCM(secret).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data(idea_id=idea_id, owner_id=owner_id)
        )
    except InvalidTag:
        raise SealedValueInvalidError(
            "The sealed value does not authenticate (tampered with, or moved from another idea)."
        ) from None
    return plain.decode("utf-8")


# --- Keyed word index ---------------------------------------------------------------------------


def normalise_words(text: str) -> set[str]:
    """The distinct searchable words of `text`: NFKC, casefolded, split on non-word characters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Casefolding can denormalise (e.g. 'ẞ' → 'ss' is fine, but some ligatures are not NFKC-stable).
    folded = unicodedata.normalize("NFKC", folded)
    return {word for word in _WORD_SPLIT.split(folded) if word and len(word) <= MAX_WORD_CHARS}


@lru_cache(maxsize=4096)
def _owner_index_key(index_key: bytes, owner_id: str) -> bytes:
    return _hkdf(index_key, info=_INDEX_INFO + b"/owner", salt=owner_id.encode("utf-8"))


def word_hash(word: str, *, owner_id: object, key_id: str | None = None) -> bytes:
    """The index entry for one already-normalised word of one owner, under `key_id` (default current)."""
    ring = key_ring()
    owner_key = _owner_index_key(ring.index_key(key_id or ring.current_id), str(owner_id))
    return hmac.new(owner_key, word.encode("utf-8"), hashlib.sha256).digest()[:TOKEN_HASH_BYTES]


def note_word_hashes(text: str, *, owner_id: object, key_id: str | None = None) -> set[bytes]:
    """The index entries of a note: one hash per distinct normalised word."""
    ring = key_ring()
    owner_key = _owner_index_key(ring.index_key(key_id or ring.current_id), str(owner_id))
    return {
        hmac.new(owner_key, word.encode("utf-8"), hashlib.sha256).digest()[:TOKEN_HASH_BYTES]
        for word in normalise_words(text)
    }


def search_term_hashes(term: str, *, owner_id: object) -> list[set[bytes]] | None:
    """Hashes to look up for a search term: one set per word (any configured key), or None if no word.

    An idea matches the term when it holds, for every word, at least one of that word's hashes.
    """
    words = normalise_words(term)
    if not words:
        return None
    ring = key_ring()
    return [
        {word_hash(word, owner_id=owner_id, key_id=key_id) for key_id in ring.key_ids}
        for word in sorted(words)
    ]
