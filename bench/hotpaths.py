"""In-process profile of the API's hot paths on the bench dataset: CPU ms per request, and cProfile.

Runs the whole Django stack (middleware, DRF, authentication with real EdDSA tokens, the rate
limiter on Redis, PostgreSQL) through Django's test client, in this process, so the CPU time per
request is the server's own (no HTTP server, no load generator, nothing else on the clock):

    .venv/bin/python bench/hotpaths.py                      # CPU ms per request of each hot path
    .venv/bin/python bench/hotpaths.py --profile list_typical --top 30   # and where one of them goes
    .venv/bin/python bench/hotpaths.py --project /other/checkout        # the same on another tree
    .venv/bin/python bench/hotpaths.py --asgi               # through config.asgi (as production serves)

`--asgi` sends each request through the ASGI application (`config.asgi.application`, on uvloop),
one at a time, instead of the test client: the figures then include what serving under ASGI adds
(the hops between the event loop and the threads that run Django's synchronous code).

Needs the bench database seeded (`bench/run.py --seed-only`) and Redis on 127.0.0.1:6379 (index
`--redis-db`, default 7). Ideas made by `create` are deleted at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

OPERATIONS = ("list_heavy", "list_typical", "filter", "tag", "search", "detail", "create")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", default=str(HERE.parent), help="the checkout to profile")
    parser.add_argument("--database", default="creatorvault_bench")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per operation")
    parser.add_argument("--only", help="comma-separated operations (default: all)")
    parser.add_argument("--profile", help="print cProfile's top functions for this operation")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--asgi", action="store_true", help="through config.asgi, not the test client")
    return parser.parse_args()


def _setup(args: argparse.Namespace) -> tuple[Any, str]:
    """Production-like settings on the bench database; returns (private key, kid)."""
    import base64
    import secrets

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key_file = HERE / "results" / f".{args.database}.encryption-key"
    keys = (
        key_file.read_text().strip()
        if key_file.exists()
        else "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "False",
            "ENVIRONMENT": "bench",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "BETTER_AUTH_PUBLIC_KEY": pem,
            "BETTER_AUTH_ISSUER": "http://localhost:3000",
            "BETTER_AUTH_AUDIENCE": "http://localhost:3000",
            "ENCRYPTION_KEYS": keys,
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            "RATELIMIT_ENABLE": "True",
            "RATELIMIT_USER": "100000000/m",
            "RATELIMIT_ANON": "100000000/m",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "LOG_LEVEL": "WARNING",
        }
    )
    project = Path(args.project).resolve()
    os.chdir(project)
    sys.path.insert(0, str(project))
    import django

    django.setup()
    import logging

    logging.getLogger("creatorvault.request").setLevel(logging.WARNING)
    return private, "profile"


def _token(private: Any, kid: str, user: Any) -> str:
    import jwt

    now = int(time.time())
    claims = {
        "iat": now,
        "exp": now + 900,
        "iss": "http://localhost:3000",
        "aud": "http://localhost:3000",
        "sub": user.pk,
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "emailVerified": True,
    }
    return str(jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid}))


class _Response:
    """What `call` needs of an answer: its status and JSON body."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code, self.content = status_code, content

    def json(self) -> Any:
        import json

        return json.loads(self.content)


class _ASGIClient:
    """Sends one request at a time through the ASGI application, on one event loop (uvloop)."""

    def __init__(self) -> None:
        import asyncio

        import uvloop

        from config.asgi import application

        self.app = application
        self.loop = uvloop.new_event_loop()
        asyncio.set_event_loop(self.loop)

    def get(self, path: str, **kwargs: Any) -> _Response:
        return self._request("GET", path, b"", **kwargs)

    def post(self, path: str, data: Any = None, content_type: str = "", **kwargs: Any) -> _Response:
        import json

        return self._request("POST", path, json.dumps(data).encode(), CONTENT_TYPE=content_type, **kwargs)

    def _request(self, method: str, path: str, body: bytes, **meta: str) -> _Response:
        import asyncio

        raw_path, _, query = path.partition("?")
        headers = [(b"host", b"testserver")]
        for key, value in meta.items():
            name = key.removeprefix("HTTP_").replace("_", "-").lower()
            headers.append((name.encode(), value.encode()))
        if body:
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        done = asyncio.Event()
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    done.set()

        self.loop.run_until_complete(self.app(scope, receive, send))
        return _Response(status, b"".join(chunks))


