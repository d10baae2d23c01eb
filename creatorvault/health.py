"""Health endpoints for probes: outside authentication and rate limits, always enveloped."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

from creatorvault.database import is_database_outage
from creatorvault.envelope import error_response, success_body
from creatorvault.views import read_only_endpoint

logger = logging.getLogger("creatorvault.health")


def _database_latency_ms() -> float:
    started = time.perf_counter()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return round((time.perf_counter() - started) * 1000, 2)


def _pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return len(executor.migration_plan(targets))


def _cache_status() -> str:
    """`ok`, or `degraded` when the cache (Redis) fails or its circuit breaker is open.

    The service still serves without its cache (rate limits fail open), so this never fails a
    probe; it tells operators. Bounded: one operation under the short socket timeout, or none
    while the breaker is open.
    """
    breaker = getattr(cache, "breaker", None)
    if breaker is not None and breaker.is_open:
        return "degraded"
    try:
        cache.get("health:probe")
    except Exception as exc:  # noqa: BLE001 - any cache failure is "degraded" for a probe
        logger.warning("health check: cache unavailable (%s)", type(exc).__name__)
        return "degraded"
    return "ok"


def _database_down(exc: Exception) -> JsonResponse:
    if not is_database_outage(exc):
        logger.error("health check failed", exc_info=exc)
    else:
        logger.warning("health check: database unreachable (%s)", type(exc).__name__)
    return error_response(503, "DATABASE_ERROR", "The database is unreachable.")


@read_only_endpoint
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse(success_body({"status": "ok"}))


@read_only_endpoint
def health_db(request: HttpRequest) -> JsonResponse:
    """The database answers a trivial query."""
    try:
        latency = _database_latency_ms()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" for a probe
        return _database_down(exc)
    return JsonResponse(success_body({"status": "ok", "database": "ok", "latency_ms": latency}))


@read_only_endpoint
def health_ready(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers and every migration is applied."""
    try:
        _database_latency_ms()
        pending = _pending_migrations()
    except Exception as exc:  # noqa: BLE001
        return _database_down(exc)
    if pending:
        return error_response(
            503, "DATABASE_ERROR", f"Not ready: {pending} database migration(s) are not applied."
        )
    return JsonResponse(
        success_body({"status": "ready", "database": "ok", "migrations": "applied", "cache": _cache_status()})
    )
