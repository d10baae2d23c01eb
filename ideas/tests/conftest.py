"""Fixtures of the ideas API tests: an authenticated client for the owner and the outsider."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Rate limits are tested in creatorvault; here they must not cut a test short."""
    settings.RATELIMIT_USER = "100000/m"
    settings.RATELIMIT_ANON = "100000/m"


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


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Skip, with the reason shown, tests marked `postgres` when the suite runs on SQLite."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def detail_url(idea_or_id: Any, *, user_id: str | None = None, suffix: str = "") -> str:
    """`/api/v1/ideas/<id>` or `/api/v1/<user_id>/ideas/<id>`, plus `suffix` (e.g. "/stage")."""
    idea_id = getattr(idea_or_id, "pk", idea_or_id)
    prefix = f"/api/v1/{user_id}/ideas" if user_id else "/api/v1/ideas"
    return f"{prefix}/{idea_id}{suffix}"
