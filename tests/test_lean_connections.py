"""The lean API path's threads hold their pooled connection across requests (PostgreSQL's pool).

Django returns a pooled connection after every request; the threads of `creatorvault.lean_asgi`
keep theirs from one request to the next (`DB_HOLD_SECONDS` at most), give it back after
`DB_HOLD_IDLE_SECONDS` without a request, and drop it when a database error left it unusable.
Observed through the ASGI application and the pool's own counters.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection as default_connection

from creatorvault.lean_asgi import release_api_connections
from tests.test_lean_asgi import asgi_get

# The PostgreSQL backend's wrapper (its `pool`, `close_pool`); mypy knows only the base class.
connection: Any = default_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

# config.asgi's lean handler: API_SYNC_THREADS threads.
THREADS = settings.API_SYNC_THREADS
checked_out_at_start = 0


@pytest.fixture
def bearer(owner, make_idea, mint_token) -> Iterator[dict[str, str]]:
    make_idea(title="Held")
    release_api_connections()  # every thread starts without a connection
    connection.close()  # and the test's own thread holds none either
    global checked_out_at_start
    checked_out_at_start = 0
    checked_out_at_start = checked_out()
    yield {"Authorization": f"Bearer {mint_token(owner)}"}
    release_api_connections()


def checkouts() -> int:
    """How many connections the pool has handed out so far."""
    return int(connection.pool.get_stats().get("requests_num", 0))


def checked_out() -> int:
    """How many of the pool's connections are out of it now, beyond those the test began with
    (other threads of the test process, the MCP app's, may hold one)."""
    stats = connection.pool.get_stats()
    return int(stats["pool_size"]) - int(stats["pool_available"]) - checked_out_at_start


def test_a_thread_keeps_its_connection_from_one_request_to_the_next(bearer) -> None:
    before = checkouts()
    for _ in range(12):
        status, _, _ = asgi_get("/api/v1/ideas?limit=5", bearer)
        assert status == 200
    assert checkouts() - before <= THREADS  # one checkout per thread at most, not one per request
    assert checked_out() >= 1  # held between requests


def test_with_no_hold_every_request_checks_a_connection_out_and_back(bearer, settings) -> None:
    settings.DB_HOLD_SECONDS = 0
    before = checkouts()
    for _ in range(6):
        status, _, _ = asgi_get("/api/v1/ideas?limit=5", bearer)
        assert status == 200
    assert checkouts() - before == 6
    assert checked_out() == 0


def test_an_idle_thread_gives_its_connection_back(bearer, settings) -> None:
    settings.DB_HOLD_IDLE_SECONDS = 0.1
    for _ in range(4):
        asgi_get("/api/v1/ideas?limit=5", bearer)
    deadline = time.monotonic() + 10
    while checked_out() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checked_out() == 0


def backends() -> set[int]:
    """The server processes of this database's connections, but the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_held_connection_the_server_closed_costs_one_answer_per_thread_then_is_replaced(bearer) -> None:
    connection.close_pool()  # so that the threads' connections are new ones, not the pool's idle ones
    others = backends()  # other threads' connections (the MCP app's, a live server's): left alone
    for _ in range(12):  # every thread likely holds one now
        asgi_get("/api/v1/ideas?limit=5", bearer)
    held = backends() - others
    assert held
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(held)])
    connection.close()
    connection.close_pool()  # idle pooled connections just made may have died too: only the held ones count

    answers = [asgi_get("/api/v1/ideas?limit=5", bearer) for _ in range(16)]

    failed = [json.loads(body) for status, _, body in answers if status != 200]
    assert len(failed) <= THREADS  # each thread's dead connection fails one request, then is dropped
    assert all(body["error"]["code"] == "DATABASE_ERROR" for body in failed)
    release_api_connections()
    assert all(asgi_get("/api/v1/ideas?limit=5", bearer)[0] == 200 for _ in range(8))
