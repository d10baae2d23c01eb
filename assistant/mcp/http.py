"""`/mcp` (Streamable HTTP) and its RFC 9728 metadata, as one small ASGI app beside Django.

Every request, in order:

1. gets a request id (`X-Request-ID`, the caller's if sane) and, at the end, one JSON log line
   like the API's (method, path without query string, status, duration, user id);
2. has its `Host` checked against `ALLOWED_HOSTS` (Django's own matching) and its `Origin`, when
   a browser sent one, against `ALLOWED_ORIGINS` or `ALLOWED_HOSTS`: a DNS-rebinding page is
   refused before anything else runs;
3. is authenticated and counted like an API request (`assistant.mcp.auth`): 401 with
   `WWW-Authenticate: Bearer resource_metadata="…"`, 403, or 429 with `Retry-After`;
4. is served by the SDK's Streamable HTTP transport, **stateless** (no `Mcp-Session-Id`, a
   fresh transport per request) so any worker serves any request, answering JSON.

The transport needs its session manager running: the app's lifespan starts it, so the ASGI
server must run lifespan (uvicorn and its gunicorn worker do by default).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.http.request import split_domain_port, validate_host
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from assistant.access import TOOL_SCOPES
from assistant.mcp.auth import Refusal, authenticate_mcp_request
from assistant.mcp.server import ACCESS_SCOPE_KEY, build_server
from creatorvault.context import request_id_from_header, request_id_var, user_id_var
from creatorvault.database import is_database_outage
from creatorvault.envelope import error_body
from creatorvault.errors import internal_error_message

MCP_PATH = "/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource"

logger = logging.getLogger("creatorvault.request")
error_logger = logging.getLogger("creatorvault.errors")

CORS_ALLOW_HEADERS = (
    "authorization, content-type, last-event-id, mcp-protocol-version, mcp-session-id, x-request-id"
)
CORS_EXPOSE_HEADERS = "mcp-protocol-version, mcp-session-id, retry-after, www-authenticate, x-request-id"


def serves_path(path: str) -> bool:
    """Whether `path` belongs to this app (the rest of the site is Django's)."""
    return path in (MCP_PATH, MCP_PATH + "/") or path == METADATA_PATH or path.startswith(METADATA_PATH + "/")


# --- Host and Origin ------------------------------------------------------------------------------


def _allowed_hosts() -> list[str]:
    hosts: list[str] = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]  # Django's own DEBUG default
    return hosts


def host_allowed(host: str | None) -> bool:
    """Whether a `Host` header names this service (as Django decides for its own requests)."""
    if not host:
        return False
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, _allowed_hosts())


def origin_allowed(origin: str) -> bool:
    """Whether a browser page at `origin` may call /mcp: a frontend origin, or one of this service's hosts."""
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return False
    domain, _port = split_domain_port(parts.netloc)
    return bool(domain) and validate_host(domain, _allowed_hosts())


# --- The resource and its metadata ----------------------------------------------------------------


def _scheme(scope: Scope, headers: Headers) -> str:
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower()
        if headers.get(header, "").split(",")[0].strip() == value:
            return "https"
    return str(scope.get("scheme") or "http")


def resource_url(scope: Scope, headers: Headers) -> str:
    """This MCP server's resource identifier: `MCP_RESOURCE_URL`, else `<scheme>://<host>/mcp`."""
    configured: str = getattr(settings, "MCP_RESOURCE_URL", "")
    if configured:
        return configured.rstrip("/")
    return f"{_scheme(scope, headers)}://{headers.get('host', '')}{MCP_PATH}"


def metadata_url(resource: str) -> str:
    """Where the metadata of `resource` lives (RFC 9728 §3.1: the well-known path before its path)."""
    parts = urlsplit(resource)
    return f"{parts.scheme}://{parts.netloc}{METADATA_PATH}{parts.path}"


def resource_metadata(resource: str) -> dict[str, Any]:
    """The RFC 9728 document: the resource, Better Auth as its authorization server, the scopes."""
    authorization_server = settings.BETTER_AUTH_URL or settings.BETTER_AUTH_ISSUER
    return {
        "resource": resource,
        "authorization_servers": [authorization_server] if authorization_server else [],
        "scopes_supported": list(TOOL_SCOPES),
        "bearer_methods_supported": ["header"],
        "resource_name": "CreatorVault",
    }


# --- ASGI plumbing --------------------------------------------------------------------------------


async def _send_json(
    send: Send, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None
) -> None:
    payload = b"" if body is None else json.dumps(body).encode()
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if body is not None:
        raw.append((b"content-type", b"application/json"))
    raw.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


