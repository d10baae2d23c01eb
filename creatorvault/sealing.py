"""Sealing private text at rest: the key ring, AES-256-GCM sealed values and keyed word hashes.

Domain-free: callers say what a value is bound to (`associated_data(purpose, *parts)`, e.g. a row
and its owner) and whose word hashes they want (`scope`, e.g. an owner).

**Keys.** `settings.ENCRYPTION_KEYS` is a list of `key_id:base64url(32 bytes)`. The first key seals
every new value; every listed key opens values. With `DEBUG` on and no key configured
(`settings.ENCRYPTION_DEV_KEYS`), one development key is generated into the git-ignored state
folder (`STATE_DIR/encryption/dev-key`, mode 0600); production refuses to start without keys
(`creatorvault.config_checks`).

**Sealed values** are text, so they survive every database, dump and fixture format::

    v1:<key_id>:<base64url(nonce(12) || ciphertext || tag(16))>

The associated data binds a value to what it belongs to, so a ciphertext copied onto another row
fails authentication instead of opening.

**Keyed word hashes.** Text is searchable by whole word without the database ever seeing a word:
each normalised word (Unicode NFKC, casefolded, split on non-word characters) is stored as a
truncated HMAC-SHA256 under a key derived for one scope (an owner) from one sealing key, so equal
words of two scopes look unrelated. A search hashes the term under every configured key (a
handful at most), so values not yet rotated still match while a rotation is under way.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from creatorvault import metrics
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
# HKDF info of the word-hash keys. The bytes are part of every stored hash: never change them.
_INDEX_INFO = b"creatorvault/notes-word-index/v1"


class SealError(Exception):
    """A sealed value cannot be opened. The message never carries any plaintext."""


class UnknownKeyIdError(SealError):
    """The value was sealed under a key id that is not configured."""


class SealedValueInvalidError(SealError):
    """The value is malformed, tampered with, or bound to something else."""


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


# The ring in force, once made (every sealed value opened reads it: a list page, 20 times); made
# again after a change to a setting it comes from.
_current_ring: KeyRing | None = None


def key_ring() -> KeyRing:
    """The current key ring (made once per configuration, so tests may override the setting)."""
    global _current_ring
    ring = _current_ring
    if ring is None:
        ring = _current_ring = _ring_for(tuple(configured_key_entries()))
    return ring


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: object) -> None:
    global _current_ring
    if setting in ("ENCRYPTION_KEYS", "ENCRYPTION_DEV_KEYS", "STATE_DIR"):
        _current_ring = None
        _cipher.cache_clear()
        _scope_key.cache_clear()
        _dev_key_entries_at.cache_clear()


# --- Sealed values ------------------------------------------------------------------------------

# One AES-GCM object per key, made once: making one (the key schedule) cost ~1.5 µs against
# ~0.4 µs for opening a short note with it, 20 times per list page. The object is immutable
# (each operation works on its own copy of the cipher context), so threads share it.
_cipher = lru_cache(maxsize=16)(AESGCM)


def associated_data(purpose: bytes, *parts: object) -> bytes:
    """What a sealed value is bound to: a purpose and its parts, length-prefixed (unambiguous)."""
    chunks = [purpose, *(str(part).encode() for part in parts)]
    return b"".join(len(chunk).to_bytes(4, "big") + chunk for chunk in chunks)


def seal(plaintext: str, *, aad: bytes, key_id: str | None = None) -> str:
    """Seal `plaintext`, bound to `aad`, under the current key (or `key_id`); returns the stored value."""
    try:
        return _seal(plaintext, aad=aad, key_id=key_id)
    except SealError:
        metrics.count_sealing_failure("seal")
        raise


def _seal(plaintext: str, *, aad: bytes, key_id: str | None) -> str:
    ring = key_ring()
    key_id = key_id or ring.current_id
    try:
        secret = ring.keys[key_id]
    except KeyError:
        raise UnknownKeyIdError(f"Encryption key id {key_id!r} is not configured.") from None
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _cipher(secret).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{FORMAT_VERSION}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def sealed_key_id(value: str) -> str:
    """The key id a stored value names (without opening it)."""
    version, sep, rest = value.partition(":")
    key_id, sep2, _ = rest.partition(":")
    if version != FORMAT_VERSION or not sep or not sep2 or not KEY_ID_PATTERN.match(key_id):
        raise SealedValueInvalidError("The sealed value is malformed.")
    return key_id


def unseal(value: str, *, aad: bytes) -> str:
    """Open a stored value sealed with this associated data; raise a `SealError` otherwise."""
    try:
        return _unseal(value, aad=aad)
    except SealError:
        metrics.count_sealing_failure("unseal")
        raise


def _unseal(value: str, *, aad: bytes) -> str:
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
        plain = _cipher(secret).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealedValueInvalidError(
            "The sealed value does not authenticate (tampered with, or moved from another row)."
        ) from None
    return plain.decode("utf-8")


# --- Keyed word hashes --------------------------------------------------------------------------


def normalise_words(text: str) -> set[str]:
    """The distinct searchable words of `text`: NFKC, casefolded, split on non-word characters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Casefolding can denormalise (e.g. 'ẞ' → 'ss' is fine, but some ligatures are not NFKC-stable).
    folded = unicodedata.normalize("NFKC", folded)
    return {word for word in _WORD_SPLIT.split(folded) if word and len(word) <= MAX_WORD_CHARS}


