"""Fixtures shared by every app's tests: an owner, an outsider, a staff user, API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import StaffUserFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (rate-limit counters, JWKS), locmem or Redis."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db) -> User:
    """The creator whose data a test works on."""
    return UserFactory(name="Ada Lovelace", email="ada@example.com")


@pytest.fixture
def outsider(db) -> User:
    """Another creator, who must never see the owner's data."""
    return UserFactory(name="Mallory", email="mallory@example.com")


@pytest.fixture
def staff_user(db) -> User:
    """A staff member of the backoffice."""
    return StaffUserFactory(name="Sam Staff", email="staff@example.com")


@pytest.fixture
def api_client() -> APIClient:
    """An API client without credentials."""
    return APIClient()
