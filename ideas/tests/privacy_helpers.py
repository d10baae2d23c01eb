"""Shared pieces of the privacy tests: fixed test keys and small helpers."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.db import connection

KEY_OLD = "k2025:" + base64.urlsafe_b64encode(bytes(range(32))).decode()
KEY_NEW = "k2026:" + base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
IDEAS = "/api/v1/ideas"
ME = "/api/v1/users/me"
EXPORT = "/api/v1/users/me/export"


@pytest.fixture
def sealing_keys(settings) -> Any:
    """Seal with KEY_OLD (tests rotate to KEY_NEW)."""
    settings.ENCRYPTION_KEYS = [KEY_OLD]
    return settings


def raw_rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a raw SQL query, bypassing the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def create_idea(client: Any, **body: Any) -> dict[str, Any]:
    """POST an idea through the API; return its `data`."""
    response = client.post(IDEAS, {"title": "Untitled", **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def search_titles(client: Any, term: str) -> list[str]:
    """Titles of the caller's ideas that `search=term` finds."""
    response = client.get(IDEAS, {"search": term})
    assert response.status_code == 200, response.content
    return sorted(idea["title"] for idea in response.json()["data"]["ideas"])
