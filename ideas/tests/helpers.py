"""Helpers of the ideas tests (and of the tests of the apps above): test keys, paths, small calls."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

KEY_OLD = "k2025:" + base64.urlsafe_b64encode(bytes(range(32))).decode()
KEY_NEW = "k2026:" + base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
IDEAS = "/api/v1/ideas"
ME = "/api/v1/users/me"
EXPORT = "/api/v1/users/me/export"


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


def detail_url(idea_or_id: Any, *, user_id: str | None = None, suffix: str = "") -> str:
    """`/api/v1/ideas/<id>` or `/api/v1/<user_id>/ideas/<id>`, plus `suffix` (e.g. "/stage")."""
    idea_id = getattr(idea_or_id, "pk", idea_or_id)
    prefix = f"/api/v1/{user_id}/ideas" if user_id else "/api/v1/ideas"
    return f"{prefix}/{idea_id}{suffix}"


def run_concurrently(count: int, work: Callable[[int], int]) -> list[int]:
    """Run `work(i)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results: list[int] = [0] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
