"""Telling a database outage (answer 503, retry later) from a bug (answer 500); which threads may
keep a pooled connection from one request to the next."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from psycopg_pool import PoolTimeout

# SQLite reports SQL mistakes as OperationalError too; only these messages mean "unavailable".
SQLITE_OUTAGE_MESSAGES = ("database is locked", "unable to open database", "disk i/o error")


def is_database_outage(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached or used now (not a bad query).

    psycopg raises OperationalError for connection failures and ProgrammingError for SQL mistakes;
    SQLite raises OperationalError for both, so its message decides. A bug stays a 500.
    """
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, OperationalError | InterfaceError) or isinstance(exc, DataError | IntegrityError):
        return False
    cause = exc.__cause__
    if cause is not None and type(cause).__module__ == "sqlite3":
        return any(message in str(cause).lower() for message in SQLITE_OUTAGE_MESSAGES)
    return True


# --- Holding a pooled connection across requests -------------------------------------------------

_holding = threading.local()


def hold_connections_on_this_thread() -> None:
    """Let the calling thread keep each pooled connection across its requests, `DB_HOLD_SECONDS` at most.

    With a connection pool Django gives the connection back at the end of every request and takes
    one again at the next (CONN_MAX_AGE must be 0): on a thread that serves one request after
    another, that checkout and return cost ~7% of a detail request's CPU. A thread that calls this
    (the lean API path's threads, `creatorvault.lean_asgi`) keeps its connection from one request
    to the next instead, with Django's own checks of a persistent connection at each request's
    start and end (creatorvault.postgresql): given back to the pool after a database error that
    left it unusable, when autocommit was left changed, and once held `DB_HOLD_SECONDS` (so the
    pool's lifetime and idle policies still apply). `DB_HOLD_SECONDS=0` gives it back after every
    request, as Django does.
    """
    _holding.on = True


def connection_hold_seconds() -> float:
    """How long the calling thread may keep a pooled connection across requests (0: not at all)."""
    if not getattr(_holding, "on", False):
        return 0.0
    return max(0.0, float(settings.DB_HOLD_SECONDS))
