"""Rate limits for the API: fixed-window counters in the shared cache, one round trip per request.

The key is the user DRF authenticated (a Django decorator would only see an anonymous user under
JWT auth); callers without a valid token are counted per client IP. With Redis the count is one
server-side script (INCR, EXPIRE on the window's first hit, and optionally a GET of one more key
riding along, e.g. the caller's cached account), sent through the cache backend's own connection
pool: one round trip, shared by every worker. Other cache backends (the per-process memory cache
of development and tests) use `add` + `incr`. If the cache is unreachable requests are still
served: the failure is logged and the limit is skipped (fail open).

Every counted API answer carries the IETF draft's headers (`RateLimit-Limit`, `RateLimit-Remaining`,
`RateLimit-Reset`: seconds until the window ends), from that same round trip.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest
from redis.exceptions import NoScriptError

from creatorvault import metrics
from creatorvault.cache import ThreadConnection, thread_connection, through_breaker
from creatorvault.context import count_reads_var
from creatorvault.errors import RateLimitExceeded

logger = logging.getLogger("creatorvault.ratelimit")

#: Request attribute holding the `RateLimitUsage` of the request's count (for the headers).
USAGE_ATTRIBUTE = "ratelimit_usage"

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# KEYS[1]: the counter; KEYS[2..] (optional): keys read in the same trip. ARGV[1]: the counter's
# lifetime in seconds; ARGV[2]: "1" to count the request, "0" to only read the counter.
_SCRIPT = """
local n
if ARGV[2] == '1' then
  n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
else
  n = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local reply = {n}
for i = 2, #KEYS do reply[i] = redis.call('GET', KEYS[i]) end
return reply
"""


@dataclass(frozen=True)
class RateLimitUsage:
    """Where a caller stands in the current window of their limit."""

    limit: int
    count: int
    reset: int  # seconds until the window ends (at least 1)

    @property
    def exceeded(self) -> bool:
        """Whether this request is over the limit."""
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        """Requests left in the window."""
        return max(0, self.limit - self.count)

    def headers(self) -> dict[str, str]:
        """The IETF draft's `RateLimit-*` headers."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


@functools.lru_cache(maxsize=64)
def parse_rate(rate: str) -> tuple[int, int]:
    """`"100/m"` → `(100, 60)`; also `"5/10s"`, `"/h"`, `"/d"`. (Rates are settings: a few values.)"""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. '100/m').")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


# (cache alias, its settings, process id) -> (the registered script on a client of that cache's pool,
# the backend's serializer); None for backends that are not Redis.
_SCRIPTS: dict[tuple[str, str, int], tuple[Any, Any] | None] = {}
# (cache alias, process id) -> (the settings entry of that alias, as an object, and its _SCRIPTS
# entry): skips `repr` of the settings on every request while they stay the same object (holding
# it keeps its id from being reused).
_LAST_SCRIPT: dict[tuple[str, int], tuple[Any, tuple[Any, Any] | None]] = {}


def _redis_script(alias: str, cache: BaseCache) -> tuple[Any, Any] | None:
    """The registered script and the value serializer of a Redis cache; None for other backends.

    Kept per process, not per backend object: Django makes cache backends per thread (per request
    context under ASGI), and each new one would otherwise build a client and a pool, hence open a
    new connection. redis-py's pool is thread-safe; a forked worker (another pid) makes its own.
    """
    configured = settings.CACHES.get(alias)
    pid = os.getpid()
    last = _LAST_SCRIPT.get((alias, pid))
    if last is not None and last[0] is configured:
        return last[1]  # the same settings object as last time: no need to spell it out
    registry_key = (alias, repr(configured), pid)
    if registry_key in _SCRIPTS:
        _LAST_SCRIPT[(alias, pid)] = (configured, _SCRIPTS[registry_key])
        return _SCRIPTS[registry_key]
    backend = getattr(cache, "_cache", None)
    entry = None
    if backend is not None and hasattr(backend, "get_client") and hasattr(backend, "_serializer"):
        script = backend.get_client(write=True).register_script(_SCRIPT)
        connection = thread_connection(script.registered_client.connection_pool)
        runner = script if connection is None else _ThreadConnectionScript(script, connection)
        entry = (runner, backend._serializer)
    _SCRIPTS[registry_key] = entry
    _LAST_SCRIPT[(alias, pid)] = (configured, entry)
    return entry


