"""End to end over a real socket: a uvicorn server running `config.asgi:application`, driven by
the official Python SDK client (both protocol eras) and the official TypeScript SDK client (Node).

The server is a subprocess with production settings (`DEBUG=False`), trusting the tests' signing
key. On PostgreSQL it uses the test database (these tests are transactional, so what the server
wrote is flushed afterwards); on SQLite it migrates its own database file. Data and personal
access tokens are made through the server's own API, and the ledger is read back through it, so
nothing here reaches around it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from accounts.tests.tokens import TEST_AUDIENCE, TEST_ISSUER, TEST_SIGNING_KEY, better_auth_claims, sign
from assistant.tests.helpers import MCP_POST_HEADERS, jsonrpc, structured, tool_error

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NODE_DIR = Path(__file__).parent / "node"
#: The per-user limit of the test server: the Node client's burst goes over it.
RATE_PER_MINUTE = 60
BURST = 75
UVICORN = [
    sys.executable,
    "-m",
    "uvicorn",
    "config.asgi:application",
    "--host",
    "127.0.0.1",
    "--no-access-log",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(database_url: str | None, state_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "False",
            "ENVIRONMENT": "e2e",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BETTER_AUTH_URL": TEST_ISSUER,
            "BETTER_AUTH_PUBLIC_KEY": TEST_SIGNING_KEY.public_pem(),
            "BETTER_AUTH_ISSUER": TEST_ISSUER,
            "BETTER_AUTH_AUDIENCE": TEST_AUDIENCE,
            "ENCRYPTION_KEYS": "e2e:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            "RATELIMIT_USER": f"{RATE_PER_MINUTE}/m",
            "RATELIMIT_ANON": "1000/m",
            "STATE_DIR": str(state_dir),
            "LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@dataclass
class LiveServer:
    """A running server: its base URL."""

    url: str

    @property
    def mcp_url(self) -> str:
        """Its MCP endpoint."""
        return f"{self.url}/mcp"


@contextmanager
def live_server(state_dir: Path, **extra_env: str) -> Iterator[LiveServer]:
    """`uvicorn config.asgi:application` on a free port (with `extra_env`), stopped by pid after use."""
    from django.db import connection

    database_url = None
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env = {**_server_env(database_url, state_dir), **extra_env}
    project = Path(settings.BASE_DIR)
    if database_url is None:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=project,
            env=env,
            check=True,
        )
    port = _free_port()
    log = (state_dir / "server.log").open("w")
    server = subprocess.Popen(
        [*UVICORN, "--port", str(port)],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the test server did not start: {(state_dir / 'server.log').read_text()[-2000:]}"
                )
            time.sleep(0.2)
        yield LiveServer(url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def mcp_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[LiveServer]:
    """The live server for this module's MCP clients."""
    with live_server(tmp_path_factory.mktemp("mcp-e2e")) as server:
        yield server


@dataclass
class Creator:
    """A creator known to the live server, with a session token (a Better Auth JWT)."""

    user_id: str
    token: str
    server_url: str

    def personal_token(self, *scopes: str) -> str:
        """A personal access token limited to `scopes`, made through the server's API."""
        response = httpx2.post(
            f"{self.server_url}/api/v1/users/me/tokens",
            json={"name": "MCP client", "scopes": list(scopes)},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["token"])


