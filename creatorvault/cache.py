"""The Redis cache as a dependency that can hang: short timeouts and a circuit breaker.

Redis holds the rate-limit counters and the JWKS copy; every caller already serves on when the
cache fails (rate limits fail open, the JWKS falls back to the worker's own copy). A Redis that is
*down* fails fast (connection refused). One that is *frozen* (accepting connections, never
answering) costs a full socket timeout per operation, on every request, for as long as it lasts.

`CircuitBreakerRedisCache` is Django's `RedisCache` with a per-process breaker in front of every
operation: after a connection error or timeout the breaker opens for `REDIS_BREAKER_SECONDS`,
during which operations fail at once (`CacheUnavailable`, a redis `ConnectionError`, so callers'
existing handling applies) without touching the network; then one operation is let through as a
trial, and its outcome closes or reopens the breaker. A frozen Redis so costs each worker one
timeout per interval, not one per request. Failures and skipped operations are counted
(`creatorvault_cache_errors_total{kind="error"|"breaker_open"}`).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from creatorvault import metrics

logger = logging.getLogger("creatorvault.cache")


class CacheUnavailable(RedisConnectionError):
    """The circuit breaker is open: Redis failed recently, so the operation was not attempted."""


class CircuitBreaker:
    """Closed (calls go through), open (calls refused until `reopens_at`), then one trial call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed
        self._trial_running = False

    def allow(self) -> bool:
        """Whether a call may go to Redis now (at most one trial at a time once the interval ends)."""
        with self._lock:
            if not self._open_until:
                return True
            if time.monotonic() < self._open_until or self._trial_running:
                return False
            self._trial_running = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            if self._open_until:
                logger.info("cache reachable again: circuit breaker closed")
            self._open_until = 0.0
            self._trial_running = False

    def failed(self, seconds: float) -> None:
        with self._lock:
            if not self._open_until:
                logger.warning("cache unavailable: circuit breaker open for %gs", seconds)
            self._open_until = time.monotonic() + seconds
            self._trial_running = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return bool(self._open_until)


_breakers_lock = threading.Lock()
# One breaker per Redis location per process: Django makes a cache object per thread.
_breakers: dict[tuple[str, ...], CircuitBreaker] = {}


def breaker_for(servers: list[str]) -> CircuitBreaker:
    """The process's breaker for these Redis servers."""
    key = tuple(servers)
    with _breakers_lock:
        return _breakers.setdefault(key, CircuitBreaker())


_OPERATIONS: tuple[str, ...] = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr")
_OPERATIONS += ("set_many", "delete_many", "clear")


T = TypeVar("T")


def _call(breaker: CircuitBreaker, operation: Callable[[], T]) -> T:
    if not breaker.allow():
        metrics.count_cache_error("breaker_open")
        raise CacheUnavailable("the cache failed recently; not tried (circuit breaker open)")
    try:
        result = operation()
    except (RedisConnectionError, RedisTimeoutError):
        metrics.count_cache_error("error")
        breaker.failed(float(settings.REDIS_BREAKER_SECONDS))
        raise
    breaker.succeeded()
    return result


def through_breaker(cache: Any, operation: Callable[[], T]) -> T:
    """Run `operation` (which talks to `cache`'s Redis directly, e.g. a script) behind its breaker.

    For callers that use the Redis client under a Django cache (`cache._cache.get_client()`)
    rather than the cache's methods; on any other backend the operation simply runs.
    """
    breaker = getattr(cache, "breaker", None)
    if not isinstance(breaker, CircuitBreaker):
        return operation()
    return _call(breaker, operation)