class _ThreadConnectionScript:
    """The counting script, sent on a Redis connection of the calling thread's own
    (`creatorvault.cache.ThreadConnection`): the same EVALSHA, loading the script when the server
    has forgotten it."""

    def __init__(self, script: Any, connection: ThreadConnection) -> None:
        self._script = script
        self._connection = connection

    def __call__(self, *, keys: list[str], args: list[Any]) -> Any:
        def send(connection: Any) -> Any:
            try:
                connection.send_command("EVALSHA", self._script.sha, len(keys), *keys, *args)
                return connection.read_response()
            except NoScriptError:
                connection.send_command("SCRIPT", "LOAD", self._script.script)
                self._script.sha = _text(connection.read_response())
                connection.send_command("EVALSHA", self._script.sha, len(keys), *keys, *args)
                return connection.read_response()

        return self._connection.run(send)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _counter_key(group: str, ident: str, period: int, now: float) -> tuple[str, int]:
    window = int(now // period)
    reset = max(1, int((window + 1) * period - now))
    return f"rl:{group}:{ident}:{period}:{window}", reset


def count(
    *, group: str, ident: str, rate: str, increment: bool = True, also_get: Sequence[str] = ()
) -> tuple[RateLimitUsage, list[Any]]:
    """Count (or only read) one request of `ident` against `rate`; also read the cache keys `also_get`.

    One cache round trip on Redis. Returns the usage and the values of `also_get`, in order (None
    when absent). Raises whatever the cache raises when it is unreachable.
    """
    limit, period = parse_rate(rate)
    alias = settings.RATELIMIT_USE_CACHE
    cache = caches[alias]
    raw_key, reset = _counter_key(group, ident, period, time.time())
    key = cache.make_key(raw_key)
    redis_script = _redis_script(alias, cache)
    extras: list[Any] = [None] * len(also_get)
    if redis_script is not None:
        script, serializer = redis_script
        keys = [key, *(cache.make_key(extra) for extra in also_get)]
        args = [period + 1, "1" if increment else "0"]
        reply = through_breaker(cache, lambda: script(keys=keys, args=args))
        hits = int(reply[0])
        for index, raw in enumerate(reply[1 : 1 + len(also_get)]):
            if raw is not None:
                extras[index] = serializer.loads(raw)
    else:
        if increment:
            cache.add(raw_key, 0, timeout=period + 1)
            try:
                hits = cache.incr(raw_key)
            except ValueError:  # expired between add and incr
                cache.set(raw_key, 1, timeout=period + 1)
                hits = 1
        else:
            hits = int(cache.get(raw_key) or 0)
        if also_get:
            found = cache.get_many(list(also_get))
            extras = [found.get(extra) for extra in also_get]
    return RateLimitUsage(limit=limit, count=hits, reset=reset), extras


# Functions giving, for a caller's user id, cache keys read in the trip that counts their request
# (registered by the apps that use them, `read_with_count`).
_READ_WITH_COUNT: list[Callable[[str], str]] = []


def read_with_count(key_for: Callable[[str], str]) -> None:
    """Read `key_for(user_id)` with every count of a request by `user_id` (no trip of its own).

    The value is the request's (`value_read_with_count`) for as long as the request runs: a writer
    that replaces it must `forget_read_with_count` it.
    """
    if key_for not in _READ_WITH_COUNT:
        _READ_WITH_COUNT.append(key_for)


def value_read_with_count(key: str) -> tuple[bool, Any]:
    """(True, the value) when this request's count read cache key `key` (None: absent); else (False, None)."""
    reads = count_reads_var.get()
    if reads is None or key not in reads:
        return False, None
    return True, reads[key]


def forget_read_with_count(key: str) -> None:
    """This request no longer knows `key`'s value (it changed it): later reads go to the cache."""
    reads = count_reads_var.get()
    if reads is not None:
        reads.pop(key, None)


def _user_key(user_id: str) -> str:
    return f"user:{user_id}"


def client_ip_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key of the client's address (`REMOTE_ADDR`: the proxy must set the real one)."""
    return f"ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"


def count_user_request(
    request: HttpRequest, *, user_id: str, also_get: str | None = None
) -> tuple[bool, Any]:
    """Count this request for `user_id` ahead of the check, reading `also_get` in the same trip.

    For authentication, which knows the user a verified token names before loading the account:
    the count and the cached account come back together. `enforce_api_rate_limit` later checks
    this count instead of counting again. Returns (counted, value of `also_get`); fails open.
    """
    if not settings.RATELIMIT_ENABLE:
        return False, None
    # Registered keys are the default cache's: read with the count only when it counts there.
    shared = settings.RATELIMIT_USE_CACHE == DEFAULT_CACHE_ALIAS
    registered = [key_for(user_id) for key_for in _READ_WITH_COUNT] if shared else []
    keys = [*([also_get] if also_get is not None else []), *registered]
    try:
        usage, extras = count(
            group="api:user", ident=_user_key(user_id), rate=settings.RATELIMIT_USER, also_get=keys
        )
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("rate limit skipped: cache unavailable (%s)", type(exc).__name__)
        return False, None
    request._ratelimit_counted_for = user_id  # type: ignore[attr-defined]
    setattr(request, USAGE_ATTRIBUTE, usage)
    if registered and count_reads_var.get() is None:
        count_reads_var.set(dict(zip(registered, extras[len(keys) - len(registered) :], strict=True)))
    return True, (extras[0] if also_get is not None else None)


def enforce_api_rate_limit(request: HttpRequest, *, user_id: str | None) -> None:
    """Count this request; raise `RateLimitExceeded` (429, with Retry-After) when over the limit."""
    if not settings.RATELIMIT_ENABLE:
        return
    if user_id is not None:
        group, ident, rate = "api:user", _user_key(user_id), settings.RATELIMIT_USER
    else:
        group, ident, rate = "api:anon", client_ip_key(group="", request=request), settings.RATELIMIT_ANON
    usage: RateLimitUsage | None
    if user_id is not None and getattr(request, "_ratelimit_counted_for", None) == user_id:
        usage = getattr(request, USAGE_ATTRIBUTE, None)  # counted by authentication already
    else:
        try:
            usage, _ = count(group=group, ident=ident, rate=rate)
        except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
            logger.warning("rate limit skipped: cache unavailable (%s)", type(exc).__name__)
            return
        setattr(request, USAGE_ATTRIBUTE, usage)
    if usage is not None and usage.exceeded:
        retry_after = usage.reset
        metrics.count_rate_limit_refusal(group)
        logger.info(
            "rate limit exceeded", extra={"limit_group": group, "window_end": int(time.time()) + retry_after}
        )
        raise RateLimitExceeded(
            f"Too many requests: the limit is {rate.replace('/m', ' per minute')}. "
            f"Try again in {retry_after} s.",
            retry_after=retry_after,
        )


def rate_limit_headers(request: HttpRequest) -> dict[str, str]:
    """The `RateLimit-*` headers of the request's count; empty when nothing was counted."""
    usage = getattr(request, USAGE_ATTRIBUTE, None)
    return usage.headers() if usage is not None else {}


def client_ip_limit_reached(request: HttpRequest) -> int | None:
    """Seconds to wait when the client's IP has used up its limit for callers without a valid token.

    Counts nothing. Authentication that looks a guessable credential up calls this first, so that
    an address over the limit (each failed attempt counts against it, see `ApiView`) gets no
    further lookups until the window ends: guessing stays slow even for a guess that would work.
    None when under the limit, or when the cache is unreachable (fail open, like the counting).
    """
    if not settings.RATELIMIT_ENABLE:
        return None
    try:
        # The same counter `enforce_api_rate_limit` keeps for callers without a valid token.
        usage, _ = count(
            group="api:anon",
            ident=client_ip_key(group="", request=request),
            rate=settings.RATELIMIT_ANON,
            increment=False,
        )
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("rate limit check skipped: cache unavailable (%s)", type(exc).__name__)
        return None
    if usage.count < usage.limit:
        return None
    return usage.reset
