"""Fixtures of the accounts tests: a real JWKS server on loopback, and request helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts import jwks
from accounts.tests.helpers import ME
from accounts.tests.jwks_server import JWKSServer
from accounts.tests.tokens import TEST_SIGNING_KEY


@pytest.fixture
def jwks_server(settings) -> Iterator[JWKSServer]:
    """Better Auth's JWKS endpoint on 127.0.0.1, serving the test key; settings trust it (only it)."""
    server = JWKSServer([TEST_SIGNING_KEY]).start()
    jwks.forget(server.url)
    settings.BETTER_AUTH_PUBLIC_KEY = ""
    settings.BETTER_AUTH_JWKS_URL = server.url
    settings.JWKS_FETCH_TIMEOUT_SECONDS = 1.0
    settings.JWKS_REFETCH_COOLDOWN_SECONDS = 60
    settings.JWKS_CACHE_SECONDS = 3600
    yield server
    server.stop()
    jwks.forget(server.url)


@pytest.fixture
def call_me(db) -> Callable[..., Any]:
    """`call_me(token_or_header, method="get", **kwargs)`: call /api/v1/users/me with that token.

    A str is sent as `Bearer <str>`; bytes are sent as the raw Authorization header.
    """

    def call(authorization: str | bytes | None, method: str = "get", **kwargs: Any) -> Any:
        client = APIClient()
        if isinstance(authorization, bytes):
            client.credentials(HTTP_AUTHORIZATION=authorization)
        elif authorization is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {authorization}")
        return getattr(client, method)(ME, format="json", **kwargs)

    return call
