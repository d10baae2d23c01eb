"""Views outside the API: the landing page and the JSON error handlers for non-API paths."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from creatorvault.database import is_database_outage
from creatorvault.envelope import error_response
from creatorvault.errors import internal_error_message

View = TypeVar("View", bound=Callable[..., HttpResponse])


def read_only_endpoint(view: View) -> View:
    """Serve GET and HEAD; any other method is the 405 `METHOD_NOT_ALLOWED` envelope.

    Replaces Django's `require_GET`, whose 405 has no envelope and which refuses HEAD (some
    load-balancer probes send HEAD). CSRF-exempt: these views change nothing, and the CSRF check
    would otherwise answer a POST with Django's HTML 403 page before the method is even looked at.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, "METHOD_NOT_ALLOWED", f'Method "{request.method}" not allowed.')
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)  # type: ignore[return-value]


@read_only_endpoint
def index(request: HttpRequest) -> HttpResponse:
    """A small page saying what this service is, linking the docs, admin and health."""
    return render(request, "index.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """`handler404`: unknown paths answer the NOT_FOUND envelope."""
    return error_response(404, "NOT_FOUND", f"No endpoint at {request.path}.")


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """The last API route: any unknown `/api/...` path, any method, is the NOT_FOUND envelope.

    `handler404` alone is not enough: with DEBUG on Django answers an unmatched path with its HTML
    debug page, and an API client must get the same JSON in every mode.
    """
    return not_found(request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """`handler403`."""
    return error_response(403, "FORBIDDEN", "You do not have permission to do this.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """`handler400` (e.g. a disallowed Host header)."""
    return error_response(400, "VALIDATION_ERROR", "Bad request.")


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """`handler500`: an error raised in middleware; a database outage is a 503, not a 500."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return error_response(503, "DATABASE_ERROR", "The database is unavailable.")
    return error_response(
        500,
        "INTERNAL_ERROR",
        internal_error_message(),
    )
