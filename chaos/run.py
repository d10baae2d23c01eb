"""Chaos suite (`make chaos`): outages injected under load against the production command.

Starts its own PostgreSQL cluster (initdb, port 55432, in a temporary directory), Redis (56379) and
a Better Auth stand-in (chaos/issuer.py: an Ed25519 key whose JWKS is served on 127.0.0.1:8802),
serves the app with the production command (`gunicorn --config gunicorn.conf.py
config.asgi:application`, uvicorn workers, DEBUG off, rate limiting on), then runs the scenarios
under a writer loop (creates ideas) and a reader loop (lists them):

  db            PostgreSQL stopped for CHAOS_OUTAGE_SECONDS, then started again
  redis-down    Redis stopped, then started again (empty)
  redis-frozen  Redis SIGSTOPped (connections hang), then SIGCONTed
  jwks-down     the issuer's socket closed: first with every worker warm, then with cold workers
                (key set dropped from Redis, workers replaced), then reopened
  jwks-hang     the same with an issuer that accepts requests and never answers
  kid-flood     tokens naming random `kid`s, with an old and then a fresh `iat`, beside valid ones
  slow          slow and idle clients (chaos/slow_clients.py, when present)

Each prints its figures (answers by status, max latency, recovery time, acknowledged writes lost)
and checks its goals; the exit status is 1 when any goal is missed. `--only db,redis` runs some
(a prefix selects a group: `redis` is redis-down and redis-frozen); `--list` names them.

Not part of `make test`: it needs PostgreSQL's server binaries and redis-server, and minutes.
"""

from __future__ import annotations

import argparse
import base64
import collections
import importlib
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `chaos` importable
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from chaos.issuer import Issuer  # noqa: E402

PG_PORT = int(os.environ.get("CHAOS_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", "56379"))
APP_PORT = int(os.environ.get("CHAOS_APP_PORT", "8801"))
JWKS_PORT = int(os.environ.get("CHAOS_JWKS_PORT", "8802"))
OUTAGE = float(os.environ.get("CHAOS_OUTAGE_SECONDS", "20"))
AFTER = float(os.environ.get("CHAOS_AFTER_SECONDS", "12"))  # observed after each fault ends
FLOOD = float(os.environ.get("CHAOS_FLOOD_SECONDS", "10"))  # each of the flood's two halves
SLOW = float(os.environ.get("CHAOS_SLOW_SECONDS", "60"))
WARMUP = 3.0
WORKERS = 2
ISSUER = "https://auth.chaos.test"
BASE = f"http://127.0.0.1:{APP_PORT}"
USER = "chaosUser000000000000000000000001"

# The goals (issue 18): every answer within 3 s, first success within 5 s of a dependency's return.
LATENCY_GOAL = 3.0
RECOVERY_GOAL = 5.0
# The app's settings on this stand (production defaults except where a scenario needs it shorter).
REDIS_BREAKER_SECONDS = 10.0
JWKS_CACHE_SECONDS = 5  # stale soon, so outages exercise the refresh
JWKS_REFETCH_COOLDOWN_SECONDS = 5
JWKS_NEW_KEY_COOLDOWN_SECONDS = 1


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


