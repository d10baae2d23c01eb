"""Better Auth's key set (JWKS): fetched over HTTP, cached in the shared cache, refetched sparingly.

Why not PyJWT's `PyJWKClient`: it empties its cache when a fetch fails and refetches on every
unknown `kid`, so a JWKS outage breaks every token and a flood of made-up `kid`s floods Better Auth.
This module keeps these promises instead:

* **Shared cache.** The raw key set lives in Django's default cache (Redis when `REDIS_URL` is set),
  so every gunicorn worker benefits from one fetch. Each process also keeps the parsed keys of the
  last key set it saw, and uses them if the cache itself is unreachable.
* **One fetch per cooldown.** Any fetch (stale refresh, unknown `kid`) must first win an atomic
  `cache.add` on a gate key that lives `JWKS_REFETCH_COOLDOWN_SECONDS`; whoever loses uses what is
  cached (the two short gates below work the same way), and any successful fetch restarts this
  cooldown. A flood of random `kid`s therefore costs Better Auth one request per interval, across
  all workers.
* **Last good key set survives, within bounds.** The cached entry never expires by itself; it is
  *stale* after `JWKS_CACHE_SECONDS` (5 minutes: how long a key Better Auth retired stays
  trusted), which triggers a (gated) refresh. A failed, slow (short timeout) or malformed fetch
  leaves the last good key set in place, so tokens of cached keys keep working through an outage
  of up to `JWKS_MAX_STALE_SECONDS`; after that the set is no longer trusted (`KeySetUnavailable`).
* **A genuinely new key is not kept waiting.** An unknown `kid` on a token issued *after* the
  cached set was fetched may be a key published since: it may fetch even inside the cooldown, at
  most once per `JWKS_NEW_KEY_COOLDOWN_SECONDS` (1 s) across workers. (The `iat` is not verified
  yet, so a flood that forges it costs Better Auth at most one request per second.)
* **No request waits for a refresh it does not need.** A stale set whose keys still verify the
  token is used at once; the (gated) refresh runs in a background thread, so an issuer that hangs
  costs no request its fetch timeout. Only a fetch the answer depends on (nothing usable cached,
  an unknown `kid`) runs in the request, bounded by `JWKS_FETCH_TIMEOUT_SECONDS`.
* **Back within a second of the issuer.** With no usable key set (a cold start, or one past
  `JWKS_MAX_STALE_SECONDS`) every token is a 503 until a fetch succeeds, so a retry is allowed once
  per `JWKS_NEW_KEY_COOLDOWN_SECONDS` (its own gate) rather than once per refetch cooldown: the
  service recovers within about a second of the issuer's return instead of up to 30 s. In one
  process such a load runs one at a time: the requests that arrive meanwhile wait for it (at most
  its fetch timeout) and use what it fetched, instead of a 503 from the cooldown it holds; if it
  failed, they are a 503 at once (a fetch of their own would double their wait).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from accounts.keys import TrustedKey, UnusableKey, key_from_jwk
from creatorvault import metrics

logger = logging.getLogger("accounts.jwks")

MAX_JWKS_BYTES = 256 * 1024
CACHE_PREFIX = "accounts:jwks:v1"


class JWKSFetchError(Exception):
    """The key set could not be fetched or was not a usable JWKS (the message says why)."""


class KeySetUnavailable(Exception):
    """No key set is cached and none could be fetched right now."""


@dataclass(frozen=True)
class KeySet:
    """A parsed key set: usable keys by `kid`, and why any other entry was skipped."""

    keys: dict[str, TrustedKey]
    skipped: list[str]
    fetched_at: float
    digest: str


_local_lock = threading.Lock()
# url -> last KeySet this process parsed; used to skip re-parsing and when the cache is down.
_local: dict[str, KeySet] = {}


def _url_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def entry_cache_key(url: str) -> str:
    """Cache key holding the raw key set fetched from `url`."""
    return f"{CACHE_PREFIX}:set:{_url_id(url)}"


def cooldown_cache_key(url: str, gate: str = "gate") -> str:
    """Cache key whose presence means "a fetch of `url` happened less than a cooldown ago"."""
    return f"{CACHE_PREFIX}:{gate}:{_url_id(url)}"


def fetch_jwks(url: str, *, timeout: float) -> dict[str, Any]:
    """GET `url` and return the decoded JWKS document; raise JWKSFetchError on any failure.

    `timeout` bounds the whole exchange (connect plus every read), so a slow server cannot hold
    a request thread for longer than that.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise JWKSFetchError("the JWKS URL must be http(s)")
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Accept": "application/json", "User-Agent": "creatorvault-api"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            if response.status != 200:
                raise JWKSFetchError(f"the JWKS endpoint answered HTTP {response.status}")
            body = bytearray()
            while chunk := response.read(16384):
                body.extend(chunk)
                if len(body) > MAX_JWKS_BYTES:
                    raise JWKSFetchError("the JWKS document is too large")
                if time.monotonic() > deadline:
                    raise JWKSFetchError(f"the JWKS endpoint did not answer within {timeout:g}s")
    except urllib.error.HTTPError as error:
        raise JWKSFetchError(f"the JWKS endpoint answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise JWKSFetchError(f"the JWKS endpoint could not be reached ({reason})") from None
    try:
        document = json.loads(bytes(body))
    except (ValueError, RecursionError):
        raise JWKSFetchError("the JWKS endpoint did not return JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JWKSFetchError('the JWKS document has no "keys" list')
    return document


def parse_jwks(document: dict[str, Any], *, fetched_at: float) -> KeySet:
    """Turn a JWKS document into a KeySet, skipping (and naming) keys that cannot be used."""
    keys: dict[str, TrustedKey] = {}
    skipped: list[str] = []
    for jwk in document.get("keys", []):
        try:
            key = key_from_jwk(jwk)
        except UnusableKey as error:
            skipped.append(str(error))
            continue
        assert key.kid is not None  # key_from_jwk requires a kid
        keys[key.kid] = key
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    return KeySet(keys=keys, skipped=skipped, fetched_at=fetched_at, digest=digest)


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # the shared cache is down: fall back to this process's copy
        logger.warning("cache unavailable while reading the JWKS", exc_info=True)
        return None


def _load(url: str) -> KeySet | None:
    """The cached key set for `url` (shared cache first, then this process's last copy)."""
    entry = _cache_get(entry_cache_key(url))
    with _local_lock:
        local = _local.get(url)
    if not isinstance(entry, dict) or "document" not in entry:
        return local
    digest = entry.get("digest")
    if local is not None and local.digest == digest:
        if local.fetched_at != entry.get("fetched_at"):
            local = KeySet(local.keys, local.skipped, float(entry["fetched_at"]), local.digest)
            with _local_lock:
                _local[url] = local
        return local
    keyset = parse_jwks(entry["document"], fetched_at=float(entry.get("fetched_at", 0)))
    with _local_lock:
        _local[url] = keyset
    return keyset


# The fetch gates: "gate" (refreshes and unknown kids, JWKS_REFETCH_COOLDOWN_SECONDS); "new" (a
# token newer than the cached set) and "load" (no usable key set), JWKS_NEW_KEY_COOLDOWN_SECONDS.
GATES = ("gate", "new", "load")


def _acquire_fetch_slot(url: str, gate: str = "gate") -> bool:
    """True when this caller may fetch now (at most one fetch per cooldown, across workers)."""
    seconds = (
        settings.JWKS_NEW_KEY_COOLDOWN_SECONDS
        if gate in ("new", "load")
        else settings.JWKS_REFETCH_COOLDOWN_SECONDS
    )
    cooldown = max(1, int(seconds))
    try:
        return bool(cache.add(cooldown_cache_key(url, gate), 1, timeout=cooldown))
    except Exception:
        # No shared cache: fall back to a per-process gate so we still cannot flood Better Auth.
        logger.warning("cache unavailable for the JWKS cooldown", exc_info=True)
        now = time.monotonic()
        with _local_lock:
            last = _local_gate.get((url, gate), float("-inf"))
            if now - last < cooldown:
                return False
            _local_gate[(url, gate)] = now
        return True


_local_gate: dict[tuple[str, str], float] = {}


def refresh(url: str) -> KeySet:
    """Fetch `url` now (no cooldown), store it in the shared cache and return it.

    Raises JWKSFetchError; the previously cached key set is left untouched in that case.
    """
    try:
        document = fetch_jwks(url, timeout=float(settings.JWKS_FETCH_TIMEOUT_SECONDS))
        keyset = parse_jwks(document, fetched_at=time.time())
        if not keyset.keys:
            # An empty or wholly unusable set would lock everyone out: keep the last good one.
            raise JWKSFetchError("the JWKS document holds no usable key: " + "; ".join(keyset.skipped))
    except JWKSFetchError:
        metrics.count_jwks_fetch(ok=False)
        raise
    metrics.count_jwks_fetch(ok=True)
    for reason in keyset.skipped:
        logger.warning("JWKS key skipped: %s", reason)
    entry = {"document": document, "fetched_at": keyset.fetched_at, "digest": keyset.digest}
    try:
        # No expiry: the last good key set must outlive an outage. Staleness is `fetched_at`.
        cache.set(entry_cache_key(url), entry, timeout=None)
    except Exception:
        logger.warning("cache unavailable while storing the JWKS", exc_info=True)
    with _local_lock:
        _local[url] = keyset
    return keyset


def _gated_refresh(url: str, reason: str, gate: str = "gate") -> KeySet | None:
    """Refresh when the cooldown allows; None when it doesn't or the fetch fails."""
    if not _acquire_fetch_slot(url, gate):
        return None
    return _logged_refresh(url, reason)


def _logged_refresh(url: str, reason: str) -> KeySet | None:
    try:
        keyset = refresh(url)
    except JWKSFetchError as error:
        logger.warning("JWKS fetch failed (%s): %s; keeping the last good key set", reason, error)
        return None
    logger.info("JWKS fetched (%s): %d key(s)", reason, len(keyset.keys))
    # Whatever gate let it through, a set was just fetched: unknown kids wait a full cooldown.
    try:
        cache.set(cooldown_cache_key(url), 1, timeout=max(1, int(settings.JWKS_REFETCH_COOLDOWN_SECONDS)))
    except Exception:
        logger.warning("cache unavailable for the JWKS cooldown", exc_info=True)
        with _local_lock:
            _local_gate[(url, "gate")] = time.monotonic()
    return keyset


_background_lock = threading.Lock()
# url -> the thread refreshing it in the background in this process (at most one per url).
_background: dict[str, threading.Thread] = {}


def _refresh_in_background(url: str) -> None:
    """Refresh a stale key set off the request's path (when the cooldown allows)."""
    with _background_lock:
        running = _background.get(url)
        if running is not None and running.is_alive():
            return
        if not _acquire_fetch_slot(url):
            return
        thread = threading.Thread(
            target=_logged_refresh, args=(url, "stale key set"), name="jwks-refresh", daemon=True
        )
        _background[url] = thread
    thread.start()


def join_background_refresh(timeout: float | None = None) -> None:
    """Wait for this process's background refreshes to end (tests; a clean shutdown)."""
    with _background_lock:
        threads = list(_background.values())
    for thread in threads:
        thread.join(timeout)


def get_key(url: str, kid: str, *, issued_at: float | None = None) -> TrustedKey | None:
    """Return the key `kid` from the JWKS at `url`, or None when it is not (yet) known.

    May fetch, always subject to a cooldown: in the request when nothing usable is cached (the
    short "load" gate) or `kid` is unknown (`issued_at`, the token's unverified `iat`, later than
    the cached set's fetch lets it use the short new-key gate too); in the background when the
    cached set is stale but holds `kid`. Raises KeySetUnavailable when no key set has been
    obtained, or the last one is older than `JWKS_MAX_STALE_SECONDS` and cannot be refreshed;
    other trouble falls back to the last set.
    """
    keyset = _load(url)
    if not _trusted(keyset):
        lock = _loading_lock(url)
        if lock.acquire(blocking=False):
            try:
                return _load_in_request(url, kid, keyset)
            finally:
                lock.release()
        # Another request of this process is loading: wait for it (at most its fetch timeout) and
        # use what it fetched. (With the shared cache down, a fresh worker has no other source,
        # and the cooldown that load holds would refuse a fetch of this request's own.)
        with lock:
            keyset = _load(url)
        if not _trusted(keyset):
            raise KeySetUnavailable  # that load failed: a second fetch would double the wait
    assert keyset is not None  # _trusted
    if kid in keyset.keys:
        if time.time() - keyset.fetched_at > settings.JWKS_CACHE_SECONDS:
            _refresh_in_background(url)
        return keyset.keys[kid]
    fresh: KeySet | None = None
    if _acquire_fetch_slot(url):
        fresh = _logged_refresh(url, "unknown kid")
    elif _may_be_newer(issued_at, keyset):
        # (Not after a failed fetch: a second one in the same request would double its wait.)
        fresh = _gated_refresh(url, "unknown kid of a token newer than the key set", gate="new")
    return fresh.keys.get(kid) if fresh is not None else None


def _load_in_request(url: str, kid: str, keyset: KeySet | None) -> TrustedKey | None:
    """Fetch the key set now (the "load" gate allowing) for a request that has none it can use."""
    reason = "initial load" if keyset is None else "key set older than JWKS_MAX_STALE_SECONDS"
    loaded = _gated_refresh(url, reason, gate="load")
    if loaded is None:
        if keyset is not None:
            logger.error("JWKS older than JWKS_MAX_STALE_SECONDS and not refreshable: not trusted")
        raise KeySetUnavailable
    return loaded.keys.get(kid)


def _trusted(keyset: KeySet | None) -> bool:
    """Whether `keyset` may verify tokens (obtained, and not older than JWKS_MAX_STALE_SECONDS)."""
    return keyset is not None and time.time() - keyset.fetched_at <= settings.JWKS_MAX_STALE_SECONDS


_loading_locks_lock = threading.Lock()
_loading_locks: dict[str, threading.Lock] = {}


def _loading_lock(url: str) -> threading.Lock:
    with _loading_locks_lock:
        return _loading_locks.setdefault(url, threading.Lock())


def _may_be_newer(issued_at: float | None, keyset: KeySet) -> bool:
    """Whether a token issued at `issued_at` may be signed by a key published after `keyset`."""
    if issued_at is None:
        return False
    return keyset.fetched_at < issued_at <= time.time() + settings.JWT_LEEWAY_SECONDS


def forget(url: str) -> None:
    """Drop everything cached for `url`: key set, cooldown and this process's copy."""
    with _local_lock:
        _local.pop(url, None)
        for gate in GATES:
            _local_gate.pop((url, gate), None)
    try:
        cache.delete_many([entry_cache_key(url), *(cooldown_cache_key(url, gate) for gate in GATES)])
    except Exception:
        logger.warning("cache unavailable while forgetting the JWKS", exc_info=True)
