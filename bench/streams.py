"""`make bench` scenario: do open chat streams starve the API?

    .venv/bin/python bench/streams.py [--streams 8] [--duration 20] [--interval 0.2] [--port P]

Under the production serving command (gunicorn + uvicorn workers, gunicorn.conf.py) on the seeded
bench database, it measures the list endpoint (`GET /api/v1/ideas`, typical creators, the same
requests as `list_typical` in bench/run.py) three times, each with the same closed-loop load
generator: without streams, with N chat streams open, and without them again (so drift on a
shared machine shows). The streams are real `POST /api/v1/chat` turns (N/2 creators: the chat
allows 2 concurrent streams per creator) whose model is a stub OpenAI-compatible Chat Completions
server on loopback that streams one token every `--interval` seconds for as long as the client
reads, so every stream is open for the whole measurement. It prints the list's p50/p95/p99 and
the server's CPU per request in each phase, the p99 ratio with/without streams (goal: at most
2x), what the open streams cost the server per second, and the load average; the figures go to
bench/results/streams-<time>.json. The chat's writes (conversations, messages) are removed at
the end (this run's only; `seed.remove_bench_writes`, which every bench run calls, removes any
left behind).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402 - after the path is set

GOAL = 2.0
STORY = "Tell me a long story"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "creatorvault_bench"))
    parser.add_argument("--streams", type=int, default=8, help="chat streams open during the middle phase")
    parser.add_argument("--concurrency", type=int, default=8, help="list clients in flight")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unrecorded seconds before each phase")
    parser.add_argument(
        "--warm-seconds", type=float, default=15.0, help="unrecorded load before the first phase"
    )
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between the stub model's tokens")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's loopback port (default: a free one)")
    parser.add_argument("--provider-port", type=int, default=0, help="the stub model's port (default: free)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get(
            "BENCH_REDIS_URL", f"redis://{bench.REDIS_HOST}:{bench.REDIS_PORT}/{bench.REDIS_DB}"
        ),
        help="the shared cache (the chat's stream slots live there); empty for per-process memory",
    )
    return parser.parse_args()


# --- The slow model: an OpenAI-compatible Chat Completions stub ----------------------------------


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "bench-slow",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class SlowModel(BaseHTTPRequestHandler):
    """`POST /v1/chat/completions`: streams a token every `interval` seconds until the reader leaves
    (or `max_tokens` have gone out), then the finish, the usage and `[DONE]`."""

    interval = 0.2
    max_tokens = 3000

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        sent = 0
        try:
            self.wfile.write(_chunk({"role": "assistant", "content": ""}))
            for sent in range(1, self.max_tokens + 1):
                self.wfile.write(_chunk({"content": f"w{sent} "}))
                self.wfile.flush()
                time.sleep(self.interval)
            self.wfile.write(_chunk({}, "stop"))
            usage = {"prompt_tokens": 50, "completion_tokens": sent, "total_tokens": 50 + sent}
            body = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0}
            self.wfile.write(f"data: {json.dumps({**body, 'choices': [], 'usage': usage})}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            return  # the chat cancelled the turn: its client went away


# --- The streams: real chat turns, read as a browser would ---------------------------------------


class Stream(threading.Thread):
    """One `POST /api/v1/chat`, read part by part until `stop` is set (then the socket is closed)."""

    def __init__(self, port: int, token: str, chat_id: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.chat_id, self.stop = port, token, chat_id, stop
        self.status = 0
        self.deltas = 0
        self.first_delta = threading.Event()
        self.ended_early = False
        self.error = ""

    def run(self) -> None:
        body = {
            "id": self.chat_id,
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": STORY}]}],
            "trigger": "submit-message",
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(
                "POST",
                "/api/v1/chat",
                body=json.dumps(body),
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            self.status = response.status
            if response.status != 200:
                self.error = response.read().decode(errors="replace")[:300]
                return
            while not self.stop.is_set():
                line = response.readline()
                if not line:
                    self.ended_early = True
                    return
                if line.startswith(b"data: ") and b'"text-delta"' in line:
                    self.deltas += 1
                    self.first_delta.set()
                elif line.startswith(b"data: ") and (b'"error"' in line or b"[DONE]" in line):
                    self.ended_early = True
                    self.error = line.decode(errors="replace")[:300]
                    return
        except OSError as exc:
            self.error = type(exc).__name__
        finally:
            with contextlib.suppress(OSError):
                if conn.sock is not None:
                    conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()


# --- Phases -------------------------------------------------------------------------------------


@dataclass
class Setup:
    """What every phase needs: the server, the requests, who makes them, the options."""

    args: argparse.Namespace
    env: dict[str, str]
    server: Any
    port: int
    operation: Any
    people: dict[str, tuple[str, str]]
    private: Any
    kid: str


def _measure(name: str, setup: Setup) -> dict[str, Any]:
    args, server, operation = setup.args, setup.server, setup.operation
    bench._retoken(operation.http, bench._mint(setup.private, setup.kid, setup.people))
    spec = {
        "target": "http",
        "host": "127.0.0.1",
        "port": setup.port,
        "requests": operation.http,
        "concurrency": args.concurrency,
        "duration_seconds": args.duration,
        "warmup_seconds": args.warmup,
        "warmup_requests": 1 << 30,
        "max_requests": 1 << 30,
        "once": False,
    }
    bench._log(f"{name}: GET /api/v1/ideas x{args.concurrency} clients for {args.duration:.0f} s...")
    cpu_before, started = bench._tree_cpu_ms(server.pid), time.monotonic()
    result = bench._drive(spec, setup.env)
    result["server_cpu_ms"] = bench._tree_cpu_ms(server.pid) - cpu_before
    result["wall_seconds"] = time.monotonic() - started
    served = result["requests"] + result["warmup_requests"]
    result["cpu_ms_per_request"] = result["server_cpu_ms"] / max(1, served)
    result["load_average"] = os.getloadavg()
    return result


def _streams_cost(server: Any, seconds: float) -> float:
    """Server CPU (ms per second) with only the streams running."""
    before = bench._tree_cpu_ms(server.pid)
    time.sleep(seconds)
    return (bench._tree_cpu_ms(server.pid) - before) / seconds


def _remove_own_writes(run_id: str) -> int:
    """Delete this run's conversations (their messages go with them), and nothing else: other
    benchmarks may be writing to the same database. `seed.remove_bench_writes` would catch them
    too, on the next run of any benchmark."""
    from assistant.models import Conversation

    deleted, _ = Conversation.objects.filter(chat_id__startswith=f"bench-{run_id}-").delete()
    return deleted


def _table(phases: dict[str, dict[str, Any]]) -> str:
    head = (
        f"{'phase':<16} | {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} | "
        f"{'CPU ms/req':>10} | errors | load avg"
    )
    lines = [head, "-" * len(head)]
    for name, r in phases.items():
        load = " ".join(f"{x:.2f}" for x in r["load_average"])
        lines.append(
            f"{name:<16} | {r['rps']:>7.1f} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f} "
            f"{r['max_ms']:>7.2f} | {r['cpu_ms_per_request']:>10.2f} | "
            f"{sum(r['errors'].values()) or '':>6} | {load}"
        )
    return "\n".join(lines)


def main() -> None:
    """Serve, measure without streams, with them, without again; report."""
    args = _arguments()
    if args.streams < 1 or args.concurrency < 1:
        raise SystemExit("--streams and --concurrency must be at least 1.")
    if args.database in ("creatorvault", "test_creatorvault", "postgres"):
        raise SystemExit(f"Refusing to benchmark in {args.database!r}: use a dedicated database.")
    if not bench._port_open(bench.PG_HOST, bench.PG_PORT):
        raise SystemExit(f"needs PostgreSQL on {bench.PG_HOST}:{bench.PG_PORT}.")

    SlowModel.interval = args.interval
    provider = ThreadingHTTPServer(("127.0.0.1", args.provider_port), SlowModel)
    provider.daemon_threads = True
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    provider_url = f"http://127.0.0.1:{provider.server_address[1]}/v1"

    private, public_pem, kid = bench._key_pair()
    options = SimpleNamespace(database=args.database, workers=args.workers)
    env_settings = bench._environment(options, public_pem, use_redis=False)  # type: ignore[arg-type]
    env_settings["ENCRYPTION_KEYS"] = bench._encryption_keys_of_dataset(
        options,  # type: ignore[arg-type]
        env_settings["ENCRYPTION_KEYS"],
    )
    if args.redis_url:
        env_settings["REDIS_URL"] = args.redis_url
    turn_seconds = 3 * (args.duration + args.warmup) + 120
    env_settings.update(
        {
            "AI_BASE_URL": provider_url,
            "AI_MODEL": "bench-slow",
            "AI_TURN_TIMEOUT_SECONDS": str(turn_seconds),
            "CHAT_STREAM_MAX_SECONDS": str(int(turn_seconds) + 60),
            "CHAT_RATELIMIT": "1000/m",
        }
    )
    os.environ.update(env_settings)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    full_env = {**os.environ}

    bench._migrate(full_env)  # a no-op on a database the bench has migrated already

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from bench import dataset
    from bench.workload import Workload
    from ideas.models import Idea

    heavy = dataset.heavy_user_id()
    counts = list(Idea.objects.exclude(user_id=heavy).values("user_id").annotate(n=Count("id")).order_by("n"))
    if len(counts) < 60:
        raise SystemExit(f"{args.database} is not seeded: run bench/run.py --seed-only first.")
    middle = len(counts) // 2
    typical = [row["user_id"] for row in counts[max(0, middle - 25) : middle + 25]]
    # The chatting creators are others than the listing ones (the limit is 2 streams per creator).
    chatters = [row["user_id"] for row in counts[: (args.streams + 1) // 2]]
    people = {u.id: (u.email, u.name) for u in User.objects.filter(id__in=[*typical, *chatters])}
    operation = Workload(users=typical, rng=random.Random(7), create_count=0).list_typical()
    connection.close()
    run_id = secrets.token_hex(3)

    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    port = args.port or bench._free_port()
    log_path = bench.RESULTS / f"gunicorn-streams-{stamp}.log"
    bench._log(
        f"database {args.database}; stub model {provider_url} (a token every {args.interval:g} s); "
        f"gunicorn on 127.0.0.1:{port} (log: {log_path.relative_to(ROOT)})"
    )
    server = bench._start_gunicorn(full_env, port, log_path, "config.asgi:application")
    phases: dict[str, dict[str, Any]] = {}
    streams: list[Stream] = []
    stop = threading.Event()
    stream_cost = 0.0
    try:
        setup = Setup(args, full_env, server, port, operation, people, private, kid)
        # Fresh workers are slower for a while (imports, pools, the database's cache): without an
        # unrecorded warm phase the first baseline would be the slowest phase of every run.
        warming = argparse.Namespace(**{**vars(args), "duration": args.warm_seconds})
        _measure("warming up (not recorded)", replace(setup, args=warming))
        phases["without streams"] = _measure("without streams", setup)

        tokens = bench._mint(private, kid, people)
        for i in range(args.streams):
            creator = chatters[i // 2]
            streams.append(Stream(port, tokens[creator], f"bench-{run_id}-{i}", stop))
        for stream in streams:
            stream.start()
        deadline = time.monotonic() + 30
        for stream in streams:
            stream.first_delta.wait(max(0.1, deadline - time.monotonic()))
        failed = [s for s in streams if not s.first_delta.is_set()]
        if failed:
            raise SystemExit(
                f"{len(failed)} of {args.streams} streams did not start: "
                + "; ".join(f"HTTP {s.status} {s.error}" for s in failed[:3])
            )
        bench._log(f"{args.streams} chat streams open; their cost alone over 5 s...")
        stream_cost = _streams_cost(server, 5.0)
        deltas_before = sum(s.deltas for s in streams)
        phases[f"with {args.streams} streams"] = _measure(f"with {args.streams} streams", setup)
        still_open = [s for s in streams if s.is_alive() and not s.ended_early]
        deltas_during = sum(s.deltas for s in streams) - deltas_before
        stop.set()
        for stream in streams:
            stream.join(timeout=10)
        if len(still_open) < args.streams:
            bench._log(f"warning: only {len(still_open)} of {args.streams} streams lasted the whole phase")
        time.sleep(2)  # the workers store the interrupted answers
        phases["without again"] = _measure("without again", setup)
    finally:
        stop.set()
        bench._stop(server)
        provider.shutdown()
        provider.server_close()
    django.db.connections.close_all()
    removed = _remove_own_writes(run_id)

    baseline = phases["without streams"]["p99_ms"]
    loaded = phases[f"with {args.streams} streams"]
    ratio = loaded["p99_ms"] / baseline if baseline else float("inf")
    again = phases["without again"]["p99_ms"]
    ratio_after = loaded["p99_ms"] / again if again else float("inf")
    seconds = loaded["wall_seconds"]
    table = _table(phases)
    summary = (
        f"p99 with/without streams: {ratio:.2f}x (against the second baseline: {ratio_after:.2f}x; "
        f"goal <= {GOAL:g}x: {'met' if max(ratio, ratio_after) <= GOAL else 'NOT met'})\n"
        f"open streams alone cost the server {stream_cost:.1f} CPU ms/s "
        f"({stream_cost / args.streams:.2f} per stream); {len(still_open)}/{args.streams} streams "
        f"stayed open through the loaded phase, {deltas_during} text deltas read in it "
        f"({deltas_during / max(1e-9, seconds) / args.streams:.1f}/s per stream; "
        f"the model sends {1 / args.interval:.1f}/s)\n"
        f"CPU: {os.cpu_count()} cores; chat rows written and removed: {removed}"
    )
    bench._log("")
    bench._log(table)
    bench._log(summary)
    report = {
        "started_at": stamp,
        "git": bench._git_commit(),
        "database": args.database,
        "streams": args.streams,
        "concurrency": args.concurrency,
        "duration_seconds": args.duration,
        "token_interval_seconds": args.interval,
        "gunicorn_workers": int(full_env.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1)),
        "phases": phases,
        "p99_ratio": ratio,
        "p99_ratio_second_baseline": ratio_after,
        "streams_cpu_ms_per_second": stream_cost,
        "streams_open_through_phase": len(still_open),
        "text_deltas_during_phase": deltas_during,
        "table": table,
        "summary": summary,
    }
    out = bench.RESULTS / f"streams-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    bench._log(f"\nresults: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