def _children(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


class Stand:
    """PostgreSQL, Redis, the issuer and the app, each a child of this script."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pgdata = tmp / "pg"
        self.issuer = Issuer(JWKS_PORT, ISSUER)
        self.redis: subprocess.Popen[bytes] | None = None
        self.app: subprocess.Popen[bytes] | None = None

    # --- PostgreSQL ---------------------------------------------------------------------------
    def pg(self, action: str) -> None:
        options = f"-p {PG_PORT} -k {self.tmp} -c listen_addresses=127.0.0.1"
        command = [_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-o", options, "-l", str(self.tmp / "pg.log")]
        subprocess.run(
            _as_pg_user([*command, "-w", "-m", "immediate", action]), check=True, stdout=subprocess.DEVNULL
        )

    # --- Redis --------------------------------------------------------------------------------
    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = self.redis_client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start") from None
                time.sleep(0.1)

    def redis_stop(self) -> None:
        assert self.redis is not None
        self.redis.terminate()
        self.redis.wait(10)

    def redis_signal(self, signum: int) -> None:
        assert self.redis is not None
        os.kill(self.redis.pid, signum)

    def redis_client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=0, socket_timeout=2)

    def forget_jwks(self) -> int:
        """Drop the app's cached key set and fetch gates from Redis; the number of keys dropped."""
        client = self.redis_client()
        keys = list(client.scan_iter(match="*accounts:jwks*"))
        return int(client.delete(*keys)) if keys else 0

    # --- The app ------------------------------------------------------------------------------
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
        self.redis_start()
        self.issuer.start()
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
        if not wait_until(lambda: get("/health")[0] == 200, 90):
            raise SystemExit(f"the app did not start; see {self.tmp / 'app.log'}")

    def reload_workers(self) -> None:
        """Replace every worker by a fresh process (gunicorn's HUP) and wait until one serves."""
        assert self.app is not None
        old = _children(self.app.pid)
        os.kill(self.app.pid, signal.SIGHUP)

        def replaced() -> bool:
            current = _children(self.app.pid) if self.app else set()
            return not current & old and len(current) >= WORKERS and get("/health")[0] == 200

        if not wait_until(replaced, 60):
            raise SystemExit("gunicorn did not replace its workers within 60 s")

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DEBUG": "False",
            "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/chaos",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "REDIS_BREAKER_SECONDS": str(REDIS_BREAKER_SECONDS),
            "BETTER_AUTH_URL": ISSUER,
            "BETTER_AUTH_JWKS_URL": self.issuer.url,
            "BETTER_AUTH_PUBLIC_KEY": "",
            "JWKS_CACHE_SECONDS": str(JWKS_CACHE_SECONDS),
            "JWKS_REFETCH_COOLDOWN_SECONDS": str(JWKS_REFETCH_COOLDOWN_SECONDS),
            "JWKS_NEW_KEY_COOLDOWN_SECONDS": str(JWKS_NEW_KEY_COOLDOWN_SECONDS),
            "ENCRYPTION_KEYS": "chaos:" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
            "WEB_CONCURRENCY": str(WORKERS),
            "SECURE_SSL_REDIRECT": "False",
            # Rate limiting on (its Redis counter is on every request's path), far above the loops.
            "RATELIMIT_ENABLE": "True",
            "RATELIMIT_USER": "100000/m",
            "RATELIMIT_ANON": "100000/m",
        }

    def token(self) -> str:
        return self.issuer.token(sub=USER)

    def stop(self) -> None:
        self.issuer.stop()
        if self.redis is not None and self.redis.poll() is None:
            self.redis_signal(signal.SIGCONT)
        for process in (self.app, self.redis):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(30)
        if self.pgdata.exists():
            subprocess.run(
                _as_pg_user([_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


# --- Requests and what was answered -------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """One request: when it started and ended, its status (0: no HTTP answer), error code."""

    kind: str
    started: float
    ended: float
    status: int
    code: str | None = None  # the envelope's error.code
    counted: bool = False  # carried RateLimit-Limit: the rate limit counted it

    @property
    def latency(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def label(self) -> str:
        if self.ok:
            return str(self.status)
        return (
            f"{self.status} {self.code}" if self.code else (str(self.status) if self.status else "no answer")
        )


def request(
    method: str, path: str, token: str | None = None, body: object | None = None, *, kind: str = ""
) -> tuple[Answer, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    payload: Any = None
    code = None
    counted = False
    try:
        with urllib.request.urlopen(
            urllib.request.Request(BASE + path, data=data, method=method, headers=headers), timeout=15
        ) as response:
            status, payload = response.status, json.loads(response.read() or b"null")
            counted = response.headers.get("RateLimit-Limit") is not None
    except urllib.error.HTTPError as error:
        status = error.code
        counted = error.headers.get("RateLimit-Limit") is not None
        try:
            payload = json.loads(error.read() or b"null")
            code = payload["error"]["code"]
        except (ValueError, KeyError, TypeError, OSError):
            code = "not an envelope"
    except OSError:
        status = 0
    return Answer(kind, started, time.monotonic(), status, code, counted), payload


def get(path: str, token: str | None = None) -> tuple[int, Any]:
    answer, payload = request("GET", path, token)
    return answer.status, payload


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


class Load:
    """A writer loop (creates ideas, keeps the acknowledged ids) and a reader loop (lists them)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.answers: list[Answer] = []
        self.acked: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write), threading.Thread(target=self._read)]

    def _write(self) -> None:
        while not self._stop.is_set():
            body = {"title": f"chaos {uuid.uuid4().hex}"}
            answer, payload = request("POST", "/api/v1/ideas", self.token, body, kind="write")
            self.answers.append(answer)
            if answer.status == 201 and isinstance(payload, dict):
                self.acked.append(payload["data"]["id"])

    def _read(self) -> None:
        while not self._stop.is_set():
            self.answers.append(request("GET", "/api/v1/ideas?limit=5", self.token, kind="read")[0])

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def lost_writes(token: str, acked: Iterable[str]) -> int:
    """How many acknowledged ideas cannot be read back."""
    return sum(get(f"/api/v1/ideas/{idea_id}", token)[0] != 200 for idea_id in acked)


# --- Figures and goals ------------------------------------------------------------------------
@dataclass
class Outcome:
    """A scenario's printed figures and the goals it missed."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def figure(self, text: str) -> None:
        self.lines.append(text)

    def goal(self, met: bool, text: str) -> None:
        self.lines.append(f"{text}  [{'ok' if met else 'MISSED'}]")
        if not met:
            self.misses.append(text)

    def print(self) -> None:
        print(f"\n{self.name}: {self.title}")
        for line in self.lines:
            print(f"  {line}")
        sys.stdout.flush()


def by_status(answers: Iterable[Answer]) -> dict[str, int]:
    return dict(sorted(collections.Counter(answer.label for answer in answers).items()))


def max_latency(answers: Iterable[Answer]) -> float:
    return max((answer.latency for answer in answers), default=0.0)


def first_after(answers: Iterable[Answer], moment: float, healthy: Callable[[Answer], bool]) -> float | None:
    """Seconds from `moment` to the first healthy answer ending after it (None: none did)."""
    ends = [answer.ended for answer in answers if answer.ended >= moment and healthy(answer)]
    return min(ends) - moment if ends else None


def steady_after(answers: Iterable[Answer], moment: float, healthy: Callable[[Answer], bool]) -> float | None:
    """Seconds from `moment` until every answer (to requests sent since) is healthy; None: never."""
    since = sorted((answer for answer in answers if answer.started >= moment), key=lambda a: a.ended)
    if not since or not healthy(since[-1]):
        return None
    return max((answer.ended for answer in since if not healthy(answer)), default=moment) - moment


def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def check_recovery(outcome: Outcome, answers: list[Answer], moment: float, what: str) -> None:
    first = first_after(answers, moment, lambda a: a.ok)
    steady = steady_after(answers, moment, lambda a: a.ok)
    outcome.goal(
        first is not None and first < RECOVERY_GOAL,
        f"first success after {what}: {seconds(first)} (goal < {RECOVERY_GOAL:g} s)",
    )
    outcome.goal(
        steady is not None and steady < RECOVERY_GOAL,
        f"every answer a success from {seconds(steady)} after {what} (goal < {RECOVERY_GOAL:g} s)",
    )


def check_writes(outcome: Outcome, token: str, acked: list[str]) -> None:
    lost = lost_writes(token, acked)
    outcome.goal(lost == 0, f"acknowledged writes: {len(acked)}, lost: {lost} (must be 0)")


# --- Scenarios ----------------------------------------------------------------------------------
def scenario_db(stand: Stand) -> Outcome:
    outcome = Outcome("db", f"PostgreSQL stopped for {OUTAGE:g} s under a writer and a reader")
    token = stand.token()
    with Load(token) as load:
        time.sleep(WARMUP)
        down_at = time.monotonic()
        stand.pg("stop")
        time.sleep(OUTAGE)
        stand.pg("start")
        up_at = time.monotonic()
        time.sleep(AFTER)
    answers = load.answers
    # Sent while the database was down (the first second is pg_ctl stopping it).
    during = [a for a in answers if down_at + 1 <= a.started < up_at]
    outcome.figure(f"answers by status: {by_status(answers)}")
    outcome.goal(
        all(a.ok or (a.status == 503 and a.code == "DATABASE_ERROR") for a in answers),
        "every answer a success or a 503 DATABASE_ERROR envelope",
    )
    outcome.goal(
        max_latency(during) < LATENCY_GOAL,
        f"max latency while the database was down: {max_latency(during):.2f} s (goal < {LATENCY_GOAL:g} s)",
    )
    check_recovery(outcome, answers, up_at, "the database returned")
    check_writes(outcome, token, load.acked)
    return outcome


def _redis_outage(
    stand: Stand, name: str, title: str, fault: Callable[[], None], restore: Callable[[], None]
) -> Outcome:
    outcome = Outcome(name, title)
    token = stand.token()
    with Load(token) as load:
        time.sleep(WARMUP)
        down_at = time.monotonic()
        fault()
        time.sleep(OUTAGE / 2)
        ready_status, ready = get("/health/ready")
        time.sleep(OUTAGE / 2)
        restore()
        up_at = time.monotonic()
        time.sleep(REDIS_BREAKER_SECONDS + AFTER)
    answers = load.answers
    before = [a for a in answers if a.ended < down_at]
    during = [a for a in answers if down_at <= a.started < up_at]
    outcome.figure(f"answers by status: {by_status(answers)}")
    outcome.goal(all(a.ok for a in answers), "the API kept answering: every answer a success")
    outcome.goal(
        max_latency(answers) < LATENCY_GOAL,
        f"max latency: {max_latency(answers):.2f} s, while Redis was out: {max_latency(during):.2f} s "
        f"(goal < {LATENCY_GOAL:g} s)",
    )
    cache_state = ready.get("data", {}).get("cache") if isinstance(ready, dict) else None
    outcome.goal(
        ready_status == 200 and cache_state == "degraded",
        f"/health/ready while Redis was out: {ready_status}, cache {cache_state!r} (goal 200, 'degraded')",
    )
    counted_before = sum(a.counted for a in before)
    counted_during = sum(a.counted for a in during)
    outcome.figure(
        f"rate limit counted {counted_before}/{len(before)} answers before, {counted_during}/{len(during)} "
        "while Redis was out (by design it fails open: skipped, logged)"
    )
    outcome.goal(counted_before == len(before) > 0, "rate limiting counted every request before the outage")
    counting = steady_after(answers, up_at, lambda a: a.ok and a.counted)
    budget = REDIS_BREAKER_SECONDS + RECOVERY_GOAL
    outcome.goal(
        counting is not None and counting < budget,
        f"rate limiting counting every request again {seconds(counting)} after Redis returned "
        f"(goal < the breaker's {REDIS_BREAKER_SECONDS:g} s + {RECOVERY_GOAL:g} s)",
    )
    check_writes(outcome, token, load.acked)
    return outcome


def scenario_redis_down(stand: Stand) -> Outcome:
    return _redis_outage(
        stand,
        "redis-down",
        f"Redis stopped for {OUTAGE:g} s, then started again (empty)",
        stand.redis_stop,
        stand.redis_start,
    )


def scenario_redis_frozen(stand: Stand) -> Outcome:
    return _redis_outage(
        stand,
        "redis-frozen",
        f"Redis frozen (SIGSTOP: connections hang) for {OUTAGE:g} s, then SIGCONT",
        lambda: stand.redis_signal(signal.SIGSTOP),
        lambda: stand.redis_signal(signal.SIGCONT),
    )


def _jwks_outage(
    stand: Stand, name: str, title: str, fault: Callable[[], None], restore: Callable[[], None]
) -> Outcome:
    outcome = Outcome(name, title)
    token = stand.token()
    fetches = stand.issuer.fetches
    with Load(token) as warm:
        time.sleep(WARMUP)
        down_at = time.monotonic()
        fault()
        time.sleep(OUTAGE)
    warm_during = [a for a in warm.answers if a.started >= down_at]
    outcome.figure(
        f"warm workers, issuer out for {OUTAGE:g} s (key set stale after {JWKS_CACHE_SECONDS} s): "
        f"answers by status: {by_status(warm_during)}; refresh attempts the issuer saw: "
        + (f"{stand.issuer.fetches - fetches}" if stand.issuer.listening else "none (socket closed)")
    )
    outcome.goal(all(a.ok for a in warm_during), "warm: every answer a success (the cached key set serves)")
    outcome.goal(
        max_latency(warm_during) < LATENCY_GOAL,
        f"warm: max latency {max_latency(warm_during):.2f} s (goal < {LATENCY_GOAL:g} s)",
    )
    dropped = stand.forget_jwks()
    stand.reload_workers()
    with Load(token) as cold:
        cold_at = time.monotonic()
        time.sleep(AFTER)
        restore()
        up_at = time.monotonic()
        time.sleep(AFTER)
    cold_during = [a for a in cold.answers if cold_at <= a.started < up_at]
    outcome.figure(
        f"cold workers (key set dropped from Redis: {dropped} keys; workers replaced), issuer still out "
        f"for {AFTER:g} s: answers by status: {by_status(cold_during)}"
    )
    # (A request in flight when the issuer returns may well succeed: only those answered before.)
    refused = [a for a in cold_during if a.ended < up_at]
    outcome.goal(
        bool(refused) and all(a.status == 503 and a.code == "SERVICE_UNAVAILABLE" for a in refused),
        "cold: every answer before the issuer's return a 503 SERVICE_UNAVAILABLE envelope",
    )
    outcome.goal(
        max_latency(cold_during) < LATENCY_GOAL,
        f"cold: max latency {max_latency(cold_during):.2f} s (goal < {LATENCY_GOAL:g} s)",
    )
    after = [a for a in cold.answers if a.started >= up_at]
    outcome.figure(f"after the issuer returned: answers by status: {by_status(after)}")
    check_recovery(outcome, cold.answers, up_at, "the issuer returned")
    check_writes(outcome, token, warm.acked + cold.acked)
    return outcome


def scenario_jwks_down(stand: Stand) -> Outcome:
    return _jwks_outage(
        stand,
        "jwks-down",
        "the JWKS issuer's socket closed (connections refused), then reopened",
        stand.issuer.stop,
        stand.issuer.start,
    )


def scenario_jwks_hang(stand: Stand) -> Outcome:
    return _jwks_outage(
        stand,
        "jwks-hang",
        "the JWKS issuer accepting requests and never answering, then answering",
        stand.issuer.hang,
        stand.issuer.resume,
    )


def scenario_kid_flood(stand: Stand) -> Outcome:
    outcome = Outcome(
        "kid-flood", f"4 loops of tokens naming random kids ({FLOOD:g} s old iat, {FLOOD:g} s fresh iat)"
    )
    token = stand.token()
    flood: list[Answer] = []
    halves: list[tuple[str, int, int]] = []
    refetch_bound = math.ceil(FLOOD / JWKS_REFETCH_COOLDOWN_SECONDS) + 1
    new_key_bound = math.ceil(FLOOD / JWKS_NEW_KEY_COOLDOWN_SECONDS) + 1
    with Load(token) as load:
        time.sleep(WARMUP)
        for half, iat_offset, bound in (
            # iat before the cached set's fetch: only the refetch gate may let a fetch through.
            ("old iat", -120, refetch_bound),
            # iat after it (the key may be new): the new-key gate too.
            ("fresh iat", 0, refetch_bound + new_key_bound),
        ):
            stop = threading.Event()
            fetches = stand.issuer.fetches

            def attack(offset: int = iat_offset, event: threading.Event = stop) -> None:
                while not event.is_set():
                    forged = stand.issuer.token(
                        sub=USER, kid=secrets.token_urlsafe(12), iat=int(time.time()) + offset
                    )
                    flood.append(request("GET", "/api/v1/ideas?limit=5", forged, kind="flood")[0])

            threads = [threading.Thread(target=attack) for _ in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(FLOOD)
            stop.set()
            for thread in threads:
                thread.join()
            halves.append((half, stand.issuer.fetches - fetches, bound))
    outcome.figure(f"flood answers by status: {by_status(flood)} ({len(flood) / (2 * FLOOD):.0f}/s)")
    outcome.goal(
        bool(flood) and all(a.status == 401 for a in flood), "every flood request refused with a 401"
    )
    for half, seen, bound in halves:
        outcome.goal(
            seen <= bound,
            f"JWKS fetches the issuer saw, {half}: {seen} in {FLOOD:g} s (at most one per cooldown: "
            f"{JWKS_REFETCH_COOLDOWN_SECONDS} s refetch"
            + (f", {JWKS_NEW_KEY_COOLDOWN_SECONDS} s new-key" if half == "fresh iat" else "")
            + f"; bound {bound})",
        )
    outcome.figure(f"valid answers by status: {by_status(load.answers)}")
    outcome.goal(all(a.ok for a in load.answers), "valid requests kept succeeding")
    outcome.goal(
        max_latency(load.answers) < LATENCY_GOAL,
        f"valid requests' max latency: {max_latency(load.answers):.2f} s (goal < {LATENCY_GOAL:g} s)",
    )
    check_writes(outcome, token, load.acked)
    return outcome


def scenario_slow(stand: Stand) -> Outcome:
    """Slow and idle clients: `chaos/slow_clients.py`'s `run(base_url, token, *, duration) -> dict`.

    The dict's items are printed as figures; its `goals` (name -> met) are checked, and so are
    `misses` (goals missed, by name) and `ok: False` if it reports those instead.
    """
    outcome = Outcome("slow", f"slow and idle clients held for {SLOW:g} s")
    try:
        slow_clients = importlib.import_module("chaos.slow_clients")
    except ModuleNotFoundError:
        outcome.goal(False, "chaos/slow_clients.py is not there yet (the slow-clients scenario is missing)")
        return outcome
    result: dict[str, Any] = slow_clients.run(BASE, stand.token(), duration=SLOW)
    for key, value in result.items():
        if key not in ("goals", "misses", "ok"):
            outcome.figure(f"{key}: {json.dumps(value)}")
    goals = result.get("goals")
    for goal, met in goals.items() if isinstance(goals, dict) else ():
        outcome.goal(bool(met), str(goal))
    for miss in result.get("misses") or []:
        outcome.goal(False, str(miss))
    if result.get("ok") is False and not outcome.misses:
        outcome.goal(False, "slow_clients reported a missed goal")
    if not isinstance(goals, dict) and "misses" not in result and "ok" not in result:
        outcome.goal(False, "slow_clients.run() reported no goals to check")
    return outcome


SCENARIOS: dict[str, Callable[[Stand], Outcome]] = {
    "db": scenario_db,
    "redis-down": scenario_redis_down,
    "redis-frozen": scenario_redis_frozen,
    "jwks-down": scenario_jwks_down,
    "jwks-hang": scenario_jwks_hang,
    "kid-flood": scenario_kid_flood,
    "slow": scenario_slow,
}


def selected(only: str | None) -> list[str]:
    """The scenarios `--only` names (a name, or a prefix such as `redis`), in the suite's order."""
    if not only:
        return list(SCENARIOS)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    chosen = {name for name in SCENARIOS for want in wanted if name == want or name.startswith(want + "-")}
    unknown = [want for want in wanted if not any(n == want or n.startswith(want + "-") for n in SCENARIOS)]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    return [name for name in SCENARIOS if name in chosen]


def healthy_again(token: str) -> bool:
    """Whether the service serves an authenticated read again (after the previous scenario)."""
    return wait_until(lambda: get("/api/v1/ideas?limit=1", token)[0] == 200, 60)


@contextmanager
def stand_up() -> Iterator[Stand]:
    tmp = Path(tempfile.mkdtemp(prefix="creatorvault-chaos-"))
    stand = Stand(tmp)
    try:
        stand.start()
        yield stand
    finally:
        stand.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated scenarios or groups (e.g. db,redis); default: all")
    parser.add_argument("--list", action="store_true", help="name the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    names = selected(args.only)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    with stand_up() as stand:
        print(
            f"stand up in {time.monotonic() - started:.0f} s: gunicorn ({WORKERS} uvicorn workers) on {BASE}"
        )
        for name in names:
            if not healthy_again(stand.token()):
                outcome = Outcome(name, "not run")
                outcome.goal(False, "the service did not serve an authenticated read before the scenario")
            else:
                outcome = SCENARIOS[name](stand)
            outcome.print()
            outcomes.append(outcome)
    missed = [(outcome.name, miss) for outcome in outcomes for miss in outcome.misses]
    print(f"\n{len(outcomes)} scenario(s) in {time.monotonic() - started:.0f} s: ", end="")
    if not missed:
        print("every goal met")
        return 0
    print(f"{len(missed)} goal(s) missed")
    for name, miss in missed:
        print(f"  {name}: {miss}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
