"""The chat end to end over real sockets: uvicorn serving `config.asgi`, a stub OpenAI-compatible
Chat Completions server on loopback (streaming text and tool calls), and the AI SDK's own client
code (`ai`'s DefaultChatTransport and readUIMessageStream, run with Node) reading the stream.
Also: the provider down, timing out or sending garbage, a client that goes away mid-answer, and
the tool approval flow as useChat runs it (the `ai` package's AbstractChat) across two server
processes sharing only the database.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest

from assistant.tests.test_mcp_e2e import LiveServer, _api, _creator, live_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
NODE_DIR = Path(__file__).parent / "node"


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


USAGE = (
    b'data: {"id":"chatcmpl-stub","object":"chat.completion.chunk","created":0,"model":"stub",'
    b'"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}\n\n'
)


class StubProvider(BaseHTTPRequestHandler):
    """`POST /v1/chat/completions`, streaming; what it does depends on the creator's last words."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        messages = request["messages"]
        last_user = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        if isinstance(last_user, list):
            last_user = "".join(p.get("text", "") for p in last_user)
        answered_tool = messages[-1]["role"] == "tool"
        trash = re.search(r"trash idea ([0-9a-f-]{36})", last_user)
        if "garbage" in last_user:
            self._start()
            self.wfile.write(b"data: {this is not json\n\n")
            return
        if "hang" in last_user:
            time.sleep(6)
            return
        self._start()
        if trash and not answered_tool:
            call = {
                "index": 0,
                "id": "call_trash",
                "type": "function",
                "function": {"name": "delete_idea", "arguments": json.dumps({"idea_id": trash[1]})},
            }
            self.wfile.write(_chunk({"role": "assistant", "tool_calls": [call]}))
            self.wfile.write(_chunk({}, "tool_calls"))
        elif trash and "declined" in str(messages[-1].get("content")):
            self.wfile.write(_chunk({"role": "assistant", "content": "Kept it."}))
            self.wfile.write(_chunk({}, "stop"))
        elif "add" in last_user and not answered_tool:
            call = {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "add_idea", "arguments": ""},
            }
            self.wfile.write(_chunk({"role": "assistant", "tool_calls": [call]}))
            for piece in ('{"title": ', '"Stub knife skills"}'):
                self.wfile.write(_chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            self.wfile.write(_chunk({}, "tool_calls"))
        else:
            words = ["Done", " and", " dusted."] if "slow" not in last_user else [f"w{i} " for i in range(40)]
            self.wfile.write(_chunk({"role": "assistant", "content": ""}))
            for word in words:
                self.wfile.write(_chunk({"content": word}))
                self.wfile.flush()
                if "slow" in last_user:
                    time.sleep(0.25)
            self.wfile.write(_chunk({}, "stop"))
        self.wfile.write(USAGE)
        self.wfile.write(b"data: [DONE]\n\n")

    def _start(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def chat_server(django_db_setup, django_db_blocker, tmp_path_factory, provider_url) -> Iterator[LiveServer]:
    """The live server, its provider the stub (2 s timeout, keep-alives every second)."""
    with live_server(
        tmp_path_factory.mktemp("chat-e2e"),
        AI_BASE_URL=provider_url,
        AI_MODEL="stub",
        AI_TIMEOUT_SECONDS="2",
        CHAT_KEEPALIVE_SECONDS="1",
    ) as server:
        yield server


@pytest.fixture(scope="module")
def two_workers(
    django_db_setup, django_db_blocker, tmp_path_factory, provider_url
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two server processes sharing only the database (and the key ring): two workers."""
    state = tmp_path_factory.mktemp("chat-workers")
    shared = {
        "AI_BASE_URL": provider_url,
        "AI_MODEL": "stub",
        "AI_TIMEOUT_SECONDS": "2",
        "ENCRYPTION_KEYS": "e2e:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    with live_server(state, **shared) as one, live_server(state, **shared) as two:
        yield one, two


def _node(script: str, env: dict[str, str]) -> dict[str, Any]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "ai").is_dir():
        pytest.fail(
            f"Node and the `ai` package are needed: run `npm ci --prefix {NODE_DIR}` (make test does)."
        )
    done = subprocess.run(
        ["node", script],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _node_turn(server: LiveServer, token: str, chat_id: str, text: str) -> dict[str, Any]:
    env = {"CHAT_URL": f"{server.url}/api/v1/chat", "CHAT_TOKEN": token, "CHAT_ID": chat_id}
    return _node("chat_e2e.mjs", {**os.environ, **env, "CHAT_TEXT": text})


def _messages(server: LiveServer, creator: Any, chat_id: str) -> list[dict[str, Any]]:
    return list(_api(server, creator, "GET", f"/conversations/{chat_id}/messages")["messages"])


def test_the_ai_sdk_reads_a_turn_that_adds_an_idea(chat_server):
    creator = _creator(chat_server, "Ada")
    out = _node_turn(chat_server, creator.token, "e2e-tool", "Please add an idea about knife skills")
    assert out["error"] is None
    message = out["message"]
    assert message["role"] == "assistant"
    tool = next(p for p in message["parts"] if p["type"] == "tool-add_idea")
    assert tool["state"] == "output-available"
    assert tool["input"] == {"title": "Stub knife skills"}
    text = "".join(p["text"] for p in message["parts"] if p["type"] == "text")
    assert text == "Done and dusted."
    ideas = _api(chat_server, creator, "GET", "/ideas")["ideas"]
    assert [i["title"] for i in ideas] == ["Stub knife skills"]
    ledger = _api(chat_server, creator, "GET", "/users/me/ai-activity")["activity"]
    assert [(r["tool"], r["surface"], r["outcome"]) for r in ledger] == [("add_idea", "chat", "ok")]
    stored = _messages(chat_server, creator, "e2e-tool")
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["metadata"]["status"] == "complete"
    assert stored[1]["metadata"]["tokens_in"] > 0


@pytest.mark.parametrize("words", ["send garbage", "hang please"])
def test_provider_garbage_or_timeout_ends_with_an_error(chat_server, words):
    creator = _creator(chat_server, "Ada")
    out = _node_turn(chat_server, creator.token, "e2e-bad", words)
    assert out["error"]
    stored = _messages(chat_server, creator, "e2e-bad")
    assert stored[-1]["metadata"]["status"] == "failed"


def test_the_stream_headers_over_the_socket(chat_server):
    creator = _creator(chat_server, "Ada")
    response = httpx2.post(
        f"{chat_server.url}/api/v1/chat",
        json={
            "id": "e2e-ok",
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "hi"}]}],
        },
        headers={"Authorization": f"Bearer {creator.token}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert response.headers["cache-control"] == "no-cache"
    assert response.text.rstrip().endswith("data: [DONE]")


def test_a_client_that_goes_away_keeps_the_partial_answer(chat_server):
    creator = _creator(chat_server, "Ada")
    body = {
        "id": "e2e-slow",
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "slow please"}]}],
    }
    with httpx2.stream(
        "POST",
        f"{chat_server.url}/api/v1/chat",
        json=body,
        headers={"Authorization": f"Bearer {creator.token}"},
        timeout=30,
    ) as response:
        seen = b""
        for chunk in response.iter_bytes():
            seen += chunk
            if seen.count(b"text-delta") >= 3:
                break
    deadline = time.monotonic() + 20
    while True:
        stored = _messages(chat_server, creator, "e2e-slow")
        if len(stored) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert stored[-1]["role"] == "assistant"
    assert stored[-1]["metadata"]["status"] == "interrupted"
    text = "".join(p["text"] for p in stored[-1]["parts"] if p["type"] == "text")
    assert text.startswith("w0 w1 w2")
    assert "w39" not in text


@pytest.mark.parametrize("approve", [True, False])
def test_the_ai_sdk_answers_an_approval_on_another_worker(two_workers, approve):
    one, two = two_workers
    creator = _creator(one, "Ada")
    idea = _api(one, creator, "POST", "/ideas", json={"title": "Stub sourdough"})
    chat_id = f"e2e-approval-{approve}"
    env = {
        "CHAT_URL": f"{one.url}/api/v1/chat",
        "CHAT_URL_RESUME": f"{two.url}/api/v1/chat",
        "CHAT_TOKEN": creator.token,
        "CHAT_ID": chat_id,
        "CHAT_TEXT": f"Please trash idea {idea['id']}",
        "APPROVE": "1" if approve else "0",
        "REASON": "" if approve else "keep it",
    }
    out = _node("approval_e2e.mjs", {**os.environ, **env})
    assert out["error"] is None
    paused = next(p for p in out["paused"]["parts"] if p["type"] == "tool-delete_idea")
    assert paused["state"] == "approval-requested"
    assert paused["input"] == {"idea_id": idea["id"]}
    assert paused["approval"]["id"].startswith("approval-")
    # What the AI SDK sent as the answer: the paused message last, its part approval-responded.
    answered = out["answer"]["messages"][-1]
    assert answered["role"] == "assistant"
    part = next(p for p in answered["parts"] if p["type"] == "tool-delete_idea")
    assert part["state"] == "approval-responded"
    assert part["approval"]["approved"] is approve
    assert out["messages"] == 2  # the answer continued the same assistant message
    assert out["requests"] == 2  # and useChat did not send again once it was answered
    final = next(p for p in out["final"]["parts"] if p["type"] == "tool-delete_idea")
    text = "".join(p["text"] for p in out["final"]["parts"] if p["type"] == "text")
    ideas = _api(two, creator, "GET", "/ideas")["ideas"]
    ledger = _api(two, creator, "GET", "/users/me/ai-activity")["activity"]
    if approve:
        assert final["state"] == "output-available"
        assert text == "Done and dusted."
        assert ideas == []
        assert [(r["tool"], r["surface"], r["outcome"]) for r in ledger] == [("delete_idea", "chat", "ok")]
    else:
        assert final["state"] == "output-denied"
        assert text == "Kept it."
        assert [i["title"] for i in ideas] == ["Stub sourdough"]
        assert ledger == []
    stored = _messages(one, creator, chat_id)
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert _api(one, creator, "GET", f"/conversations/{chat_id}")["awaiting_approval"] is False
    replay = httpx2.post(
        f"{two.url}/api/v1/chat",
        json=out["answer"],
        headers={"Authorization": f"Bearer {creator.token}"},
        timeout=30,
    )
    assert replay.status_code == 409
