"""Per-request context (request id, user id) shared by the envelope and the logs."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)

# A caller's X-Request-ID is kept only when it is short and plain, so it cannot inject into logs.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


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