def _guarded(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def call(self: BreakerRedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        return _call(self.breaker, lambda: operation(self, *args, **kwargs))

    return call


class ThreadConnection:
    """Redis commands sent on a connection of the calling thread's own, made with a pool's settings.

    redis-py's commands check a connection out of the pool and back for every call (a lock,
    observability counters, a `select` on the socket): measured, ~190 µs of CPU per call where the
    round trip itself costs ~20 µs; this path ~80 µs. The connection is made with the pool's own
    settings (address, database, timeouts, retry policy) and checked as the pool checks one before
    use, and a broken one is dropped and the command retried as the pool's retry policy says: the
    same server, the same reply. For the commands of every request (the rate-limit count) and of
    every write (the list totals' generation).
    """

    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self._local = threading.local()

    def _connection(self) -> Any:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None or local.pid != os.getpid():
            connection = self._pool.connection_class(**dict(self._pool.connection_kwargs))
            local.connection, local.pid = connection, os.getpid()
        return connection

    def run(self, send: Callable[[Any], T]) -> T:
        """`send(connection)` (which sends commands and reads their replies) on this thread's connection."""
        connection = self._connection()
        # The pool's check before it hands out a connection: one the server closed (a restart, an
        # idle timeout) reads as ready, and is replaced before the command is sent, so a command
        # is neither lost nor made twice.
        connection.connect()
        try:
            if connection.can_read():
                raise RedisConnectionError("Connection has data")
        except (RedisConnectionError, RedisTimeoutError, OSError):
            connection.disconnect()
            connection.connect()
            if connection.can_read():
                raise RedisConnectionError("Connection not ready") from None
        return connection.retry.call_with_retry(  # type: ignore[no-any-return]
            lambda: send(connection), lambda error: connection.disconnect()
        )

    def command(self, *args: Any) -> Any:
        """One command and its reply."""

        def send(connection: Any) -> Any:
            connection.send_command(*args)
            return connection.read_response()

        return self.run(send)


# id(pool) -> (the pool, held so that its id stays its own; its ThreadConnection or None).
_thread_connections: dict[int, tuple[Any, ThreadConnection | None]] = {}


def thread_connection(pool: Any) -> ThreadConnection | None:
    """The `ThreadConnection` of `pool` (one per pool: each thread holds one connection to it);
    None for a pool that caches client-side (RESP3 tracking), whose commands must go through it."""
    with _breakers_lock:
        found = _thread_connections.get(id(pool))
        if found is None or found[0] is not pool:
            found = (pool, ThreadConnection(pool) if getattr(pool, "cache", None) is None else None)
            _thread_connections[id(pool)] = found
        return found[1]


def set_without_expiry(alias: str, key: str, value: Any) -> None:
    """`caches[alias].set(key, value, timeout=None)`: on the breaker Redis cache, one SET on the
    calling thread's own connection (`ThreadConnection`), behind the breaker, stored exactly as
    Django stores it (the made key, the backend's serializer). Raises what the cache raises."""
    cache = caches[alias]
    client = getattr(cache, "_cache", None)
    connection = None
    if isinstance(client, BreakerRedisCacheClient):
        connection = thread_connection(client.get_client(write=True).connection_pool)
    if client is None or connection is None:
        cache.set(key, value, timeout=None)
        return
    made, payload = cache.make_key(key), client._serializer.dumps(value)
    _call(client.breaker, lambda: connection.command("SET", made, payload))


class BreakerRedisCacheClient(RedisCacheClient):
    """Django's Redis client with every operation behind the process's circuit breaker."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self.breaker = breaker_for(servers)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """The `redis.Redis` client of the chosen server's pool, made once (Django makes one per call).

        `redis.Redis.__init__` cost ~30% of a cache operation's CPU (py-spy of a served create:
        the totals' `SET` at commit); a client holds no connection of its own (each command
        borrows one from the pool), so one per pool serves every call, as redis-py documents.
        """
        django: Any = self  # RedisCacheClient's private attributes, which django-stubs does not declare
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django._pools.get(index)
            if pool is None:  # as RedisCacheClient._get_connection_pool, for this very index
                pool = django._pool_class.from_url(django._servers[index], **django._pool_options)
                django._pools[index] = pool
            client = self._clients[index] = django._client(connection_pool=pool)
        return client


for _name in _OPERATIONS:
    setattr(BreakerRedisCacheClient, _name, _guarded(getattr(RedisCacheClient, _name)))


class CircuitBreakerRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` behind a circuit breaker (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = BreakerRedisCacheClient

    @property
    def breaker(self) -> CircuitBreaker:
        """This process's breaker for this cache's servers."""
        return breaker_for(self._servers)  # type: ignore[attr-defined]  # set by RedisCache
