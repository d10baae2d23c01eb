"""Per-request context (request id, user id) shared by the envelope and the logs."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)
trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)
# The cache values read with this request's rate-limit count (`creatorvault.ratelimit.read_with_count`):
# cache key -> value (None when absent). Keys not in it were not read.
count_reads_var: ContextVar[dict[str, Any] | None] = ContextVar("count_reads", default=None)

# A caller's X-Request-ID is kept only when it is short and plain, so it cannot inject into logs.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


# W3C Trace Context: version-traceid-parentid-flags, lower-case hex (https://www.w3.org/TR/trace-context/).
TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$")
INVALID_TRACE_ID = "0" * 32


def trace_id_from_traceparent(value: str | None) -> str | None:
    """The trace id of a well-formed W3C `traceparent` header, else None (never the raw text)."""
    if not value or len(value) > 512:
        return None
    match = TRACEPARENT.fullmatch(value.strip())
    if match is None or match.group(1) == "ff" or match.group(2) == INVALID_TRACE_ID:
        return None
    if match.group(1) == "00" and len(value.strip()) != 55:
        return None  # version 00 has no trailing fields
    return match.group(2)


def new_request_id() -> str:
    """A fresh, unguessable request id."""
    return f"req_{secrets.token_hex(12)}"


def request_id_from_header(value: str | None) -> str:
    """The caller's request id when it is sane, else a new one."""
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


def current_request_id() -> str:
    """The id of the request being served (a new one outside a request)."""
    return request_id_var.get() or new_request_id()
