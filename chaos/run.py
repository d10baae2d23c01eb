"""Chaos suite: the database stopped and restarted under a writer and a reader (`make chaos`).

Starts its own PostgreSQL cluster (initdb, port 55432, in a temporary directory) and Redis (port
56379), serves the app with the production command (`gunicorn --config gunicorn.conf.py
config.asgi:application`, DEBUG off, a real Ed25519 key pinned as Better Auth's), and then, while
one writer creates ideas and one reader lists them, stops PostgreSQL for OUTAGE seconds and
starts it again. Prints: answers by status, max latency while the database is down, the time
from its return to the first success, and acknowledged writes lost (must be 0).

Not part of `make test`: it needs PostgreSQL's server binaries and redis-server, and a minute.
"""

from __future__ import annotations

import base64
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = int(os.environ.get("CHAOS_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", "56379"))
APP_PORT = int(os.environ.get("CHAOS_APP_PORT", "8801"))
OUTAGE = float(os.environ.get("CHAOS_OUTAGE_SECONDS", "20"))
ISSUER = "https://auth.chaos.test"
BASE = f"http://127.0.0.1:{APP_PORT}"


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"{name} not found: the chaos suite needs PostgreSQL's server binaries")


def _as_pg_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Stand:
    """PostgreSQL, Redis and the app, each a child process of this script."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pgdata = tmp / "pg"
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.redis: subprocess.Popen[bytes] | None = None
        self.app: subprocess.Popen[bytes] | None = None

    def pg(self, action: str) -> None:
        options = f"-p {PG_PORT} -k {self.tmp} -c listen_addresses=127.0.0.1"
        subprocess.run(
            _as_pg_user(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-o",
                    options,
                    "-l",
                    str(self.tmp / "pg.log"),
                    "-w",
                    "-m",
                    "immediate",
                    action,
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
        subprocess.run(
            _as_pg_user([_pg_bin("initdb"), "-D", str(self.pgdata), "-U", "postgres", "--auth=trust"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg("start")
        subprocess.run(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "chaos"],
            check=True,
        )
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        env = self.env()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.app = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=open(self.tmp / "app.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{BASE}/health", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"the app did not start; see {self.tmp / 'app.log'}")

    def env(self) -> dict[str, str]:
        pem = (
            self.key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        return {
            **os.environ,
            "DEBUG": "False",
            "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/chaos",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "BETTER_AUTH_URL": ISSUER,
            "BETTER_AUTH_PUBLIC_KEY": pem,
            "ENCRYPTION_KEYS": "chaos:" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
            "WEB_CONCURRENCY": "2",
            "SECURE_SSL_REDIRECT": "False",
            "RATELIMIT_ENABLE": "False",
        }

    def token(self) -> str:
        now = int(time.time())
        claims = {
            "iat": now,
            "exp": now + 900,
            "iss": ISSUER,
            "aud": ISSUER,
            "sub": "chaosUser000000000000000000000001",
            "email": "chaos@example.com",
            "name": "Chaos",
        }
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": "chaos"})

    def stop(self) -> None:
        for process in (self.app, self.redis):
            if process is not None:
                process.terminate()
                process.wait(10)
        if self.pgdata.exists():
            subprocess.run(
                _as_pg_user([_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


def call(method: str, path: str, token: str, body: object | None = None) -> tuple[int, float, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        BASE + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Host": "127.0.0.1"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, payload = response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        status, payload = error.code, None
    except OSError:
        status, payload = 0, None
    return status, time.monotonic() - started, payload


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="creatorvault-chaos-"))
    stand = Stand(tmp)
    try:
        stand.start()
        token = stand.token()
        events: list[tuple[float, str, int, float]] = []
        acked: list[str] = []
        stop = threading.Event()

        def writer() -> None:
            while not stop.is_set():
                title = f"chaos {uuid.uuid4().hex}"
                status, latency, payload = call("POST", "/api/v1/ideas", token, {"title": title})
                events.append((time.monotonic(), "write", status, latency))
                if status == 201 and isinstance(payload, dict):
                    acked.append(payload["data"]["id"])

        def reader() -> None:
            while not stop.is_set():
                status, latency, _ = call("GET", "/api/v1/ideas?limit=5", token)
                events.append((time.monotonic(), "read", status, latency))

        threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
        for thread in threads:
            thread.start()
        time.sleep(5)
        down_at = time.monotonic()
        stand.pg("stop")
        time.sleep(OUTAGE)
        stand.pg("start")
        up_at = time.monotonic()
        time.sleep(15)
        stop.set()
        for thread in threads:
            thread.join()

        by_status = collections.Counter(status for _, _, status, _ in events)
        during = [e for e in events if down_at + 1 <= e[0] - e[3] and e[0] <= up_at]
        max_down_latency = max((latency for *_, latency in during), default=0.0)
        first_ok = min((t for t, _, status, _ in events if t >= up_at and status in (200, 201)), default=None)
        lost = 0
        for idea_id in acked:
            status, _, _ = call("GET", f"/api/v1/ideas/{idea_id}", token)
            lost += status != 200
        print(f"database outage of {OUTAGE:g} s under one writer and one reader")
        print("  answers by status:", dict(sorted(by_status.items())))
        print(f"  max latency while the database was down: {max_down_latency:.2f} s (goal < 3 s)")
        recovery = f"{first_ok - up_at:.2f} s" if first_ok else "never"
        print(f"  first success after the database returned: {recovery} (goal < 5 s)")
        print(f"  acknowledged writes: {len(acked)}, lost: {lost} (must be 0)")
        if lost or max_down_latency >= 3 or first_ok is None or first_ok - up_at >= 5:
            raise SystemExit(1)
    finally:
        stand.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