@lru_cache(maxsize=4096)
def _scope_key(index_key: bytes, scope: str) -> bytes:
    # The info bytes name the owner scope for historical reasons; stored hashes depend on them.
    return _hkdf(index_key, info=_INDEX_INFO + b"/owner", salt=scope.encode("utf-8"))


def _word_hasher(*, scope: object, key_id: str | None) -> Callable[[str], bytes]:
    """The keyed hash of already-normalised words for one scope under `key_id` (default current)."""
    ring = key_ring()
    key = _scope_key(ring.index_key(key_id or ring.current_id), str(scope))
    return lambda word: hmac.new(key, word.encode("utf-8"), hashlib.sha256).digest()[:TOKEN_HASH_BYTES]


def word_hashes(text: str, *, scope: object, key_id: str | None = None) -> set[bytes]:
    """The hashes of `text`'s distinct normalised words, for `scope`, under `key_id` (default current)."""
    hasher = _word_hasher(scope=scope, key_id=key_id)
    return {hasher(word) for word in normalise_words(text)}


def search_term_hashes(term: str, *, scope: object) -> list[set[bytes]] | None:
    """Hashes to look up for a search term: one set per word (any configured key), or None if no word.

    A row matches the term when it holds, for every word, at least one of that word's hashes.
    """
    words = sorted(normalise_words(term))
    if not words:
        return None
    hashers = [_word_hasher(scope=scope, key_id=key_id) for key_id in key_ring().key_ids]
    return [{hasher(word) for hasher in hashers} for word in words]


# --- Other sealed stores, for key rotation ------------------------------------------------------


@dataclass(frozen=True)
class SealedStore:
    """Sealed values kept by an app above the notes (e.g. the chat's), re-sealed by key rotation.

    `pending_count()` counts values not under the current key; `rotation_batch(batch_size=,
    skip_ids=)` re-seals up to `batch_size` of them and returns an object with `resealed`,
    `failed_ids` and `seen`; `dry_run(batch_size=)` opens every one of them, writing nothing, and
    returns the same kind of object (`rotate_encryption_key --dry-run`).
    """

    name: str
    pending_count: Callable[[], int]
    rotation_batch: Callable[..., Any]
    dry_run: Callable[..., Any]


_SEALED_STORES: dict[str, SealedStore] = {}


def register_sealed_store(store: SealedStore) -> None:
    """Have `rotate_encryption_key` cover `store` too (call from an `AppConfig.ready`)."""
    _SEALED_STORES[store.name] = store


def sealed_stores() -> list[SealedStore]:
    """The registered stores, in registration order."""
    return list(_SEALED_STORES.values())
