"""A frozen Redis (accepts connections, never answers) costs one timeout per interval, not per request."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.test import override_settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from creatorvault.tests.helpers import REDIS_URL, needs_redis

pytestmark = pytest.mark.django_db


class FrozenRedis:
    """A TCP server that accepts every connection and never sends a byte back."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)  # held open, never answered

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@contextmanager
def cache_on(url: str, breaker_seconds: float) -> Iterator[None]:
    caches = {
        "default": {
            "BACKEND": "creatorvault.cache.CircuitBreakerRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=caches, REDIS_BREAKER_SECONDS=breaker_seconds):
        yield


@contextmanager
def redis_cache_on(key_prefix: str) -> Iterator[None]:
    """The default cache on the test suite's Redis, under a key prefix of the test's own."""
    caches = {
        "default": {
            "BACKEND": "creatorvault.cache.CircuitBreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": key_prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield


def cache_errors(kind: str) -> float:
    return REGISTRY.get_sample_value("creatorvault_cache_errors_total", {"kind": kind}) or 0.0


@pytest.fixture
def frozen_redis() -> Iterator[FrozenRedis]:
    server = FrozenRedis()
    yield server
    server.close()


def test_a_frozen_redis_costs_one_timeout_per_interval_not_per_request(frozen_redis, owner_client) -> None:
    errors_before, skipped_before = cache_errors("error"), cache_errors("breaker_open")
    anonymous = APIClient()
    with cache_on(f"redis://127.0.0.1:{frozen_redis.port}/0", breaker_seconds=600):
        for _ in range(20):
            assert owner_client.get("/api/v1/ideas").status_code == 200  # rate limit fails open
            assert anonymous.get("/api/v1/ideas").status_code == 401
        ready = owner_client.get("/health/ready")
    # 40 requests, each consulting the rate-limit counters: one operation waited for the frozen
    # server (one timeout); every other one was refused at once by the open breaker.
    assert cache_errors("error") - errors_before == 1
    assert cache_errors("breaker_open") - skipped_before >= 39
    assert len(frozen_redis.accepted) == 1
    assert ready.status_code == 200  # degraded Redis never fails a probe...
    assert ready.json()["data"]["cache"] == "degraded"  # ...but it is reported


def test_the_breaker_lets_one_trial_through_after_the_interval(frozen_redis) -> None:
    with cache_on(f"redis://127.0.0.1:{frozen_redis.port}/0", breaker_seconds=0):
        errors_before = cache_errors("error")
        for _ in range(3):
            with pytest.raises(Exception, match=r"Timeout|timed out"):
                cache.get("key")
    assert cache_errors("error") - errors_before == 3  # an interval of 0: every call is a trial


def test_redis_down_is_reported_degraded_and_the_api_still_serves(owner_client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with cache_on(f"redis://127.0.0.1:{closed_port}/0", breaker_seconds=600):
        assert owner_client.get("/api/v1/ideas").status_code == 200
        ready = owner_client.get("/health/ready")
        assert owner_client.get("/health").status_code == 200
    assert ready.status_code == 200
    assert ready.json()["data"]["cache"] == "degraded"


def test_a_working_cache_is_reported_ok(owner_client) -> None:
    assert owner_client.get("/health/ready").json()["data"]["cache"] == "ok"


@needs_redis
def test_the_cache_keeps_one_client_per_pool_and_survives_dropped_connections() -> None:
    import redis

    with redis_cache_on("cv-test-client"):
        backend = cache._cache  # type: ignore[attr-defined]
        assert backend.get_client() is backend.get_client(write=True)  # not a new client per call
        cache.set("kept", 1, timeout=30)
        redis.Redis.from_url(REDIS_URL).client_kill_filter(_type="normal", skipme=True)
        assert cache.get("kept") == 1  # the pool reconnects under the kept client
        cache.delete("kept")


@needs_redis
def test_a_set_on_the_threads_own_connection_stores_what_django_stores() -> None:
    import redis

    from creatorvault.cache import set_without_expiry

    server = redis.Redis.from_url(REDIS_URL)
    with redis_cache_on("cv-test-thread-set"):
        cache.set("by-django", "0f3a9c", timeout=None)
        set_without_expiry("default", "by-thread", "0f3a9c")
        assert cache.get("by-thread") == "0f3a9c"
        raw = {name: server.get(cache.make_key(name)) for name in ("by-django", "by-thread")}
        assert raw["by-thread"] == raw["by-django"] is not None
        assert server.ttl(cache.make_key("by-thread")) == -1  # no expiry, as timeout=None
        server.client_kill_filter(_type="normal", skipme=True)  # the thread's connection is gone
        set_without_expiry("default", "by-thread", 7)
        assert cache.get("by-thread") == 7
        cache.delete_many(["by-django", "by-thread"])


def test_a_set_on_the_threads_own_connection_is_behind_the_breaker() -> None:
    from creatorvault.cache import CacheUnavailable, set_without_expiry

    frozen = FrozenRedis()
    try:
        with cache_on(f"redis://127.0.0.1:{frozen.port}/0", breaker_seconds=600):
            before = cache_errors("breaker_open")
            with pytest.raises(Exception) as first:
                set_without_expiry("default", "k", "v")
            assert not isinstance(first.value, CacheUnavailable)  # tried, and timed out
            with pytest.raises(CacheUnavailable):
                set_without_expiry("default", "k", "v")  # not tried: the breaker is open
            assert cache_errors("breaker_open") == before + 1
    finally:
        frozen.close()
