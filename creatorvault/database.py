"""Telling a database outage (answer 503, retry later) from a bug (answer 500)."""

from __future__ import annotations

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
