"""The production server on a real socket, as a hostile or broken client meets it.

gunicorn with gunicorn.conf.py and its uvicorn worker (creatorvault.serving), one worker, read
timeouts of 2 s: protocol errors answered in the error envelope with the right status, the
request limits gunicorn.conf.py declares enforced, silent, slow and short-bodied connections cut,
the connection cap, and JSON bodies sent with `Transfer-Encoding: chunked` read (not dropped).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.tests.tokens import TEST_ISSUER, TEST_SIGNING_KEY, better_auth_claims, sign
from creatorvault.tests.servers import ROOT, Gunicorn, base_env, migrate, serving

pytestmark = pytest.mark.slow

READ_TIMEOUT = 2  # GUNICORN_HEADER_TIMEOUT and GUNICORN_BODY_TIMEOUT of the server under test
CONNECTIONS = 40  # GUNICORN_WORKER_CONNECTIONS
WAIT = 20.0  # how long a test waits for an answer the server owes (a bound, never asserted)
MAX_BODY = 262_144


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    state = tmp_path_factory.mktemp("state")
    env = base_env(
        state,
        GUNICORN_HEADER_TIMEOUT=str(READ_TIMEOUT),
        GUNICORN_BODY_TIMEOUT=str(READ_TIMEOUT),
        GUNICORN_WORKER_CONNECTIONS=str(CONNECTIONS),
        API_MAX_BODY_BYTES=str(MAX_BODY),
        BETTER_AUTH_URL=TEST_ISSUER,
        BETTER_AUTH_PUBLIC_KEY=TEST_SIGNING_KEY.public_pem(),
        RATELIMIT_ENABLE="False",
    )
    migrate(env)
    with serving(env, tmp_path_factory.mktemp("out"), workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def token() -> str:
    return sign(better_auth_claims())


def connect(server: Gunicorn) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    return connection


def read_answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or WAIT passes)."""
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
    except TimeoutError:
        answer += b"<still open>"
    except ConnectionResetError:
        answer += b"<reset>"
    return answer


def exchange(server: Gunicorn, raw: bytes) -> bytes:
    with connect(server) as connection:
        connection.sendall(raw)
        return read_answer(connection)


def parse(answer: bytes) -> tuple[int, dict[str, str], Any]:
    """Status, headers (lower-case names) and JSON body of one complete answer."""
    assert b"\r\n\r\n" in answer, answer[:300]
    head, body = answer.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    if headers.get("transfer-encoding") == "chunked":
        size, _, rest = body.partition(b"\r\n")
        body = rest[: int(size, 16)]
    return int(status_line.split(" ")[1]), headers, json.loads(body)


def assert_refused(answer: bytes, status: int, code: str) -> dict[str, Any]:
    assert not answer.endswith(b"<still open>"), answer[:300]
    got, headers, body = parse(answer)
    assert got == status, body
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["meta"]["request_id"] == headers["x-request-id"]
    return body


def request(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", *headers, "", ""]
    return "\r\n".join(lines).encode() + body


HOST = "Host: 127.0.0.1"
CLOSE = "Connection: close"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(request("GET", "/health", HOST, "Content-Length: abc"), 400, id="bad-content-length"),
        pytest.param(
            request("POST", "/health", HOST, "Content-Length: 2", "Content-Length: 3"), 400, id="two-lengths"
        ),
        pytest.param(
            request(
                "POST", "/health", HOST, "Content-Length: 5", "Transfer-Encoding: chunked", body=b"0\r\n\r\n"
            ),
            400,
            id="length-and-chunked",
        ),
        pytest.param(
            request("POST", "/health", HOST, "Transfer-Encoding: chunked", body=b"zz\r\n"),
            400,
            id="bad-chunk",
        ),
        pytest.param(request("GET", "/health", HOST, "Host: evil.example"), 400, id="two-hosts"),
        pytest.param(request("GET", "/health", CLOSE), 400, id="no-host"),
        pytest.param(b"GARBAGE\r\n\r\n", 400, id="not-http"),
        pytest.param(request("GET", "/health?q=" + "a" * 8200, HOST), 414, id="request-line-over-8190"),
        pytest.param(
            request("GET", "/health", HOST, *(f"X-H{i}: v" for i in range(100))), 431, id="101-headers"
        ),
        pytest.param(request("GET", "/health", HOST, "X-Big: " + "b" * 16384), 431, id="header-over-16384"),
    ],
)
def test_protocol_errors_are_answered_in_the_envelope(server: Gunicorn, raw: bytes, status: int) -> None:
    body = assert_refused(exchange(server, raw), status, "VALIDATION_ERROR")
    assert body["error"]["message"]