def _creator(server: LiveServer, name: str) -> Creator:
    """A new creator, provisioned by their first request (as Better Auth sign-ins are)."""
    sub = f"e2e{uuid.uuid4().hex}"
    token = sign(better_auth_claims(sub=sub, id=sub, email=f"{sub}@e2e.example.com", name=name))
    response = httpx2.get(f"{server.url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return Creator(user_id=sub, token=token, server_url=server.url)


def _api(server: LiveServer, creator: Creator, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx2.request(
        method, f"{server.url}/api/v1{path}", headers={"Authorization": f"Bearer {creator.token}"}, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()["data"]


@asynccontextmanager
async def _client(server: LiveServer, token: str, mode: str) -> Any:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
        Client(streamable_http_client(server.mcp_url, http_client=http), mode=mode) as client,
    ):
        yield client


@pytest.mark.parametrize(("mode", "version"), [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
def test_the_python_client_over_a_socket(mcp_server, mode, version):
    owner, outsider = _creator(mcp_server, "Ada"), _creator(mcp_server, "Mallory")
    mine = _api(mcp_server, owner, "POST", "/ideas", json={"title": "Socket idea", "notes": "kept private"})

    async def scenario() -> Any:
        async with _client(mcp_server, owner.token, mode) as client:
            tools = await client.list_tools()
            listed = await client.call_tool("list_ideas", {"limit": 1})
            got = await client.call_tool("get_idea", {"idea_id": mine["id"]})
            added = await client.call_tool("add_idea", {"title": "Added over a socket"})
            bad = await client.call_tool("list_ideas", {"limit": 500})
            protocol = client.protocol_version
        async with _client(mcp_server, outsider.token, mode) as client:
            theirs = await client.call_tool("get_idea", {"idea_id": mine["id"]})
        async with _client(mcp_server, owner.personal_token("ideas:read"), mode) as client:
            read_only = [tool.name for tool in (await client.list_tools()).tools]
        return protocol, tools, listed, got, added, bad, theirs, read_only

    protocol, tools, listed, got, added, bad, theirs, read_only = async_to_sync(scenario)()
    assert protocol == version
    assert len(tools.tools) == 9
    assert structured(listed)["total"] == 1 and structured(listed)["ideas"][0]["title"] == "Socket idea"
    assert structured(got)["notes"] is None and structured(got)["notes_withheld"]
    assert structured(added)["idea"]["title"] == "Added over a socket"
    assert tool_error(bad)["arguments"][0]["argument"] == "limit"
    assert tool_error(theirs)["code"] == "not_found"
    assert read_only == ["list_ideas", "search_ideas", "get_idea", "list_tags"]
    ledger = _api(mcp_server, owner, "GET", "/users/me/ai-activity")["activity"]
    assert [(row["tool"], row["outcome"]) for row in reversed(ledger)] == [
        ("list_ideas", "ok"),
        ("get_idea", "ok"),
        ("add_idea", "ok"),
        ("list_ideas", "error"),
    ]
    assert (
        _api(mcp_server, outsider, "GET", "/users/me/ai-activity")["activity"][0]["error_code"] == "not_found"
    )


def test_refusals_over_a_socket(mcp_server):
    owner = _creator(mcp_server, "Ada")
    url = mcp_server.mcp_url
    body = jsonrpc("tools/list")
    no_token = httpx2.post(url, json=body, headers=MCP_POST_HEADERS)
    assert no_token.status_code == 401
    metadata_url = f"{mcp_server.url}/.well-known/oauth-protected-resource/mcp"
    assert no_token.headers["WWW-Authenticate"] == f'Bearer resource_metadata="{metadata_url}"'
    document = httpx2.get(metadata_url).json()
    assert document["resource"] == url and document["authorization_servers"] == [TEST_ISSUER]
    assert httpx2.get(f"{mcp_server.url}/.well-known/oauth-protected-resource").json() == document
    auth = {**MCP_POST_HEADERS, "Authorization": f"Bearer {owner.token}"}
    assert httpx2.post(url, json=body, headers=auth).status_code == 200
    rebound = httpx2.post(url, json=body, headers={**auth, "Host": "attacker.example"})
    assert rebound.status_code == 400
    foreign = httpx2.post(url, json=body, headers={**auth, "Origin": "http://attacker.example"})
    assert foreign.status_code == 403


@pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not installed: the TypeScript SDK client needs Node 18+"
)
def test_the_typescript_client_over_a_socket(mcp_server):
    if not (NODE_DIR / "node_modules" / "@modelcontextprotocol" / "sdk").is_dir():
        pytest.fail(
            f"The TypeScript SDK is not installed: run `npm ci --prefix {NODE_DIR}` (make test does)."
        )
    owner, outsider, burst = (_creator(mcp_server, name) for name in ("Ada", "Mallory", "Burst"))
    config = {
        "url": mcp_server.mcp_url,
        "tokens": {
            "owner": owner.token,
            "outsider": outsider.token,
            "readOnly": owner.personal_token("ideas:read"),
            "burst": burst.token,
        },
        "burst": BURST,
    }
    # The limit counts in fixed one-minute windows: a burst that straddles a window's end gets up
    # to twice the limit through. The script runs for seconds before its burst: start it early in
    # a window.
    if time.time() % 60 > 30:
        time.sleep(60.5 - time.time() % 60)
    completed = subprocess.run(
        ["node", "mcp_e2e.mjs"],
        cwd=NODE_DIR,
        env={**os.environ, "MCP_E2E": json.dumps(config)},
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = json.loads(completed.stdout.strip().splitlines()[-1])

    # initialize: the handshake era, stateless (no session id).
    assert out["initialize"]["protocolVersion"] == "2025-11-25"
    assert out["initialize"]["sessionId"] is None
    assert out["initialize"]["server"]["name"] == "creatorvault"
    assert set(out["initialize"]["capabilities"]) >= {"tools", "prompts"}
    # tools/list: names, annotations, schemas.
    tools = {tool["name"]: tool for tool in out["tools"]}
    assert len(tools) == 9
    assert tools["delete_idea"]["annotations"] == {
        "readOnlyHint": False,
        "destructiveHint": True,
        "idempotentHint": True,
        "openWorldHint": False,
    }
    assert all(tool["annotations"]["openWorldHint"] is False for tool in tools.values())
    assert tools["list_ideas"]["inputSchema"]["properties"]["limit"]["maximum"] == 50
    assert all("outputSchema" in tool for tool in tools.values())
    # Every tool's happy path (the SDK checked each structuredContent against its output schema).
    for step in (
        "page1",
        "page2",
        "search",
        "get",
        "getNotes",
        "update",
        "stage",
        "deleted",
        "restored",
        "tags",
    ):
        assert out[step]["isError"] is False, (step, out[step])
    assert [r["structuredContent"]["idea"]["title"] for r in out["added"]] == [
        "Node one",
        "Node two",
        "Node three",
    ]
    page1, page2 = out["page1"]["structuredContent"], out["page2"]["structuredContent"]
    assert [i["title"] for i in page1["ideas"] + page2["ideas"]] == ["Node three", "Node two", "Node one"]
    assert page1["has_more"] is True and page2["has_more"] is False and page1["total"] == 3
    assert out["search"]["structuredContent"]["ideas"][0]["matched_in"] == ["title", "notes"]
    assert out["get"]["structuredContent"]["notes"] is None
    assert out["getNotes"]["structuredContent"]["notes"] == "private notes of Node one"
    assert out["update"]["structuredContent"]["changed"] == ["title"]
    assert out["stale"]["isError"] is True and "version 2" in out["stale"]["content"][0]["text"]
    assert out["stage"]["structuredContent"]["idea"]["stage"] == "draft"
    assert out["tags"]["structuredContent"]["tags"] == [{"tag": "node", "count": 3}]
    # Bad input: tool errors naming the argument.
    assert out["badLimit"]["isError"] is True and "`limit`" in out["badLimit"]["content"][0]["text"]
    assert out["badId"]["isError"] is True and "`idea_id`" in out["badId"]["content"][0]["text"]
    assert "Unknown tool: no_such_tool" in out["unknownTool"]
    assert [p["name"] for p in out["prompts"]] == ["expand_idea"]
    assert "Node one, edited" in out["prompt"]["messages"][0]["content"]["text"]
    # Another creator: not found, exactly like a missing idea.
    assert (
        out["outsiderGet"]["isError"] and out["outsiderGet"]["content"] == out["outsiderMissing"]["content"]
    )
    assert out["outsiderList"]["structuredContent"]["total"] == 0
    # Read-only token without notes:read.
    assert out["readOnlyTools"] == ["list_ideas", "search_ideas", "get_idea", "list_tags"]
    assert out["readOnlyAdd"]["isError"] and "ideas:write" in out["readOnlyAdd"]["content"][0]["text"]
    assert out["readOnlyNotes"]["structuredContent"]["notes"] is None
    assert "notes:read" in out["readOnlyNotes"]["structuredContent"]["notes_withheld"]
    # 401 and the resource metadata.
    assert "AUTH_ERROR" in out["noToken"]
    assert out["raw401"]["status"] == 401 and "resource_metadata=" in out["raw401"]["wwwAuthenticate"]
    assert out["metadata"]["authorization_servers"] == [TEST_ISSUER]
    # 429 under load, with Retry-After.
    refused = [result for result in out["burst"] if result != "ok"]
    assert refused and all("RATE_LIMIT_EXCEEDED" in result for result in refused), set(out["burst"])
    assert out["burst"].count("ok") <= RATE_PER_MINUTE
    assert out["limited"]["status"] == 429 and int(out["limited"]["retryAfter"]) >= 1

    # The ledger row of each call, through the API.
    ledger = _api(mcp_server, owner, "GET", "/users/me/ai-activity", params={"limit": 100})["activity"]
    calls = [(row["tool"], row["outcome"]) for row in reversed(ledger)]
    assert calls == [
        ("add_idea", "ok"),
        ("add_idea", "ok"),
        ("add_idea", "ok"),
        ("list_ideas", "ok"),
        ("list_ideas", "ok"),
        ("search_ideas", "ok"),
        ("get_idea", "ok"),
        ("get_idea", "ok"),
        ("update_idea", "ok"),
        ("update_idea", "error"),
        ("change_stage", "ok"),
        ("delete_idea", "ok"),
        ("restore_idea", "ok"),
        ("list_tags", "ok"),
        ("list_ideas", "error"),
        ("get_idea", "error"),
        ("expand_idea", "ok"),
        ("add_idea", "error"),
        ("get_idea", "ok"),
    ]
    assert {row["client_name"] for row in ledger} == {"node"}
    assert [row["credential"] for row in ledger[:2]] == ["personal_token", "personal_token"]
