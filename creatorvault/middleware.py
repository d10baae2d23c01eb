"""Request middleware: request id and one structured log line per request (outermost), then the
body-size limit (inside CORS, so that its 413 carries the CORS headers a browser needs)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from corsheaders.middleware import CorsMiddleware
from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.functional import empty

from creatorvault import metrics
from creatorvault.context import (
    count_reads_var,
    request_id_from_header,
    request_id_var,
    trace_id_from_traceparent,
    trace_id_var,
    user_id_var,
)
from creatorvault.database import is_database_outage
from creatorvault.envelope import error_response
from creatorvault.errors import internal_error_message

logger = logging.getLogger("creatorvault.request")
error_logger = logging.getLogger("creatorvault.errors")


class RequestContextMiddleware:
    """Outermost middleware: everything below it runs with a request id in context.

    It writes no response of its own (CORS is the outermost layer that does, so that every
    answer a browser gets, errors included, carries the CORS headers): it turns an exception no
    other layer handled into the error envelope (no stack trace, ever; `process_exception` runs
    below CORS), sets `X-Request-ID` on every response and writes one JSON log line per request.
    The line has the path but never the query string (search terms) nor any header (tokens).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META, not `request.headers` (whose first use copies every header): the same values.
        meta = request.META
        request_id = request_id_from_header(meta.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        trace_token = trace_id_var.set(trace_id_from_traceparent(meta.get("HTTP_TRACEPARENT")))
        reads_token = count_reads_var.set(None)
        started = time.perf_counter()
        metrics.HTTP_IN_FLIGHT.inc()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response, started)
            metrics.observe_request(
                route=metrics.route_template(request),
                method=request.method or "",
                status=response.status_code,
                seconds=time.perf_counter() - started,
            )
            return response
        finally:
            metrics.HTTP_IN_FLIGHT.dec()
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)
            trace_id_var.reset(trace_token)
            count_reads_var.reset(reads_token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Render exceptions of non-DRF views (DRF views have their own handler)."""
        if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
            return None  # Django's own handlers (handler404, 403, 400) answer these
        if is_database_outage(exception):
            metrics.count_database_error("outage")
            error_logger.error("database unavailable", exc_info=exception)
            return error_response(503, "DATABASE_ERROR", "The database is unavailable.")
        error_logger.error("unhandled exception", exc_info=exception)
        return error_response(
            500,
            "INTERNAL_ERROR",
            internal_error_message(),
        )

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        if not logger.isEnabledFor(level):
            return
        user_id = user_id_var.get()
        if user_id is None:
            # Outside the API (admin pages): only a user the session already loaded. An unloaded
            # SimpleLazyObject holds `empty` in `_wrapped`, and reading that triggers no query.
            user = request.__dict__.get("user")
            loaded = getattr(user, "_wrapped", user)
            if loaded is not None and loaded is not empty and getattr(loaded, "is_authenticated", False):
                user_id = loaded.pk
        # What `logger.log` does, without its walk up the stack for the caller's file and line
        # (which no log line shows): ~15 µs of CPU per request.
        record = logger.makeRecord(
            logger.name,
            level,
            __file__,
            0,
            f"{request.method} {request.path} {status}",
            (),
            None,
            "RequestContextMiddleware",
            {
                "user_id": str(user_id) if user_id is not None else None,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        logger.handle(record)


class BodySizeLimitMiddleware:
    """Answers 413 for bodies over `API_MAX_BODY_BYTES` before anything reads them (and 400 for a
    `Content-Length` that is not a number). Placed right after CORS, so both carry its headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._refuse_oversized_body(request) or self.get_response(request)

    @staticmethod
    def _refuse_oversized_body(request: HttpRequest) -> HttpResponse | None:
        raw_length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw_length)
        except ValueError:
            return error_response(400, "VALIDATION_ERROR", "The Content-Length header is not a number.")
        limit: int = settings.API_MAX_BODY_BYTES
        if length > limit:
            return error_response(413, "PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.")
        return None


class LargeJSONGzipMiddleware:
    """Gzip JSON (and OpenAPI) responses of at least `GZIP_MIN_BYTES`, for clients that accept it.

    Measured on the OpenAPI document: 650 KiB of JSON become 31 KiB (27 ms to compress), about
    0.5 s less on a 10 Mbit/s link. Only documents built for machines are compressed, never HTML:
    admin pages carry a CSRF token beside text an attacker may influence (BREACH); API responses
    are read with a bearer token that no other site can make a browser send. Streams (chat, MCP)
    are left alone. The compressing is Django's `GZipMiddleware.process_response`; this class is a
    plain (synchronous) middleware rather than a `MiddlewareMixin`, whose dispatch costs each of
    the many responses left alone a few µs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._gzip = GZipMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponse)
            or response.get("Content-Type", "").split(";")[0].strip() not in GZIP_CONTENT_TYPES
            or len(response.content) < settings.GZIP_MIN_BYTES
        ):
            return response
        return self._gzip.process_response(request, response)


class OriginlessCorsMiddleware(CorsMiddleware):
    """django-cors-headers' middleware, with a shortcut for requests without an `Origin` header.

    Such a request (any non-browser client) gets what `add_response_headers` gives it, `Vary:
    origin` on the paths CORS covers, without reading `request.headers` (which copies every header
    of the request on first use); a request with an `Origin` goes through the library unchanged.
    """

    def add_response_headers(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.META.get("HTTP_ORIGIN"):
            return super().add_response_headers(request, response)
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if enabled:
            patch_vary_headers(response, ("origin",))
        return response


GZIP_CONTENT_TYPES = frozenset(
    {"application/json", "application/vnd.oai.openapi", "application/vnd.oai.openapi+json"}
)


# The policies as the settings define them, built once per process (report_only -> header value).
_STATIC_POLICIES: dict[bool, str] = {}


@receiver(setting_changed)
def _forget_static_policies(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _STATIC_POLICIES.clear()


class StaticCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once instead of per response.

    The same headers: a response whose view changed its policy (`csp_update`, `csp_replace`,
    `csp_exempt`...) or a request that used its nonce (the docs pages) still gets a policy built
    for it by django-csp's `build_policy`; every other response (all of the API) gets the policy
    of the settings, which is the same string each time. Measured: ~100 µs of CPU less per
    response (two `build_policy` calls and two `dataclasses.asdict`).
    """

    def _policy(self, request: HttpRequest, response: HttpResponseBase, report_only: bool) -> str:
        parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
        if parts.config is None and parts.update is None and parts.replace is None and parts.nonce is None:
            policy = _STATIC_POLICIES.get(report_only)
            if policy is None:
                policy = _STATIC_POLICIES[report_only] = build_policy(report_only=report_only)
            return policy
        return build_policy(
            config=parts.config,
            update=parts.update,
            replace=parts.replace,
            nonce=parts.nonce,
            report_only=report_only,
        )

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """`CSPMiddleware.process_response` (django-csp 4.0), with the policies from `_policy`."""
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # Django's debug pages
        for report_only, header, exempt, setting in (
            (False, CSP_HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, CSP_HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = self._policy(request, response, report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # After the header is written, reading `request.csp_nonce` is an error (django-csp's rule).
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
