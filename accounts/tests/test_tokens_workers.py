"""Personal access tokens across workers and against the rate limits.

Each gunicorn worker has its own cache client (and, without Redis, its own memory); the database
and Redis are what they share. `serving(cache)` runs requests as a worker whose default cache is
`cache`: a second client of the same Redis, or, on the memory cache, memory of its own. Whatever a
worker may keep about a token it has seen, a revocation or deactivation done through another
worker must fail it at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from accounts.services import user_deactivate
from accounts.tests.helpers import ME, assert_auth_error
from accounts.token_strings import new_token, new_token_id

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/ideas"


def bearer(token_string: str, **client_kwargs: Any) -> APIClient:
    client = APIClient(**client_kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_string}")
    return client


def another_workers_cache() -> Any:
    """A second cache client, as another worker process would have."""
    if str(settings.CACHES["default"]["BACKEND"]).endswith("LocMemCache"):
        return LocMemCache(f"worker-{uuid.uuid4().hex}", {})  # another process's own memory
    return caches.create_connection("default")  # another client of the same Redis


@contextmanager
def serving(cache: Any) -> Iterator[None]:
    """Serve the requests inside as a worker whose default cache client is `cache`."""
    previous = caches["default"]
    caches._connections.default = cache  # type: ignore[attr-defined]
    try:
        yield
    finally:
        caches._connections.default = previous  # type: ignore[attr-defined]


@pytest.fixture
def workers() -> Iterator[tuple[Any, Any]]:
    """Two workers' cache clients."""
    first, second = caches["default"], another_workers_cache()
    assert first is not second
    yield first, second
    second.clear()


def test_a_token_revoked_in_one_worker_fails_in_the_other_at_once(owner, owner_client, issue_token, workers):
    worker_a, worker_b = workers
    issued = issue_token(owner)
    client = bearer(issued.token_string)
    for worker in workers:  # both have served the token (and may have kept whatever they like)
        with serving(worker):
            assert client.get(IDEAS).status_code == 200
            assert client.get(IDEAS).status_code == 200

    with serving(worker_b):
        assert owner_client.delete(f"/api/v1/users/me/tokens/{issued.token.pk}").status_code == 204

    with serving(worker_a):
        assert_auth_error(client.get(IDEAS), "revoked")
    with serving(worker_b):
        assert_auth_error(client.get(IDEAS), "revoked")


def test_an_owner_deactivated_in_one_worker_is_refused_in_the_other_at_once(owner, issue_token, workers):
    worker_a, worker_b = workers
    issued = issue_token(owner)
    client = bearer(issued.token_string)
    with serving(worker_a):
        assert client.get(IDEAS).status_code == 200

    with serving(worker_b):
        user_deactivate(user=owner)

    with serving(worker_a):
        response = client.get(IDEAS)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


# --- Rate limits ---------------------------------------------------------------------------------


def assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429, response.content
    assert response.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_token_and_its_owners_jwt_share_one_rate_limit(owner, outsider, client_for, token_client, settings):
    settings.RATELIMIT_USER = "4/m"
    jwt, token, other_token = client_for(owner), token_client(owner), token_client(owner)

    assert jwt.get(ME).status_code == 200
    assert token.get(ME).status_code == 200
    assert other_token.get(ME).status_code == 200
    assert jwt.get(ME).status_code == 200

    assert_rate_limited(token.get(ME))  # not a fresh bucket per token...
    assert_rate_limited(other_token.get(ME))
    assert_rate_limited(jwt.get(ME))  # ...and the token's requests used up the owner's
    assert token_client(outsider).get(ME).status_code == 200


def test_failed_token_lookups_count_against_the_ip_and_stop_lookups(
    owner, issue_token, settings, django_assert_num_queries
):
    settings.RATELIMIT_ANON = "3/m"
    good = issue_token(owner).token_string
    guesses = [str(new_token(new_token_id())) for _ in range(3)]
    address = "203.0.113.9"

    for guess in guesses:
        assert_auth_error(bearer(guess, REMOTE_ADDR=address).get(ME), "not recognised")

    # Over the limit, the address gets no more lookups, not even of a token that would work.
    with django_assert_num_queries(0):
        assert_rate_limited(bearer(str(new_token(new_token_id())), REMOTE_ADDR=address).get(ME))
        assert_rate_limited(bearer(good, REMOTE_ADDR=address).get(ME))
    assert PersonalAccessToken.objects.get(owner=owner).last_used_at is None
    # Another address is not affected.
    assert bearer(good, REMOTE_ADDR="203.0.113.10").get(ME).status_code == 200


def test_malformed_and_revoked_tokens_count_against_the_ip(owner, owner_client, issue_token, settings):
    settings.RATELIMIT_ANON = "2/m"
    issued = issue_token(owner)
    assert owner_client.delete(f"/api/v1/users/me/tokens/{issued.token.pk}").status_code == 204
    address = "203.0.113.11"

    assert bearer(issued.token_string, REMOTE_ADDR=address).get(ME).status_code == 401
    assert bearer("cvp_garbage", REMOTE_ADDR=address).get(ME).status_code == 401

    assert_rate_limited(bearer("cvp_garbage", REMOTE_ADDR=address).get(ME))