def main() -> None:
    args = _arguments()
    private, kid = _setup(args)
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from ideas.models import Idea

    rng = random.Random(11)
    counts = list(User.objects.annotate(n=Count("ideas")).order_by("-n").values_list("pk", "n")[:1000])
    heavy = User.objects.get(pk=counts[0][0])
    median = [pk for pk, n in counts if 80 <= n <= 150][:20]
    typical = list(User.objects.filter(pk__in=median))
    tokens = {user.pk: _token(private, kid, user) for user in [heavy, *typical]}
    heavy_ids = [str(pk) for pk in Idea.objects.filter(user=heavy).values_list("pk", flat=True)[:500]]
    words = ["video", "guide", "review", "ai", "tips", "budget", "travel"]
    created: list[str] = []

    def call(client: Client, user: Any, method: str, path: str, **kwargs: Any) -> Any:
        response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}", **kwargs)
        if response.status_code >= 300:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.content[:300]!r}")
        return response

    def op(name: str, client: Client) -> None:
        if name == "list_heavy":
            call(client, heavy, "get", f"/api/v1/ideas?limit=20&offset={rng.choice([0, 20, 40, 60, 80])}")
        elif name == "list_typical":
            call(client, rng.choice(typical), "get", "/api/v1/ideas?limit=20")
        elif name == "filter":
            stage, priority = rng.choice([("idea", "medium"), ("draft", "high"), ("outline", "low")])
            call(client, heavy, "get", f"/api/v1/ideas?stage={stage}&priority={priority}")
        elif name == "tag":
            call(client, heavy, "get", f"/api/v1/ideas?tags={rng.choice(['tutorial', 'review', 'vlog'])}")
        elif name == "search":
            call(client, heavy, "get", f"/api/v1/ideas?search={rng.choice(words)}")
        elif name == "detail":
            call(client, heavy, "get", f"/api/v1/ideas/{rng.choice(heavy_ids)}")
        elif name == "create":
            body = {
                "title": f"Profile idea {rng.random():.6f}",
                "notes": "A few words of notes " * 10,
                "tags": ["profile", "bench"],
                "priority": "high",
            }
            response = call(
                client,
                rng.choice(typical),
                "post",
                "/api/v1/ideas",
                data=body,
                content_type="application/json",
            )
            created.append(response.json()["data"]["id"])

    chosen = [name for name in OPERATIONS if not args.only or name in args.only.split(",")]
    print(
        f"project {args.project}  database {args.database}  requests/op {args.requests}  "
        f"via {'ASGI' if args.asgi else 'the test client'}"
    )
    print(f"{'operation':<14} {'CPU ms/req':>10} {'wall ms/req':>11}")
    try:
        for name in chosen:
            client: Any = _ASGIClient() if args.asgi else Client()
            for _ in range(20):  # warm: imports, connections, caches
                op(name, client)
            profiler = cProfile.Profile() if name == args.profile else None
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for _ in range(args.requests):
                op(name, client)
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"{name:<14} {cpu * 1000 / args.requests:>10.2f} {wall * 1000 / args.requests:>11.2f}")
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(
                    os.environ.get("PROFILE_SORT", "cumulative")
                ).print_stats(args.top)
                print(out.getvalue())
    finally:
        Idea.objects.filter(pk__in=created).delete()


if __name__ == "__main__":
    main()
