"""Django's PostgreSQL backend (psycopg 3, pooled), with two additions for operators.

* **A failure says why.** When the pool cannot hand out a connection, psycopg_pool raises
  "couldn't get a connection after 2.00 sec", which hides the server's own answer
  (`database "x" does not exist`, `password authentication failed for user "y"`, `connection
  refused`). The pool's connections are made through `ReasonRecordingConnection`, which keeps the
  last failure's message; a pool timeout then says that message, or, when the last attempt
  succeeded, that every pooled connection is in use.
* **Metrics**: time spent waiting for the pool, and failures by kind (`connect`, `pool_timeout`).
* **A connection held across requests** by the threads that ask for it
  (`creatorvault.database.hold_connections_on_this_thread`: the lean API path's threads). Django
  returns a pooled connection at the end of every request; such a thread keeps it, with the
  checks Django makes of a persistent connection (`close_if_unusable_or_obsolete`), until it has
  held it the time it asked for, and returns it at once when a database error left it unusable
  or autocommit was left changed.
* **Timestamps parsed in C.** Django registers its own `timestamptz` loader (a subclass of
  psycopg's pure-Python one, to attach the connection's time zone), so every timestamp a query
  returns was parsed in Python: ~8% of a served list page's CPU (20 ideas, 3-4 timestamps each).
  With the connection in UTC (Django's default: the session's TimeZone is set to UTC and results
  carry `datetime.timezone.utc`), `UtcTimestamptzLoader` hands the parsing to psycopg's C loader,
  which gives the very same values (same instant, same `tzinfo` object).
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg.abc import AdaptContext
from psycopg.adapt import AdaptersMap, Loader
from psycopg.pq import Format
from psycopg_pool import PoolTimeout

from creatorvault import metrics
from creatorvault.database import connection_hold_seconds

_last_failure_lock = threading.Lock()
# Why the pool's latest connection attempt in this process failed (None after a success).
_last_failure: str | None = None


def _record(failure: str | None) -> None:
    global _last_failure  # one value per process, shared by the pool's threads
    with _last_failure_lock:
        _last_failure = failure


class ReasonRecordingConnection(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection whose failed `connect` leaves its reason for the pool's timeout error."""

    @classmethod
    def connect(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            connection = super().connect(*args, **kwargs)
        except psycopg.OperationalError as exc:
            _record(str(exc).strip() or type(exc).__name__)
            raise
        _record(None)
        return connection


_TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
# psycopg's own loader: its C implementation with psycopg-binary (the locks pin it), else Python's.
_PSYCOPG_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)


class UtcTimestamptzLoader(Loader):
    """`timestamptz` values through psycopg's loader, as aware datetimes in `datetime.timezone.utc`.

    Registered only for connections whose time zone is UTC. `timezone` is what Django's
    `create_cursor` compares to decide whether a cursor needs a loader of its own.
    """

    timezone = datetime.UTC

    def __init__(self, oid: int, context: AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        assert _PSYCOPG_TIMESTAMPTZ_LOADER is not None
        self._load = _PSYCOPG_TIMESTAMPTZ_LOADER(oid, context).load

    def load(self, data: Any) -> datetime.datetime:
        value: datetime.datetime = self._load(data)
        # The session is in UTC (Django sets it), so psycopg already answers in UTC; Django's
        # loader attaches the connection's zone the same way.
        return value if value.tzinfo is datetime.UTC else value.replace(tzinfo=datetime.UTC)


@functools.lru_cache(maxsize=4)
def _with_utc_timestamps(template: AdaptersMap) -> AdaptersMap:
    adapters = AdaptersMap(template)
    adapters.register_loader("timestamptz", UtcTimestamptzLoader)
    return adapters


class DatabaseWrapper(base.DatabaseWrapper):
    """The stock backend; `get_new_connection` measures the pool and explains its failures."""

    def __init__(self, settings_dict: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        pool = settings_dict.get("OPTIONS", {}).get("pool")
        if pool:
            options = {**(pool if isinstance(pool, dict) else {})}
            options["connection_class"] = ReasonRecordingConnection
            settings_dict = {**settings_dict, "OPTIONS": {**settings_dict["OPTIONS"], "pool": options}}
        super().__init__(settings_dict, *args, **kwargs)

    pool: Any  # Django's property: the psycopg_pool.ConnectionPool, or None (no stubs declare it)
    # When the pooled connection this wrapper holds goes back to the pool (monotonic seconds).
    _hold_until: float = 0.0

    def connect(self) -> None:
        super().connect()
        self._hold_until = time.monotonic() + connection_hold_seconds()

    def close_if_unusable_or_obsolete(self) -> None:
        """Django's check at each request's start and end; on a thread that holds its pooled
        connection across requests, the connection is kept until its hold ends.

        Django's own checks come first, as for a persistent connection: autocommit left changed
        returns it, and after a database error it is kept only if it still answers (`is_usable`).
        Elsewhere (CONN_MAX_AGE is 0 with a pool) it goes back to the pool after every request.
        """
        if self.connection is None or self.pool is None or connection_hold_seconds() <= 0:
            super().close_if_unusable_or_obsolete()
            return
        self.health_check_done = False
        if self.get_autocommit() != self.settings_dict["AUTOCOMMIT"]:
            self.close()
            return
        if self.errors_occurred:
            if self.is_usable():
                self.errors_occurred = False
                self.health_check_done = True
            else:
                self.close()
                return
        if time.monotonic() >= self._hold_until:
            self.close()

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if self.timezone is datetime.UTC and _PSYCOPG_TIMESTAMPTZ_LOADER is not None and "context" in params:
            params["context"] = _with_utc_timestamps(params["context"])
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if self.pool is None:
            try:
                return super().get_new_connection(conn_params)
            except psycopg.OperationalError:
                metrics.count_database_error("connect")
                raise
        started = time.perf_counter()
        try:
            connection = super().get_new_connection(conn_params)
        except PoolTimeout as exc:
            metrics.observe_pool_wait(time.perf_counter() - started)
            raise self._explained(exc) from exc
        metrics.observe_pool_wait(time.perf_counter() - started)
        return connection

    def _explained(self, exc: PoolTimeout) -> psycopg.OperationalError:
        with _last_failure_lock:
            failure = _last_failure
        if failure is not None:
            metrics.count_database_error("connect")
            return psycopg.OperationalError(f"cannot connect to the database: {failure}")
        metrics.count_database_error("pool_timeout")
        size = self.pool.get_stats().get("pool_size")
        return psycopg.OperationalError(
            f"{exc}: all {size} pooled connections are in use (see DB_POOL_MAX_SIZE, DB_POOL_TIMEOUT)"
        )