def test_requests_at_the_limits_are_served(server: Gunicorn) -> None:
    at_limits = request(
        "GET",
        "/health?q=" + "a" * 8000,
        HOST,
        CLOSE,
        "X-Big: " + "b" * 16000,
        *(f"X-H{i}: v" for i in range(97)),  # with Host, Connection and X-Big: 100 headers
    )
    status, _, body = parse(exchange(server, at_limits))
    assert status == 200
    assert body["success"] is True


def test_a_silent_connection_is_closed(server: Gunicorn) -> None:
    with connect(server) as connection:
        assert read_answer(connection) == b""  # closed, not held open for WAIT


def test_headers_sent_a_byte_at_a_time_are_cut_off_with_408(server: Gunicorn) -> None:
    # Each byte arrives well within any idle timeout: only a deadline for the whole headers ends it.
    raw = request("GET", "/health", HOST, "X-Padding: " + "p" * 200)
    with connect(server) as connection:
        connection.settimeout(0.25)
        answer = b""
        for byte in raw[:-1]:
            connection.sendall(bytes([byte]))
            try:
                answer = connection.recv(65536)
                break
            except TimeoutError:
                continue
        connection.settimeout(WAIT)
        answer += read_answer(connection)
    assert_refused(answer, 408, "VALIDATION_ERROR")


def test_a_body_shorter_than_its_content_length_is_answered_408(server: Gunicorn, token: str) -> None:
    raw = request(
        "POST",
        "/api/v1/ideas",
        HOST,
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        "Content-Length: 100",
        body=b'{"title": ',
    )
    assert_refused(exchange(server, raw), 408, "VALIDATION_ERROR")


def test_a_content_length_over_the_limit_is_refused_without_reading_the_body(
    server: Gunicorn, token: str
) -> None:
    raw = request(
        "POST",
        "/api/v1/ideas",
        HOST,
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        f"Content-Length: {100 * MAX_BODY}",
    )
    # 413 at once (from the header), not 408 after waiting for a body that never comes.
    assert_refused(exchange(server, raw), 413, "PAYLOAD_TOO_LARGE")


def test_connections_over_the_cap_are_refused_with_503(server: Gunicorn) -> None:
    held = [connect(server) for _ in range(CONNECTIONS)]
    try:
        with connect(server) as extra:
            assert_refused(read_answer(extra), 503, "SERVICE_UNAVAILABLE")
    finally:
        for connection in held:
            connection.close()
    time.sleep(0.2)  # let the worker see them go before the next test connects
    status, _, _ = parse(exchange(server, request("GET", "/health", HOST, CLOSE)))
    assert status == 200


def chunked(payload: dict[str, Any], piece: int = 7) -> bytes:
    data = json.dumps(payload).encode()
    chunks = [data[i : i + piece] for i in range(0, len(data), piece)]
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


def test_a_chunked_json_body_is_read_on_post_and_patch(server: Gunicorn, token: str) -> None:
    auth = f"Authorization: Bearer {token}"
    chunked_json = ("Content-Type: application/json", "Transfer-Encoding: chunked")
    created = exchange(
        server,
        request(
            "POST",
            "/api/v1/ideas",
            HOST,
            CLOSE,
            auth,
            *chunked_json,
            body=chunked({"title": "Sent in chunks"}),
        ),
    )
    status, _, body = parse(created)
    assert status == 201, body
    assert body["data"]["title"] == "Sent in chunks"
    idea_id = body["data"]["id"]

    patched = exchange(
        server,
        request(
            "PATCH",
            f"/api/v1/ideas/{idea_id}",
            HOST,
            CLOSE,
            auth,
            *chunked_json,
            body=chunked({"priority": "high"}),
        ),
    )
    status, _, body = parse(patched)
    assert status == 200, body
    assert body["data"]["priority"] == "high"
    assert body["data"]["title"] == "Sent in chunks"

    status, _, body = parse(exchange(server, request("GET", f"/api/v1/ideas/{idea_id}", HOST, CLOSE, auth)))
    assert (status, body["data"]["priority"]) == (200, "high")