async def _send_error(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    await _send_json(send, status, error_body(code, message), headers)


Handler = Callable[[Scope, Receive, Send, Headers], Awaitable[None]]


class Endpoint:
    """An ASGI endpoint with the API's request id, log line, CORS and Host/Origin checks."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        """Answer one request whose Host and Origin are allowed."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        request_id = request_id_from_header(headers.get("x-request-id"))
        request_token, user_token = request_id_var.set(request_id), user_id_var.set(None)
        started = time.perf_counter()
        origin = headers.get("origin")
        cors = origin is not None and origin in settings.CORS_ALLOWED_ORIGINS
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [(b"x-request-id", request_id.encode())]
                if cors and origin is not None:
                    extra += [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-expose-headers", CORS_EXPOSE_HEADERS.encode()),
                        (b"vary", b"Origin"),
                    ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            if not host_allowed(headers.get("host")):
                await _send_error(
                    send_with_headers,
                    400,
                    "VALIDATION_ERROR",
                    "The Host header names no host this server serves.",
                )
            elif origin is not None and not origin_allowed(origin):
                await _send_error(
                    send_with_headers, 403, "FORBIDDEN", "Requests from this Origin are not allowed."
                )
            elif scope["method"] == "OPTIONS" and origin is not None:
                await self._preflight(send_with_headers, cors)
            else:
                await self.handle(scope, receive, send_with_headers, headers)
        finally:
            self._log(scope, status, started)
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)

    @staticmethod
    async def _preflight(send: Send, cors: bool) -> None:
        if not cors:
            await _send_error(
                send, 403, "FORBIDDEN", "Cross-origin requests from this Origin are not allowed."
            )
            return
        await _send_json(
            send,
            204,
            None,
            {
                "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": "600",
            },
        )

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        user_id = user_id_var.get()
        logger.log(
            level,
            f"{scope['method']} {scope['path']} {status}",
            extra={
                "user_id": user_id,
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )


class MetadataEndpoint(Endpoint):
    """`GET /.well-known/oauth-protected-resource[/mcp]`: RFC 9728 metadata, public, cacheable."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        """The document, for GET and HEAD; 405 otherwise."""
        if scope["method"] not in ("GET", "HEAD"):
            await _send_error(
                send,
                405,
                "METHOD_NOT_ALLOWED",
                f"Method {scope['method']} is not allowed here.",
                {"Allow": "GET, HEAD"},
            )
            return
        document = resource_metadata(resource_url(scope, headers))
        body = json.dumps(document).encode()
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"public, max-age=300"),
            (b"access-control-allow-origin", b"*"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _authenticate(authorization: str | None, client_ip: str, metadata: str) -> Any:
    # Like Django's handlers: connections past their age are closed before a request's work...
    signals.request_started.send(sender=McpEndpoint)
    return authenticate_mcp_request(
        authorization=authorization, client_ip=client_ip, resource_metadata_url=metadata
    )


def _finished() -> None:
    # ...and handed back (to the pool) after it, in the thread that used them.
    signals.request_finished.send(sender=McpEndpoint)


class McpEndpoint(Endpoint):
    """`/mcp`: authenticate, count, then hand the request to the SDK's stateless transport."""

    def __init__(self) -> None:
        self.manager: StreamableHTTPSessionManager | None = None

    async def handle(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        """Serve one MCP request for an authenticated caller."""
        metadata = metadata_url(resource_url(scope, headers))
        client = scope.get("client") or ("", 0)
        try:
            access = await sync_to_async(_authenticate, thread_sensitive=True)(
                headers.get("authorization"), str(client[0] or ""), metadata
            )
            user_id_var.set(str(access.owner.pk))
            if self.manager is None:
                raise RuntimeError(
                    "The MCP session manager is not running: serve config.asgi with lifespan on."
                )
            await self.manager.handle_request({**scope, ACCESS_SCOPE_KEY: access}, receive, send)
        except Refusal as refusal:
            await _send_error(send, refusal.status, refusal.code, refusal.message, refusal.headers)
        except Exception as exc:
            if is_database_outage(exc):
                error_logger.error("database unavailable", exc_info=exc)
                await _send_error(
                    send, 503, "DATABASE_ERROR", "The database is unavailable. Try again shortly."
                )
            else:
                error_logger.error("unhandled exception", exc_info=exc)
                await _send_error(send, 500, "INTERNAL_ERROR", internal_error_message())
        finally:
            await sync_to_async(_finished, thread_sensitive=True)()


def build_app() -> Starlette:
    """The ASGI app of `/mcp` and the metadata paths; its lifespan runs the SDK's session manager."""
    server = build_server()
    endpoint, metadata = McpEndpoint(), MetadataEndpoint()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A session manager runs once: each lifespan (each server start, each test) gets its own.
        manager = StreamableHTTPSessionManager(
            app=server,
            json_response=True,
            stateless=True,
            # Host and Origin are checked in front (Endpoint), with Django's host rules.
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
            max_request_body_size=settings.API_MAX_BODY_BYTES,
        )
        endpoint.manager = manager
        try:
            async with manager.run():
                yield
        finally:
            endpoint.manager = None

    routes = [
        Route(MCP_PATH, endpoint),
        Route(MCP_PATH + "/", endpoint),
        Route(METADATA_PATH, metadata),
        Route(METADATA_PATH + MCP_PATH, metadata),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
