"""`make bench`: the Ideas API under load, next to the same queries run straight on PostgreSQL.

    .venv/bin/python bench/run.py [--quick] [--reseed] [--concurrency N] [--duration S] [--only OP,...]

1. creates (if needed), migrates and seeds a dedicated database (`creatorvault_bench`);
2. starts gunicorn (gunicorn.conf.py) on a free loopback port with throwaway production settings
   (DEBUG off, a fresh Ed25519 key pair trusted as BETTER_AUTH_PUBLIC_KEY, a fresh sealing key);
3. per operation, drives the API with a load generator in a separate process, then the
   equivalent SQL through psycopg at the same concurrency (the database floor);
4. prints a table (requests/s, p50/p95/p99 for both, API/floor ratios) and writes the results as
   JSON into bench/results/.

See bench/README.md for how to read the figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pickle
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 5
ISSUER = AUDIENCE = "http://127.0.0.1:3000"

FULL = {
    "users": 1000,
    "ideas": 200_000,
    "heavy": 20_000,
    "duration": 20.0,
    "warmup": 3.0,
    "max": 60_000,
    "create": 6000,
}
# `--large`: the same creators' shapes over five times the rows (1,000,000 ideas, the heavy
# creator still 20,000), to measure how the per-request cost grows with the table.
LARGE = {**FULL, "users": 5000, "ideas": 1_000_000, "heavy": 20_000}
CREATE_WARMUP = 100
QUICK = {
    "users": 100,
    "ideas": 5_000,
    "heavy": 1_000,
    "duration": 4.0,
    "warmup": 1.0,
    "max": 400,
    "create": 400,
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small dataset, short runs (a smoke test)")
    parser.add_argument(
        "--large",
        action="store_true",
        help="1,000,000 ideas (5,000 creators, the heavy one 20,000) in creatorvault_bench_large",
    )
    parser.add_argument(
        "--app",
        default="config.asgi:application",
        help="the application gunicorn serves (production: config.asgi:application, uvicorn workers; "
        "config.wsgi:application: threaded workers)",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if the dataset matches")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE"))
    parser.add_argument("--concurrency", type=int, default=8, help="clients in flight, API and floor alike")
    parser.add_argument("--duration", type=float, help="measured seconds per operation and side")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--only", help="comma-separated operations to run (default: all)")
    parser.add_argument("--no-redis", action="store_true", help="do not use Redis even if it is running")
    parser.add_argument("--seed-only", action="store_true", help="create/seed the database and stop")
    return parser.parse_args()


def _log(message: str) -> None:
    print(message, flush=True)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Throwaway production settings --------------------------------------------------------------


def _key_pair() -> tuple[Any, str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, pem, f"bench-{secrets.token_hex(4)}"


def _environment(args: argparse.Namespace, public_pem: str, use_redis: bool) -> dict[str, str]:
    env = {
        "DEBUG": "False",
        "ENVIRONMENT": "bench",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BETTER_AUTH_PUBLIC_KEY": public_pem,
        "BETTER_AUTH_ISSUER": ISSUER,
        "BETTER_AUTH_AUDIENCE": AUDIENCE,
        "ENCRYPTION_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        # The limiter stays on (its cache round trip is part of every request) but never trips.
        "RATELIMIT_ENABLE": "True",
        "RATELIMIT_USER": "1000000/m",
        "RATELIMIT_ANON": "1000000/m",
        "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{args.database}",
        "LOG_LEVEL": "INFO",
        # Recycling workers mid-run would measure Django's import time, not the API.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if use_redis:
        env["REDIS_URL"] = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    return env


def _encryption_keys_of_dataset(args: argparse.Namespace, default: str) -> str:
    """Sealed notes only open under the key they were sealed with: keep one key per bench database."""
    key_file = RESULTS / f".{args.database}.encryption-key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(default + "\n")
    key_file.chmod(0o600)
    return default


def _mint(private: Any, kid: str, users: dict[str, tuple[str, str]]) -> dict[str, str]:
    """One Better Auth-shaped EdDSA token per user (15 minutes, as Better Auth issues them)."""
    import jwt

    now = int(time.time())
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    tokens = {}
    for user_id, (email, name) in users.items():
        claims = {
            "iat": now,
            "exp": now + 900,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": user_id,
            "id": user_id,
            "email": email,
            "name": name,
            "emailVerified": True,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        tokens[user_id] = jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid})
    return tokens


# --- Processes ----------------------------------------------------------------------------------


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def _start_gunicorn(env: dict[str, str], port: int, log_path: Path, app: str) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn) if gunicorn.exists() else "gunicorn", "-c", "gunicorn.conf.py", app]
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not become ready within 60s; see {log_path}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _tree_cpu_ms(root: int) -> float:
    """utime + stime (ms) of process `root` and all its descendants (gunicorn and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) * 1000.0 / tick
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(children.get(pid, []))
    return total


