"""Helpers of the assistant's tests: the official MCP Python client, wired into the application.

`mcp_client(app, token)` is the SDK's `Client` over Streamable HTTP, through httpx2's ASGI
transport into the whole ASGI application (`config.asgi.application`: the router, the MCP app
and Django), so requests take exactly the path a socket would give them.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = "http://127.0.0.1:8000"
MCP_URL = f"{BASE_URL}/mcp"


@asynccontextmanager
async def running_app() -> Any:
    """`config.asgi.application` with its lifespan running (the SDK's session manager)."""
    from config.asgi import application, mcp_application

    async with mcp_application.router.lifespan_context(mcp_application):
        yield application


def http_client(
    app: Any, token: str | None = None, headers: dict[str, str] | None = None
) -> httpx2.AsyncClient:
    """An httpx2 client into `app` (no socket), sending `Authorization: Bearer <token>`."""
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("Authorization", f"Bearer {token}")
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, headers=sent, timeout=30
    )


@asynccontextmanager
async def mcp_client(
    app: Any, token: str, *, mode: str = "legacy", headers: dict[str, str] | None = None
) -> Any:
    """The official MCP client over Streamable HTTP into `app`; `mode` picks the protocol era."""
    async with (
        http_client(app, token, headers) as http,
        Client(streamable_http_client(MCP_URL, http_client=http), mode=mode) as client,
    ):
        yield client


def structured(result: Any) -> dict[str, Any]:
    """A successful tool result's structured content (fails the test on a tool error)."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


def tool_error(result: Any) -> dict[str, Any]:
    """A tool error's payload (`{"code", "message", ...}`; fails the test on success)."""
    assert result.is_error, result.structured_content
    assert result.structured_content is None
    return dict(json.loads(result.content[0].text)["error"])


def jsonrpc(method: str, params: dict[str, Any] | None = None, *, id: int = 1) -> dict[str, Any]:
    """A raw JSON-RPC request body (for tests that look at HTTP itself)."""
    return {"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}}


#: Headers a Streamable HTTP client sends with a POST (handshake era).
MCP_POST_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": "2025-11-25",
}
