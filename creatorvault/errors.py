"""The domain's error family. Services raise these; the API exception handler renders them.

Domain code never builds HTTP responses: it raises an `ApplicationError` whose `code` is one of
the error codes of SPEC §3 and whose `status` is the HTTP status that code travels with.
"""

from __future__ import annotations

from typing import Any

from creatorvault.context import request_id_var


def field_error(field: str, message: str, type: str = "invalid") -> dict[str, str]:
    """One entry of an error's `details`: which field, what is wrong, a short machine-readable type."""
    return {"field": field, "message": message, "type": type}


def summarise(details: list[dict[str, Any]]) -> str:
    """One readable sentence for an error's `message` from its details ("Title is required")."""
    if not details:
        return "The request is not valid."
    first = details[0]
    label = first["field"].split(".")[0].replace("_", " ").capitalize()
    if first["type"] == "required":
        summary = f"{label} is required"
    elif first["field"] == "body":
        summary = first["message"].rstrip(".")
    else:
        summary = f"{label}: {first['message'].rstrip('.')}"
    if len(details) > 1:
        summary += f" (and {len(details) - 1} more problem{'s' if len(details) > 2 else ''})"
    return summary


def with_request_id(message: str) -> str:
    """`message`, asking the reader to quote the current request id (for errors only logs explain)."""
    return f"{message} Quote request id {request_id_var.get()} when reporting it."


def internal_error_message() -> str:
    """The message of every 500: no detail, only the request id to quote."""
    return with_request_id("An unexpected error occurred.")


class ApplicationError(Exception):
    """Base of every expected failure, rendered as the error envelope."""

    code = "INTERNAL_ERROR"
    status = 500
    default_message = "Something went wrong."

    def __init__(self, message: str | None = None, *, details: list[dict[str, Any]] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the error's response carries (such as `Retry-After`)."""
        return {}


class ValidationFailed(ApplicationError):
    """The request's body or parameters break a rule."""

    code = "VALIDATION_ERROR"
    status = 400
    default_message = "The request is not valid."

    @classmethod
    def of(cls, details: list[dict[str, Any]]) -> ValidationFailed:
        """The error for `details`, its message summarising them."""
        return cls(summarise(details), details=details)


class NotFound(ApplicationError):
    """No such resource for this caller (another user's resource looks exactly like this)."""

    code = "NOT_FOUND"
    status = 404
    default_message = "Not found."


class Forbidden(ApplicationError):
    """The caller may not do this."""

    code = "FORBIDDEN"
    status = 403
    default_message = "You do not have permission to do this."


class ScopeMissing(Forbidden):
    """The caller's credential is limited to scopes, and not to the one this operation needs."""

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"This token lacks the {scope} scope, which this operation needs.",
            details=[field_error("scope", f"The token needs the {scope} scope.", "insufficient_scope")],
        )
        self.scope = scope

    @property
    def headers(self) -> dict[str, str]:
        """RFC 6750 §3.1: say which scope would do."""
        return {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{self.scope}"'}


class Conflict(ApplicationError):
    """The write conflicts with the current state."""

    code = "CONFLICT"
    status = 409
    default_message = "The request conflicts with the current state."


class PreconditionFailed(ApplicationError):
    """`If-Match` names a version that is no longer current."""

    code = "PRECONDITION_FAILED"
    status = 412
    default_message = "The resource changed since the version named in If-Match."

    def __init__(self, message: str | None = None, *, etag: str | None = None) -> None:
        super().__init__(message)
        self.etag = etag

    @property
    def headers(self) -> dict[str, str]:
        """The current version, so the client can refetch or retry knowingly."""
        return {"ETag": self.etag} if self.etag else {}


class PayloadTooLarge(ApplicationError):
    """The body is over the configured limit."""

    code = "PAYLOAD_TOO_LARGE"
    status = 413
    default_message = "The request body is too large."


class RateLimitExceeded(ApplicationError):
    """Too many requests in the current window."""

    code = "RATE_LIMIT_EXCEEDED"
    status = 429
    default_message = "Too many requests. Try again later."

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    @property
    def headers(self) -> dict[str, str]:
        """When to try again."""
        return {"Retry-After": str(self.retry_after)}


class DatabaseUnavailable(ApplicationError):
    """The database cannot be reached."""

    code = "DATABASE_ERROR"
    status = 503
    default_message = "The database is unavailable. Try again shortly."


class ServiceUnavailable(ApplicationError):
    """A service the request needs (other than the database) cannot be reached right now."""

    code = "SERVICE_UNAVAILABLE"
    status = 503
    default_message = "A service this request needs is unavailable. Try again shortly."

    def __init__(self, message: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    @property
    def headers(self) -> dict[str, str]:
        """When to try again."""
        return {"Retry-After": str(self.retry_after)}


class AIUnavailable(ApplicationError):
    """No AI model provider is configured (or it is switched off): the chat cannot answer."""

    code = "AI_UNAVAILABLE"
    status = 503
    default_message = "The assistant is not available: no AI model provider is configured."
