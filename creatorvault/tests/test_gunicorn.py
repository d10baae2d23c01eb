"""The production server as an operator runs it: gunicorn.conf.py, two uvicorn workers, a real socket.

Metrics summed over both workers (and kept across a worker restart), every log line valid JSON
under hostile input, and a misconfigured start that stops the master at once with exit status 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from creatorvault.tests.servers import ROOT, Gunicorn, base_env, migrate, serving, start_gunicorn

pytestmark = pytest.mark.slow

TOKEN = "scrape-token-for-tests"
HEALTH = {"route": "/health", "method": "GET", "status": "200"}


@pytest.fixture(scope="module")
def migrated_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("state")
    migrate(base_env(state))
    return state


@pytest.fixture
def server(migrated_state: Path, tmp_path: Path) -> Iterator[Gunicorn]:
    env = base_env(
        migrated_state,
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        GUNICORN_ACCESS_LOG="-",
    )
    with serving(env, tmp_path / "out") as running:
        yield running


def requests_total(server: Gunicorn, **labels: str) -> float:
    status, body = server.get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "creatorvault_http_requests_total" and sample.labels == labels:
                return float(sample.value)
    return 0.0


def pids_counting(metrics_dir: Path, **labels: str) -> dict[int, float]:
    """Per worker process (from its own metrics file): how many requests with `labels` it counted."""
    counted: dict[int, float] = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.split("_")[-1])
        for key, value, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            name, _sample, sample_labels, _help = json.loads(key)
            if name == "creatorvault_http_requests" and sample_labels == labels and value:
                counted[pid] = counted.get(pid, 0) + value
    return counted


def test_metrics_sum_requests_over_two_workers_and_survive_a_restart(
    server: Gunicorn, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "metrics"
    assert server.get("/metrics")[0] == 401  # no token
    sent = 0
    # New connections, several at once, until both workers have served some (the kernel decides).
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(30):
            statuses = list(pool.map(lambda _: server.get("/health")[0], range(16)))
            sent += len(statuses)
            assert set(statuses) == {200}
            if len(pids_counting(metrics_dir, **HEALTH)) >= 2:
                break
    sent += 1  # the readiness probe of `serving`
    per_worker = pids_counting(metrics_dir, **HEALTH)
    assert len(per_worker) >= 2, per_worker
    assert requests_total(server, **HEALTH) == sent == sum(per_worker.values())

    # A worker restart (gunicorn replaces it) loses nothing: its counts stay in the sum.
    victim = max(per_worker, key=lambda pid: per_worker[pid])
    os.kill(victim, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.kill(victim, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    for _ in range(5):
        assert server.get("/health")[0] == 200
    assert requests_total(server, **HEALTH) == sent + 5


HOSTILE_REQUESTS = [
    b'GET /health HTTP/1.1\r\nHost: x\r\nBad Header "x": 1\r\n\r\n',
    b'GET /a"b\\"}{"level":"CRITICAL" HTTP/1.1\r\nHost: x\r\n\r\n',
    b"GET /api/v1/ideas/%22%7D%0A%7B%22x HTTP/1.1\r\nHost: x\r\n"
    b'X-Request-ID: "}, {"injected": true\r\n'
    b'traceparent: 00-"}{"a":1-00f067aa0ba902b7-01\r\nUser-Agent: \xff\xfe"\\\r\n\r\n',
    b"GET /health?search=secret%20words HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
    b"POST /api/v1/ideas HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b'GET /admin/login/?next="><script> HTTP/1.1\r\nHost: evil.example"\r\n\r\n',
]


def send_raw(server: Gunicorn, payload: bytes) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(payload)
        with contextlib.suppress(OSError):
            connection.recv(65536)


def test_every_log_line_is_json_under_hostile_input(server: Gunicorn) -> None:
    for payload in HOSTILE_REQUESTS:
        send_raw(server, payload)
    assert server.get("/health")[0] == 200
    time.sleep(0.5)  # let the workers flush their last lines
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)

    lines = server.log_lines()
    parsed = []
    for line in lines:
        entry = json.loads(line)  # fails the test on any line that is not JSON
        assert isinstance(entry, dict), line
        parsed.append(entry)
    assert all({"timestamp", "level", "message", "service"} <= entry.keys() for entry in parsed)
    assert all(entry["timestamp"].endswith("Z") and len(entry["timestamp"]) == 24 for entry in parsed)
    assert not any("injected" in entry or entry.get("a") == 1 for entry in parsed)
    assert not any("secret" in line for line in lines)  # query strings never reach the log
    loggers = {entry["logger"] for entry in parsed}
    assert {"gunicorn.error", "uvicorn.error", "uvicorn.access", "creatorvault.request"} <= loggers
    traced = [e for e in parsed if e.get("trace_id") == "4bf92f3577b34da6a3ce929d0e0e4736"]
    assert [e["status"] for e in traced if e["logger"] == "creatorvault.request"] == [200]
    access = [e for e in parsed if e["logger"] == "uvicorn.access"]
    assert all(isinstance(e["status"], int) and e["path"].startswith("/") for e in access)


def test_a_misconfigured_production_start_exits_non_zero_with_one_json_line(tmp_path: Path) -> None:
    env = base_env(tmp_path / "state", DEBUG="false", SECRET_KEY="short", GUNICORN_BIND="127.0.0.1:0")
    process, stdout, stderr = start_gunicorn(env, tmp_path / "out")
    try:
        returncode = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert returncode == 1
    lines = [line for p in (stdout, stderr) for line in p.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    refusals = [e for e in entries if e["level"] == "CRITICAL"]
    assert len(refusals) == 1
    assert refusals[0]["message"].startswith("CreatorVault refuses to start: ")
    assert any("SECRET_KEY" in problem for problem in refusals[0]["problems"])
    assert any("ENCRYPTION_KEYS" in problem for problem in refusals[0]["problems"])
    assert not any("Booting worker" in e["message"] for e in entries)  # refused before any fork


def test_a_missing_database_is_named_at_start_up_and_in_commands(tmp_path: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    missing = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/creatorvault_no_such_database"
    env = {**base_env(tmp_path / "state"), "DATABASE_URL": missing}
    migrate_run = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert migrate_run.returncode != 0
    # The error the command ends on (the pool's reconnect thread may still log after it).
    last_line = [line for line in migrate_run.stderr.strip().splitlines() if b'"psycopg.pool"' not in line][
        -1
    ]
    assert b'database "creatorvault_no_such_database" does not exist' in last_line

    process, stdout, stderr = start_gunicorn({**env, "GUNICORN_BIND": "127.0.0.1:0"}, tmp_path / "out")
    assert process.wait(timeout=60) == 1
    entries = [json.loads(line) for p in (stdout, stderr) for line in p.read_text().splitlines() if line]
    refusal = next(e for e in entries if e["level"] == "CRITICAL")
    assert 'database "creatorvault_no_such_database" does not exist' in refusal["message"]
