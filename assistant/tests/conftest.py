"""Fixtures of the assistant's tests: MCP calls through the official client, personal tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
import pytest
from agents.testing import ScriptedModel
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import close_old_connections

from assistant.chat import agent
from assistant.tests.helpers import http_client, mcp_client, running_app


@contextmanager
def keeping_the_test_connection() -> Iterator[None]:
    """What Django's test client does around a request: its signals must not close the test's
    connection (the transaction the test's data lives in). Per call, since the test client
    reconnects the handlers after each of its own requests.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


Scenario = Callable[[Any], Awaitable[Any]]


@pytest.fixture
def mcp_call(db) -> Callable[..., Any]:
    """`mcp_call(token, scenario, mode="legacy")`: `await scenario(client)` with a connected client.

    It runs under `async_to_sync`, so the tools' thread-sensitive database work happens on the
    test's own thread and sees the test's data.
    """

    def run(
        token: str, scenario: Scenario, *, mode: str = "legacy", headers: dict[str, str] | None = None
    ) -> Any:
        async def main() -> Any:
            async with running_app() as app, mcp_client(app, token, mode=mode, headers=headers) as client:
                return await scenario(client)

        with keeping_the_test_connection():
            return async_to_sync(main)()

    return run


@pytest.fixture
def tool(mcp_call) -> Callable[..., Any]:
    """`tool(token, name, arguments)`: one tools/call through the official client; its result."""

    def call(token: str, name: str, arguments: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        async def scenario(client: Any) -> Any:
            return await client.call_tool(name, arguments or {})

        return mcp_call(token, scenario, **kwargs)

    return call


@pytest.fixture
def http_call(db) -> Callable[..., Any]:
    """`http_call(scenario)`: `await scenario(client_for)`, `client_for(token, headers)` raw httpx2."""

    def run(scenario: Callable[[Callable[..., httpx2.AsyncClient]], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            async with running_app() as app:
                return await scenario(lambda token=None, headers=None: http_client(app, token, headers))

        with keeping_the_test_connection():
            return async_to_sync(main)()

    return run


@pytest.fixture
def scoped_token(issue_token) -> Callable[..., str]:
    """`scoped_token(user, *scopes)`: a real personal access token of `user` limited to `scopes`."""

    def make(user: Any, *scopes: str) -> str:
        return str(issue_token(user, list(scopes), name="MCP client").token_string)

    return make


@pytest.fixture
def provider(settings, monkeypatch) -> Callable[..., ScriptedModel]:
    """`provider(*steps)`: a configured chat provider whose model is the SDK's scripted model
    playing `steps` (each call replaces the model the next turn gets)."""
    settings.AI_BASE_URL = "http://127.0.0.1:8499/v1"
    settings.AI_MODEL = "scripted"

    def script(*steps: Any) -> ScriptedModel:
        model = ScriptedModel(list(steps))
        monkeypatch.setattr(agent, "build_model", lambda: model)
        return model

    return script
