"""Fixtures of the assistant's tests: the official MCP Python client, in-process or over a socket.

`mcp_call(token, scenario)` runs `async scenario(client)` with the SDK's `Client` connected over
Streamable HTTP to the whole ASGI application (`config.asgi.application`: the router, the MCP
app, Django), through httpx2's ASGI transport. It runs under `async_to_sync`, so the tools'
thread-sensitive database work happens on the test's own thread and sees its data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import close_old_connections
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = "http://127.0.0.1:8000"
MCP_URL = f"{BASE_URL}/mcp"


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: requests must not close the test's connection (its transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@asynccontextmanager
async def running_app() -> Any:
    """`config.asgi.application` with its lifespan running (the SDK's session manager)."""
    from config.asgi import application, mcp_application

    async with mcp_application.router.lifespan_context(mcp_application):
        yield application


def http_client(app: Any, token: str | None = None, headers: dict[str, str] | None = None) -> httpx2.AsyncClient:
    """An httpx2 client into `app` (no socket), sending `Authorization: Bearer <token>`."""
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("Authorization", f"Bearer {token}")
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, headers=sent, timeout=30)


@asynccontextmanager
async def mcp_client(app: Any, token: str, *, mode: str = "legacy", headers: dict[str, str] | None = None) -> Any:
    """The official MCP client over Streamable HTTP into `app`; `mode` picks the protocol era."""
    async with http_client(app, token, headers) as http:
        async with Client(streamable_http_client(MCP_URL, http_client=http), mode=mode) as client:
            yield client


Scenario = Callable[[Any], Awaitable[Any]]


@pytest.fixture
def mcp_call(db) -> Callable[..., Any]:
    """`mcp_call(token, scenario, mode="legacy")`: `await scenario(client)` with a connected client."""

    def run(token: str, scenario: Scenario, *, mode: str = "legacy", headers: dict[str, str] | None = None) -> Any:
        async def main() -> Any:
            async with running_app() as app, mcp_client(app, token, mode=mode, headers=headers) as client:
                return await scenario(client)

        return async_to_sync(main)()

    return run


@pytest.fixture
def http_call(db) -> Callable[..., Any]:
    """`http_call(scenario)`: `await scenario(http)` with a raw httpx2 client into the running app."""

    def run(scenario: Callable[[Callable[..., httpx2.AsyncClient]], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            async with running_app() as app:
                return await scenario(lambda token=None, headers=None: http_client(app, token, headers))

        return async_to_sync(main)()

    return run
