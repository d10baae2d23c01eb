"""Prometheus metrics: one place that declares every series, and the `/metrics` view.

Under gunicorn the metrics are kept in prometheus-client's multiprocess mode: each worker writes
its values to files in `PROMETHEUS_MULTIPROC_DIR` (which gunicorn.conf.py creates, empties at
start and cleans up after each worker exit), and `/metrics` sums them over every worker, living
or dead, so a counter survives a worker restart. Without that directory (tests, `make run`) the
process's own registry is served.

Labels are bounded by construction: a request is labelled with its route *template* (from the URL
configuration, e.g. `/api/v1/ideas/{id}`), never its path; unmatched paths share one label. No
user id, path parameter or content ever appears in a label.

Other modules record through the small functions below (`count_rate_limit_refusal`, ...), so the
series' names live here once. Domain series are declared in their apps (the chat's in
`assistant/chat/metrics.py`) on the same default registry, so this view serves them too.
"""

from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from creatorvault.envelope import error_response
from creatorvault.views import read_only_endpoint

NAMESPACE = "creatorvault"
# Resolve 5-500 ms finely (the API's range), with a tail for slow outliers.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "unmatched"

# --- Series ------------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests served, by route template, method and status.",
    ["route", "method", "status"],
    namespace=NAMESPACE,
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    namespace=NAMESPACE,
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "http_requests_in_flight",
    "HTTP requests being served now (summed over workers).",
    namespace=NAMESPACE,
    multiprocess_mode="livesum",
)
DATABASE_ERRORS = Counter(
    "database_errors",
    "Database failures: `connect` (no connection could be made), `pool_timeout` (the pool had none "
    "free in time), `outage` (a request answered 503).",
    ["kind"],
    namespace=NAMESPACE,
)
DATABASE_POOL_WAIT = Histogram(
    "database_pool_wait_seconds",
    "Time spent waiting for a connection from the pool.",
    namespace=NAMESPACE,
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CACHE_ERRORS = Counter(
    "cache_errors",
    "Cache (Redis) operations that failed: `error` (an error or timeout), `breaker_open` (skipped "
    "while the circuit breaker is open).",
    ["kind"],
    namespace=NAMESPACE,
)
RATE_LIMIT_REFUSALS = Counter(
    "rate_limit_refusals",
    "Requests refused with 429, by rate-limit scope (e.g. `api:user`, `api:anon`).",
    ["scope"],
    namespace=NAMESPACE,
)
JWKS_FETCHES = Counter(
    "jwks_fetches",
    "Fetches of Better Auth's key set, by outcome (`ok`, `failed`).",
    ["outcome"],
    namespace=NAMESPACE,
)
SEALING_FAILURES = Counter(
    "sealing_failures",
    "Sealed values that could not be sealed or opened, by operation (`seal`, `unseal`).",
    ["operation"],
    namespace=NAMESPACE,
)


# --- Recording (what other modules call) -------------------------------------------------------
def count_rate_limit_refusal(scope: str) -> None:
    """A request was refused by the rate limit of `scope` (a fixed name, never a key or an id)."""
    RATE_LIMIT_REFUSALS.labels(scope=scope).inc()


def count_cache_error(kind: str) -> None:
    """A cache operation failed (`error`) or was skipped by the open circuit breaker (`breaker_open`)."""
    CACHE_ERRORS.labels(kind=kind).inc()


def count_database_error(kind: str) -> None:
    """A database failure: `connect`, `pool_timeout` or `outage`."""
    DATABASE_ERRORS.labels(kind=kind).inc()


def observe_pool_wait(seconds: float) -> None:
    """How long a connection checkout from the pool took."""
    DATABASE_POOL_WAIT.observe(seconds)


def count_jwks_fetch(*, ok: bool) -> None:
    """A fetch of the JWKS key set finished (successfully or not)."""
    JWKS_FETCHES.labels(outcome="ok" if ok else "failed").inc()


def count_sealing_failure(operation: str) -> None:
    """Sealing (`seal`) or opening (`unseal`) a value failed."""
    SEALING_FAILURES.labels(operation=operation).inc()


# --- Route templates ---------------------------------------------------------------------------
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_ANCHORS = re.compile(r"\^|\$|\\Z")


def route_template(request: HttpRequest) -> str:
    """The URL pattern that served `request`, as a template such as `/api/v1/ideas/{id}`.

    Built from the URL configuration, so the set of values is fixed: a path that matched nothing
    is `unmatched`, whatever it was. Each pattern's template is worked out once per process.
    """
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    if not route:
        return UNMATCHED_ROUTE
    template = _ROUTE_TEMPLATES.get(route)
    if template is None:
        template = _ROUTE_TEMPLATES[route] = _template_of(route)
    return template


def _template_of(route: str) -> str:
    template = _NAMED_GROUP.sub(lambda m: "{" + m.group(1) + "}", route)
    template = _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", template)
    template = _ANCHORS.sub("", template).replace("/?", "/").replace("\\", "")
    return "/" + template.rstrip("/") if template else "/"


# URL pattern -> its template: as many entries as the URL configuration has patterns.
_ROUTE_TEMPLATES: dict[str, str] = {}


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    method = method if method in _KNOWN_METHODS else "other"
    series = _REQUEST_SERIES.get((route, method, status))
    if series is None:
        # Label values are bounded (route templates, known methods, status codes), so is this.
        series = _REQUEST_SERIES[(route, method, status)] = (
            HTTP_REQUESTS.labels(route=route, method=method, status=str(status)),
            HTTP_LATENCY.labels(route=route, method=method),
        )
    requests, latency = series
    requests.inc()
    latency.observe(seconds)


# (route, method, status) -> the labelled children of HTTP_REQUESTS and HTTP_LATENCY, so that a
# request skips prometheus-client's label lookup (validation, a lock, a dict): ~8 µs of CPU.
_REQUEST_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


# Methods are client-controlled text: anything unusual shares one label.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# --- The /metrics view -------------------------------------------------------------------------
def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def _authorised(request: HttpRequest) -> bool:
    token: str = settings.METRICS_TOKEN
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())


@read_only_endpoint
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper presenting `Authorization: Bearer <METRICS_TOKEN>`.

    With no METRICS_TOKEN configured the endpoint is closed (404): metrics name the routes and
    error rates, which are nobody else's business.
    """
    if not settings.METRICS_TOKEN:
        return error_response(404, "NOT_FOUND", f"No endpoint at {request.path}.")
    if not _authorised(request):
        response = error_response(401, "AUTH_ERROR", "A valid metrics bearer token is required.")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


# --- ASGI apps outside Django (the MCP endpoint) ------------------------------------------------
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


def instrument_asgi(app: ASGIApp, *, route_of: Callable[[str], str]) -> ASGIApp:
    """Count the HTTP requests `app` answers like Django's (same series); `route_of(path)` names
    the route template from a fixed set. Lifespan and other scopes pass straight through."""

    async def instrumented(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts a response

        async def send_and_watch(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        HTTP_IN_FLIGHT.inc()
        try:
            await app(scope, receive, send_and_watch)
        finally:
            HTTP_IN_FLIGHT.dec()
            observe_request(
                route=route_of(scope["path"]),
                method=scope.get("method", ""),
                status=status,
                seconds=time.perf_counter() - started,
            )

    return instrumented
