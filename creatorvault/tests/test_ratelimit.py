"""Rate limits: per authenticated user, per IP without a valid token, shared through Redis,
and served (fail open) when the cache is down."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from creatorvault.tests.helpers import REDIS_URL, needs_redis

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def rate_limit_headers(response) -> tuple[int, int, int]:
    return (
        int(response["RateLimit-Limit"]),
        int(response["RateLimit-Remaining"]),
        int(response["RateLimit-Reset"]),
    )


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60


def test_authenticated_user_is_limited_per_user(client_for, owner, outsider, settings) -> None:
    settings.RATELIMIT_USER = "3/m"
    client = client_for(owner)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    assert_rate_limited(client.get(ME))
    # The limit follows the user, not the connection: a fresh token of the same user is limited too.
    assert_rate_limited(client_for(owner).get(ME))
    # Another user on the same IP is not affected.
    assert client_for(outsider).get(ME).status_code == 200


def test_unauthenticated_calls_are_limited_per_ip(settings) -> None:
    settings.RATELIMIT_ANON = "2/m"
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    assert [client.get(ME).status_code for _ in range(2)] == [401, 401]
    assert_rate_limited(client.get(ME))
    # Invalid tokens count against the IP as well: guessing tokens is limited.
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_rate_limited(client.get(ME))
    assert APIClient(REMOTE_ADDR="203.0.113.8").get(ME).status_code == 401


def test_user_limit_is_separate_from_ip_limit(client_for, owner, settings) -> None:
    settings.RATELIMIT_ANON = "1/m"
    settings.RATELIMIT_USER = "5/m"
    APIClient().get(ME)
    assert_rate_limited(APIClient().get(ME))
    assert client_for(owner).get(ME).status_code == 200


def test_rate_limit_can_be_disabled(client_for, owner, settings) -> None:
    settings.RATELIMIT_USER = "1/m"
    settings.RATELIMIT_ENABLE = False
    client = client_for(owner)
    assert {client.get(ME).status_code for _ in range(4)} == {200}


@needs_redis
def test_counters_are_shared_by_two_cache_clients(client_for, owner, settings) -> None:
    """Two workers = two cache clients on the same Redis: they share one counter."""
    from django.core.cache import caches

    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cv-test-shared",
    }
    settings.CACHES = {
        **settings.CACHES,
        "worker_a": dict(redis_cache),
        "worker_b": dict(redis_cache),
    }
    caches["worker_a"].clear()
    settings.RATELIMIT_USER = "4/m"
    client = client_for(owner)
    settings.RATELIMIT_USE_CACHE = "worker_a"
    assert [client.get(ME).status_code for _ in range(2)] == [200, 200]
    settings.RATELIMIT_USE_CACHE = "worker_b"
    assert [client.get(ME).status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(client.get(ME))
    settings.RATELIMIT_USE_CACHE = "worker_a"
    assert_rate_limited(client.get(ME))
    caches["worker_a"].clear()


def test_cache_down_still_serves_and_logs(client_for, owner, settings, caplog) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"
    settings.RATELIMIT_USER = "1/m"
    caplog.set_level(logging.WARNING, logger="creatorvault.ratelimit")
    client = client_for(owner)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)


def test_rate_limited_response_is_never_403(client_for, owner, settings) -> None:
    """django-ratelimit's exception is a PermissionDenied; it must come out as 429."""
    settings.RATELIMIT_USER = "1/m"
    client = client_for(owner)
    client.get(ME)
    response = client.get(ME)
    assert response.status_code == 429


def test_answers_carry_the_ratelimit_headers(client_for, owner, settings) -> None:
    settings.RATELIMIT_USER = "3/m"
    client = client_for(owner)
    seen = [rate_limit_headers(client.get(ME)) for _ in range(3)]
    assert [(limit, remaining) for limit, remaining, _ in seen] == [(3, 2), (3, 1), (3, 0)]
    assert all(1 <= reset <= 60 for _, _, reset in seen)
    refused = client.get(ME)
    assert_rate_limited(refused)
    limit, remaining, reset = rate_limit_headers(refused)
    assert (limit, remaining) == (3, 0)
    assert 1 <= reset <= 60


def test_callers_without_a_token_see_the_ip_limit_in_the_headers(settings) -> None:
    settings.RATELIMIT_ANON = "5/m"
    response = APIClient(REMOTE_ADDR="203.0.113.9").get(ME)
    assert response.status_code == 401
    assert rate_limit_headers(response)[:2] == (5, 4)


def test_no_headers_when_the_limit_is_off(client_for, owner, settings) -> None:
    settings.RATELIMIT_ENABLE = False
    response = client_for(owner).get(ME)
    assert response.status_code == 200
    assert "RateLimit-Limit" not in response


@needs_redis
def test_counting_goes_on_when_redis_forgets_the_script_or_drops_the_connection(
    client_for, owner, settings
) -> None:
    import redis

    settings.RATELIMIT_USER = "5/m"
    client = client_for(owner)
    assert rate_limit_headers(client.get(ME))[:2] == (5, 4)
    server = redis.Redis.from_url(REDIS_URL)
    server.script_flush()  # as after a restart: EVALSHA answers NOSCRIPT, the script is loaded again
    assert rate_limit_headers(client.get(ME))[:2] == (5, 3)
    server.client_kill_filter(_type="normal", skipme=True)  # every connection of ours is gone
    assert rate_limit_headers(client.get(ME))[:2] == (5, 2)