def test_a_chunked_body_over_the_limit_is_refused_with_413(server: Gunicorn, token: str) -> None:
    # One byte over the limit, and the end of the body never sent: the server must answer anyway.
    notes = "n" * (MAX_BODY - len(json.dumps({"title": "big", "notes": ""})) + 1)
    body = chunked({"title": "big", "notes": notes}, piece=65536)
    assert body.endswith(b"0\r\n\r\n")
    raw = request(
        "POST",
        "/api/v1/ideas",
        HOST,
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        body=body[: -len(b"0\r\n\r\n")],
    )
    assert_refused(exchange(server, raw), 413, "PAYLOAD_TOO_LARGE")


def _gunicorn_conf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """gunicorn.conf.py as a module (its metrics directory kept out of the test's environment)."""
    import importlib.util

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_worker_freezes_the_loaded_application_for_the_collector(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gc

    conf = _gunicorn_conf(monkeypatch, tmp_path)
    threshold = gc.get_threshold()
    try:
        monkeypatch.setenv("GUNICORN_GC_FREEZE", "0")
        conf.post_worker_init(None)
        assert gc.get_freeze_count() == 0
        monkeypatch.delenv("GUNICORN_GC_FREEZE")
        conf.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000  # the application, its URLconf and their libraries
        assert gc.get_threshold() == threshold  # unchanged unless GUNICORN_GC_GEN0 says otherwise
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


DRAIN = 3.0  # GUNICORN_DRAIN_SECONDS of the restarting server below


def read_one_answer(connection: socket.socket) -> bytes:
    """One answer framed by its Content-Length, leaving the connection open ("" if it closed)."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = connection.recv(65536)
        if not chunk:
            return answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length and (chunk := connection.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_restarting_worker_answers_the_requests_already_on_their_way(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = base_env(
        tmp_path_factory.mktemp("state"),
        GUNICORN_MAX_REQUESTS="3",
        GUNICORN_MAX_REQUESTS_JITTER="0",
        GUNICORN_DRAIN_SECONDS=str(DRAIN),
        RATELIMIT_ENABLE="False",
    )
    migrate(env)
    with serving(env, tmp_path_factory.mktemp("out"), workers=1) as server:
        idle = connect(server)  # a keep-alive connection between two requests
        idle.sendall(request("GET", "/health", HOST))
        assert parse(read_one_answer(idle))[0] == 200
        fresh = connect(server)  # accepted, its request not sent yet
        silent = connect(server)  # accepted, and it will never send anything

        # More requests until the worker reaches its max_requests and begins to stop.
        def stopping() -> bool:
            return any("Shutting down" in line for line in server.log_lines())

        for _ in range(10):
            assert parse(exchange(server, request("GET", "/health", HOST, CLOSE)))[0] == 200
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline and not stopping():
                time.sleep(0.05)
            if stopping():
                break
        else:
            raise AssertionError("the worker never restarted:\n" + "\n".join(server.log_lines()))
        # The stopping worker has these connections: each request they send now is still answered,
        # then the connection closes (uvicorn alone closed both at once, unanswered).
        with idle, fresh, silent:
            for connection in (idle, fresh):
                connection.sendall(request("GET", "/health", HOST))
                status, headers, body = parse(read_one_answer(connection))
                assert (status, body["success"], headers.get("connection")) == (200, True, "close")
                assert read_answer(connection) == b""
            assert read_answer(silent) == b""  # closed once the drain's seconds pass
        assert server.get("/health")[0] == 200  # the next worker serves
