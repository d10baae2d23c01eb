"""Who is calling `/mcp`: the API's own authentication, rate limit and refusals, for an MCP request.

MCP requests authenticate exactly like API requests: the configured DRF authentication classes
read `Authorization: Bearer` (personal access tokens, `cvp_…`, and Better Auth JWTs), so a
credential works, fails or is revoked identically on both surfaces. They count against the same
per-user rate limit (and the per-IP one without a valid token). Refusals follow RFC 6750 and the
MCP authorization spec: a 401 names the RFC 9728 metadata (`resource_metadata`), so a client
without a token learns where to get one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from assistant.access import IDEAS_READ, IDEAS_WRITE, Access, access_for
from assistant.models import Surface
from creatorvault.context import user_id_var
from creatorvault.errors import ApplicationError, RateLimitExceeded
from creatorvault.ratelimit import enforce_api_rate_limit


@dataclass
class Refusal(Exception):
    """An MCP request refused before it reaches the protocol: status, error code, message, headers."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


def _quoted(value: str) -> str:
    # An auth-param value is a quoted string: no quotes, backslashes or line breaks inside.
    return '"' + "".join(ch for ch in value if ch not in '"\\\r\n') + '"'


def bearer_challenge(
    resource_metadata_url: str,
    *,
    error: str | None = None,
    description: str | None = None,
    scope: str | None = None,
) -> str:
    """A `WWW-Authenticate: Bearer` value naming the protected-resource metadata (RFC 9728 §5.1)."""
    params = []
    if error:
        params.append(f"error={_quoted(error)}")
    if description:
        params.append(f"error_description={_quoted(description)}")
    if scope:
        params.append(f"scope={_quoted(scope)}")
    params.append(f"resource_metadata={_quoted(resource_metadata_url)}")
    return "Bearer " + ", ".join(params)


def _count(request: HttpRequest, user_id: str | None) -> None:
    try:
        enforce_api_rate_limit(request, user_id=user_id)
    except RateLimitExceeded as exc:
        raise Refusal(429, exc.code, exc.message, exc.headers) from None


def authenticate_mcp_request(
    *, authorization: str | None, client_ip: str, resource_metadata_url: str
) -> Access:
    """The caller's `Access`, or a `Refusal` (401, 403 or 429) to answer instead. Synchronous.

    The request is counted against the caller's per-user limit, or against the client IP's
    limit when no valid token came (so tokens cannot be guessed at speed).
    """
    http_request = HttpRequest()
    http_request.method = "POST"
    http_request.META["REMOTE_ADDR"] = client_ip
    if authorization is not None:
        http_request.META["HTTP_AUTHORIZATION"] = authorization
    # The API's own authentication classes, as every API view has them.
    authenticators = [authenticator() for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES]  # type: ignore[operator]
    request = Request(http_request, authenticators=authenticators)
    try:
        user = request.user
    except exceptions.AuthenticationFailed as exc:
        _count(http_request, None)
        message = str(exc.detail)
        challenge = bearer_challenge(resource_metadata_url, error="invalid_token", description=message)
        raise Refusal(401, "AUTH_ERROR", message, {"WWW-Authenticate": challenge}) from None
    except exceptions.PermissionDenied as exc:
        raise Refusal(403, "FORBIDDEN", str(exc.detail)) from None
    except exceptions.Throttled as exc:
        # An address over the limit of failed attempts: no token lookup at all until it resets.
        wait = max(1, int(getattr(exc, "wait", None) or 60))
        raise Refusal(429, "RATE_LIMIT_EXCEEDED", str(exc.detail), {"Retry-After": str(wait)}) from None
    except ApplicationError as exc:
        raise Refusal(exc.status, exc.code, exc.message, exc.headers) from None
    if user is None or not user.is_authenticated:
        _count(http_request, None)
        raise Refusal(
            401,
            "AUTH_ERROR",
            "Authentication required: send Authorization: Bearer <token> (a personal access token "
            "or a Better Auth session token).",
            {"WWW-Authenticate": bearer_challenge(resource_metadata_url)},
        )
    user_id_var.set(str(user.pk))
    _count(http_request, str(user.pk))
    access = access_for(owner=user, credential=request.auth, surface=Surface.MCP)
    if not (access.may(IDEAS_READ) or access.may(IDEAS_WRITE)):
        needed = f"{IDEAS_READ} {IDEAS_WRITE}"
        raise Refusal(
            403,
            "FORBIDDEN",
            f"This token can use no tool: it needs {IDEAS_READ} (reads) or {IDEAS_WRITE} (writes).",
            {
                "WWW-Authenticate": bearer_challenge(
                    resource_metadata_url, error="insufficient_scope", scope=needed
                )
            },
        )
    return access
