"""The one exception path: every error of the API becomes the error envelope of SPEC §3."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from creatorvault import metrics
from creatorvault.database import is_database_outage
from creatorvault.envelope import error_body
from creatorvault.errors import ApplicationError, internal_error_message, summarise
from creatorvault.text import renderable

logger = logging.getLogger("creatorvault.errors")

CODE_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "AUTH_ERROR",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "DATABASE_ERROR",
}


def flatten_details(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    """Turn DRF's nested error detail into `[{"field", "message", "type"}]`."""
    if isinstance(detail, dict):
        out: list[dict[str, Any]] = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else renderable(str(key))
            out.extend(flatten_details(value, f"{field}.{name}" if field and name else field or name))
        return out
    if isinstance(detail, list):
        out = []
        for item in detail:
            out.extend(flatten_details(item, field))
        return out
    return [
        {
            "field": field or "body",
            "message": renderable(str(detail)),
            "type": getattr(detail, "code", None) or "invalid",
        }
    ]


def _render(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    response = Response(error_body(code, message, details), status=status, headers=headers)
    response.is_envelope = True  # type: ignore[attr-defined]
    return response


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: map any exception to the envelope (never a stack trace)."""
    set_rollback()
    if isinstance(exc, ApplicationError):
        return _render(exc.status, exc.code, exc.message, exc.details, exc.headers or None)
    if isinstance(exc, Ratelimited):
        return _render(429, "RATE_LIMIT_EXCEEDED", "Too many requests.", headers={"Retry-After": "60"})
    if isinstance(exc, drf.ValidationError):
        details = flatten_details(exc.detail)
        return _render(400, "VALIDATION_ERROR", summarise(details), details)
    if isinstance(exc, DjangoValidationError):
        details = flatten_details(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return _render(400, "VALIDATION_ERROR", summarise(details), details)
    if isinstance(exc, drf.ParseError):
        return _render(400, "VALIDATION_ERROR", f"Malformed request body: {exc.detail}")
    if isinstance(exc, drf.UnsupportedMediaType):
        return _render(
            400, "VALIDATION_ERROR", "The request body must be JSON (Content-Type: application/json)."
        )
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        auth_header = getattr(exc, "auth_header", None) or 'Bearer error="invalid_token"'
        message = (
            str(exc.detail)
            if isinstance(exc, drf.AuthenticationFailed)
            else "Authentication required: send Authorization: Bearer <token>."
        )
        return _render(401, "AUTH_ERROR", message, headers={"WWW-Authenticate": auth_header})
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        message = str(getattr(exc, "detail", "")) or "You do not have permission to do this."
        return _render(403, "FORBIDDEN", message)
    if isinstance(exc, Http404 | drf.NotFound):
        return _render(404, "NOT_FOUND", "Not found.")
    if isinstance(exc, drf.MethodNotAllowed):
        view = context.get("view")
        allow = ", ".join(view.allowed_methods) if view is not None else ""
        return _render(405, "METHOD_NOT_ALLOWED", str(exc.detail), headers={"Allow": allow})
    if isinstance(exc, drf.Throttled):
        wait = int(getattr(exc, "wait", None) or 60)
        return _render(429, "RATE_LIMIT_EXCEEDED", "Too many requests.", headers={"Retry-After": str(wait)})
    if is_database_outage(exc):
        metrics.count_database_error("outage")
        logger.error("database unavailable", exc_info=exc)
        return _render(503, "DATABASE_ERROR", "The database is unavailable. Try again shortly.")
    if isinstance(exc, DataError):
        return _render(400, "VALIDATION_ERROR", "A value is not acceptable to the database.")
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error", exc_info=exc)
        return _render(409, "CONFLICT", "The request conflicts with the current state.")
    if isinstance(exc, drf.APIException):
        code = CODE_BY_STATUS.get(
            exc.status_code, "VALIDATION_ERROR" if exc.status_code < 500 else "INTERNAL_ERROR"
        )
        return _render(exc.status_code, code, str(exc.detail))
    if isinstance(exc, DatabaseError):
        logger.error("database error", exc_info=exc)
    else:
        logger.error("unhandled exception", exc_info=exc)
    return _render(
        500,
        "INTERNAL_ERROR",
        internal_error_message(),
    )
