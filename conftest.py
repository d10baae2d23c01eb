"""Fixtures shared by every app's tests: an owner, an outsider, a staff user, API clients, ideas.

Helpers that are not fixtures live in each app's `tests/helpers.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import StaffUserFactory, UserFactory
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory
from ideas.tests.helpers import KEY_OLD


@pytest.fixture(scope="session", autouse=True)
def _lean_threads_give_back_their_connections(django_db_setup) -> Iterator[None]:
    """The lean API path's threads hold their pooled connection between requests
    (creatorvault.lean_asgi): they give it back before the test database is dropped."""
    yield
    lean_asgi = sys.modules.get("creatorvault.lean_asgi")
    if lean_asgi is not None:
        lean_asgi.release_api_connections()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (rate-limit counters, JWKS), locmem or Redis."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _caller_cache_on(settings):
    """The caller cache as production runs it (on Redis): one test process shares its memory cache."""
    settings.CALLER_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _list_totals_on(settings):
    """List totals remembered as production does (on Redis), so every test that writes then lists
    checks that the write made the remembered totals stale."""
    settings.LIST_TOTALS_CACHE_SECONDS = 120


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Limits that never cut a test short; the rate-limit tests set their own."""
    settings.RATELIMIT_USER = "100000/m"
    settings.RATELIMIT_ANON = "100000/m"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Skip, with the reason shown, tests marked `postgres` when the suite runs on SQLite."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def owner(db) -> User:
    """The creator whose data a test works on."""
    return UserFactory.create(name="Ada Lovelace", email="ada@example.com")


@pytest.fixture
def outsider(db) -> User:
    """Another creator, who must never see the owner's data."""
    return UserFactory.create(name="Mallory", email="mallory@example.com")


@pytest.fixture
def staff_user(db) -> User:
    """A staff member of the backoffice."""
    return StaffUserFactory.create(name="Sam Staff", email="staff@example.com")


@pytest.fixture
def api_client() -> APIClient:
    """An API client without credentials."""
    return APIClient()


# --- Authentication: real tokens, verified by accounts.authentication ---------------------------
# Every test trusts one test Ed25519 key (pinned as BETTER_AUTH_PUBLIC_KEY), so requests made with
# `client_for(user)` go through the real JWT verification and user loading. JWKS tests override
# this with a loopback JWKS server (accounts/tests/jwks_server.py).


@pytest.fixture(autouse=True)
def _trust_test_signing_key(settings):
    """Point authentication at the test signing key, never at development keys or the network."""
    from accounts.tests.tokens import TEST_AUDIENCE, TEST_ISSUER, TEST_SIGNING_KEY

    settings.DEV_AUTH = False
    settings.BETTER_AUTH_URL = TEST_ISSUER
    settings.BETTER_AUTH_JWKS_URL = ""
    settings.BETTER_AUTH_PUBLIC_KEY = TEST_SIGNING_KEY.public_pem()
    settings.BETTER_AUTH_ISSUER = TEST_ISSUER
    settings.BETTER_AUTH_AUDIENCE = TEST_AUDIENCE
    settings.JWT_ALGORITHMS = ["EdDSA"]


@pytest.fixture
def mint_token():
    """`mint_token(user, **claim_overrides) -> str`: a real Better Auth-shaped token for `user`."""
    from accounts.tests.tokens import mint_test_token

    return mint_test_token


@pytest.fixture
def client_for(mint_token):
    """`client_for(user) -> APIClient` sending `Authorization: Bearer <real token for user>`."""

    def make(user: User, **claim_overrides) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {mint_token(user, **claim_overrides)}")
        return client

    return make


@pytest.fixture
def issue_token(db):
    """`issue_token(user, scopes=[...], name=..., expires_in_days=...) -> IssuedToken`: a real personal
    access token, made by `accounts.services.token_create` (its string is `.token_string`)."""
    from accounts.services import token_create

    def issue(user: User, scopes: list[str] | None = None, **fields: Any):
        fields.setdefault("name", "test script")
        return token_create(owner=user, scopes=scopes or ["ideas:read"], **fields)

    return issue


@pytest.fixture
def token_client(issue_token):
    """`token_client(user, *scopes) -> APIClient` sending `Authorization: Bearer <personal access token>`.

    The client's `.issued` is the `IssuedToken` (row and string).
    """

    def make(user: User, *scopes: str) -> APIClient:
        issued = issue_token(user, list(scopes) or ["ideas:read"])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token_string}")
        client.issued = issued  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def owner_client(client_for, owner: User) -> APIClient:
    """The owner's client, with a real Bearer token."""
    return client_for(owner)


@pytest.fixture
def outsider_client(client_for, outsider: User) -> APIClient:
    """The outsider's client, with a real Bearer token."""
    return client_for(outsider)


@pytest.fixture
def make_idea(owner: User) -> Callable[..., Idea]:
    """`make_idea(**fields)`: an idea of the owner's (or of `user=`)."""

    def make(**fields: Any) -> Idea:
        fields.setdefault("user", owner)
        return IdeaFactory.create(**fields)

    return make


@pytest.fixture
def sealing_keys(settings) -> Any:
    """Seal with KEY_OLD (tests rotate to KEY_NEW)."""
    settings.ENCRYPTION_KEYS = [KEY_OLD]
    return settings