def _drive(spec: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run one load-generator process on `spec`; return its result."""
    with tempfile.TemporaryDirectory(prefix="cv-bench-") as tmp:
        spec_path, result_path = Path(tmp) / "spec.pickle", Path(tmp) / "result.json"
        spec_path.write_bytes(pickle.dumps(spec))
        subprocess.run(
            [sys.executable, "-m", "bench.loadgen", str(spec_path), str(result_path)],
            cwd=ROOT,
            env={"PATH": env.get("PATH", ""), "PYTHONPATH": str(ROOT)},
            check=True,
            timeout=spec["warmup_seconds"] + spec["duration_seconds"] + 120,
        )
        return json.loads(result_path.read_text())


# --- Report -------------------------------------------------------------------------------------


def _ratio(a: float, b: float, digits: int = 1) -> str:
    return f"{a / b:.{digits}f}x" if b else "-"


def _table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'operation':<13} | {'API req/s':>9} {'CPU ms':>6} {'p50':>7} {'p95':>7} {'p99':>7} | "
        f"{'floor req/s':>11} {'p50':>6} {'p95':>6} {'p99':>6} | "
        f"{'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} | errors"
    )
    lines = [
        f"{'':<13} | {'API (gunicorn), latency in ms':<41} | {'database floor (psycopg), ms':<32} | "
        f"{'API/floor ratio':<27} |",
        head,
        "-" * len(head),
    ]
    for row in results:
        api, floor = row["api"], row["floor"]
        errors = sum(api["errors"].values()) + sum(floor["errors"].values())
        lines.append(
            f"{row['operation']:<13} | {api['rps']:>9.1f} {api.get('cpu_ms_per_request', 0):>6.2f} "
            f"{api['p50_ms']:>7.2f} {api['p95_ms']:>7.2f} "
            f"{api['p99_ms']:>7.2f} | {floor['rps']:>11.1f} {floor['p50_ms']:>6.2f} {floor['p95_ms']:>6.2f} "
            f"{floor['p99_ms']:>6.2f} | {_ratio(api['rps'], floor['rps'], 2):>6} "
            f"{_ratio(api['p50_ms'], floor['p50_ms']):>6} {_ratio(api['p95_ms'], floor['p95_ms']):>6} "
            f"{_ratio(api['p99_ms'], floor['p99_ms']):>6} | {errors or ''}"
        )
    return "\n".join(lines)


def _retoken(requests: list[dict[str, Any]], tokens: dict[str, str]) -> None:
    """Give every request a fresh bearer token for the user it acts as."""
    for request in requests:
        request["headers"]["Authorization"] = f"Bearer {tokens[request['user']]}"


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    """Seed, serve, drive, compare, report."""
    args = _arguments()
    if args.quick and args.large:
        raise SystemExit("--quick and --large exclude each other.")
    profile = QUICK if args.quick else LARGE if args.large else FULL
    args.database = args.database or ("creatorvault_bench_large" if args.large else "creatorvault_bench")
    duration = args.duration or profile["duration"]
    if not _port_open(PG_HOST, PG_PORT):
        raise SystemExit(f"make bench needs PostgreSQL on {PG_HOST}:{PG_PORT} (trust auth, user {PG_USER}).")
    if args.database in ("creatorvault", "test_creatorvault", "postgres"):
        raise SystemExit(f"Refusing to benchmark in {args.database!r}: use a dedicated database.")
    use_redis = not args.no_redis and _port_open(REDIS_HOST, REDIS_PORT)

    private, public_pem, kid = _key_pair()
    env_settings = _environment(args, public_pem, use_redis)
    env_settings["ENCRYPTION_KEYS"] = _encryption_keys_of_dataset(args, env_settings["ENCRYPTION_KEYS"])
    os.environ.update(env_settings)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    full_env = {**os.environ}

    from bench import seed

    _log(
        f"database {args.database} on {PG_HOST}:{PG_PORT}; "
        f"cache: {f'Redis db {REDIS_DB}' if use_redis else 'local memory'}"
    )
    seed.ensure_database(f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres", args.database)
    _migrate(full_env)

    import django

    django.setup()
    from django.db import connection

    from bench import dataset
    from bench.workload import Workload

    sizes = dataset.Sizes(
        users=int(profile["users"]), ideas=int(profile["ideas"]), heavy_ideas=int(profile["heavy"])
    )
    seed_summary = seed.seed(sizes, reseed=args.reseed, log=_log)
    if args.seed_only:
        return

    from accounts.models import User
    from ideas.models import Idea

    heavy = dataset.heavy_user_id()
    # "Typical" creators: 50 users around the median idea count.
    counts = list(
        Idea.objects.exclude(user_id=heavy)
        .values("user_id")
        .annotate(n=django.db.models.Count("id"))
        .order_by("n")
    )
    middle = len(counts) // 2
    typical = [row["user_id"] for row in counts[max(0, middle - 25) : middle + 25]]
    typical_median = counts[middle]["n"] if counts else 0
    people = {u.id: (u.email, u.name) for u in User.objects.filter(id__in=[heavy, *typical])}

    rng = random.Random(sizes.seed + 2)
    create_count = int(min(profile["create"], profile["max"])) + CREATE_WARMUP
    only = set(args.only.split(",")) if args.only else None
    workload = Workload(users=list(people), rng=rng, create_count=create_count)
    operations = [op for op in workload.all() if only is None or op.name in only]
    connection.close()

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    port = _free_port()
    gunicorn_log = RESULTS / f"gunicorn-{stamp}.log"
    _log(f"starting gunicorn on 127.0.0.1:{port} (log: {gunicorn_log.relative_to(ROOT)})")
    server = _start_gunicorn(full_env, port, gunicorn_log, args.app)
    dsn = (
        f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={args.database} "
        "application_name=creatorvault-bench-floor"
    )
    results = []
    try:
        for op in operations:
            # Fresh tokens per operation: a full run outlasts one 15-minute token.
            tokens = _mint(private, kid, people)
            _retoken(op.http, tokens)
            common = {
                "concurrency": args.concurrency,
                "duration_seconds": duration,
                "warmup_seconds": profile["warmup"],
                # Inserts use each prepared row once: their warm-up is a fixed number of them.
                "warmup_requests": CREATE_WARMUP if op.once else profile["max"] // 10,
                "max_requests": profile["max"],
                "once": op.once,
            }
            _log(f"{op.name}: {op.description} - API...")
            cpu_before = _tree_cpu_ms(server.pid)
            api = _drive(
                {**common, "target": "http", "host": "127.0.0.1", "port": port, "requests": op.http}, full_env
            )
            # Server CPU per request (utime + stime of gunicorn's process tree): steadier than
            # latency on a shared machine. It includes the load generator's warm-up requests.
            served = api.get("requests", 0) + api.get("warmup_requests", 0)
            api["cpu_ms_per_request"] = (_tree_cpu_ms(server.pid) - cpu_before) / max(1, served)
            _log(f"{op.name}: floor...")
            floor = _drive({**common, "target": "sql", "dsn": dsn, "requests": op.sql}, full_env)
            results.append({"operation": op.name, "description": op.description, "api": api, "floor": floor})
    finally:
        _stop(server)
    django.db.connections.close_all()
    removed = seed.remove_bench_writes()

    table = _table(results)
    _log("")
    _log(table)
    report = {
        "started_at": stamp,
        "git": _git_commit(),
        "mode": "quick" if args.quick else "large" if args.large else "full",
        "app": args.app,
        "dataset": {
            **seed_summary,
            "typical_user_median_ideas": typical_median,
            "bench_rows_removed": removed,
        },
        "concurrency": args.concurrency,
        "duration_seconds": duration,
        "cache": "redis" if use_redis else "locmem",
        "gunicorn_workers": int(full_env.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1)),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "results": results,
        "table": table,
    }
    suffix = "-quick" if args.quick else "-large" if args.large else ""
    out = RESULTS / f"bench-{stamp}{suffix}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    shutil.copyfile(out, RESULTS / "latest.json")
    _log(f"\nresults: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
