"""Slow and idle clients against a running server: does it keep answering, does it cut them off?

Holds, for `duration` seconds, 64 slow connections (half send their headers a byte at a time and
never finish them, half send complete headers of a POST and then its body a byte at a time) and 200
idle sockets (connected, sending nothing). A connection the server closes is counted as cut (with
how long it lived and what the server answered, if anything) and opened again at once, so the
pressure lasts the whole hold. Meanwhile `/health` and an authenticated `GET /api/v1/ideas` are
asked every 0.25 s on fresh connections, each from a thread of its own; their latencies are the
figures that matter (goal: each answer within 1 s). Last, a POST whose body is shorter than its
Content-Length: how long until the server answers or closes.

    python chaos/slow_clients.py --base-url http://127.0.0.1:8000 --token "$TOKEN" --duration 60

`run(base_url, token, duration=...)` returns the figures as a dict (`make chaos` prints them).
Standard library only: it runs against any server, from any Python.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SLOW_CONNECTIONS = 64
IDLE_SOCKETS = 200
BYTE_INTERVAL = 1.0  # seconds between two bytes of a slow client
PROBE_INTERVAL = 0.25
PROBE_TIMEOUT = 10.0
LATENCY_GOAL = 1.0
SHORT_BODY_WAIT = 120.0


@dataclass
class Cuts:
    """Connections of one kind the server closed: how long each lived, what it answered."""

    opened: int = 0
    lifetimes: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)

    def figures(self) -> dict[str, Any]:
        lifetimes = sorted(self.lifetimes)
        return {
            "opened": self.opened,
            "cut": len(lifetimes),
            "cut_after_s": {
                "min": round(lifetimes[0], 2) if lifetimes else None,
                "max": round(lifetimes[-1], 2) if lifetimes else None,
            },
            "answers": dict(sorted(self.answers.items())),
        }


@dataclass
class Probes:
    """Latencies and statuses of one probed request."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    slowest_at: float = 0.0  # seconds into the hold when the slowest one was asked

    def figures(self) -> dict[str, Any]:
        latencies = sorted(self.latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None
        return {
            "count": len(latencies),
            "statuses": dict(sorted(self.statuses.items())),
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
            "p99_ms": round(p99 * 1000, 1) if p99 is not None else None,
            "over_goal": sum(latency > LATENCY_GOAL for latency in latencies),
            "slowest_at_s": round(self.slowest_at, 1),
        }


def _status_of(answer: bytes) -> str:
    """The status code of an HTTP answer's first line ("none" when the server said nothing)."""
    if not answer:
        return "none"
    parts = answer.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("ascii", "replace") if len(parts) > 1 else "garbled"


class Attack:
    """The slow and idle connections and the probes, against one server, for one hold."""

    def __init__(self, base_url: str, token: str, duration: float) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.host_header = parts.netloc
        self.token = token
        self.duration = duration
        self.slow = Cuts()
        self.idle = Cuts()
        self.health = Probes()
        self.api = Probes()
        self.deadline = 0.0

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def _hold(self, kind: Cuts, payload: bytes, prefix: int) -> None:
        """Keep one connection of `kind` open until the deadline: send `payload[:prefix]` at once,
        then the rest a byte per BYTE_INTERVAL (never the whole of it); reopen when cut."""
        while time.monotonic() < self.deadline:
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            kind.opened += 1
            opened = time.monotonic()
            answer = b""
            try:
                writer.write(payload[:prefix])
                await writer.drain()
                position = prefix
                read = asyncio.ensure_future(reader.read(4096))
                while time.monotonic() < self.deadline:
                    done, _ = await asyncio.wait({read}, timeout=BYTE_INTERVAL)
                    if done:
                        answer = read.result()
                        break  # the server answered or closed
                    if position < len(payload) - 1:  # never the last byte
                        writer.write(payload[position : position + 1])
                        await writer.drain()
                        position += 1
                else:
                    read.cancel()
                    writer.close()
                    return  # held to the end: not cut
            except (ConnectionError, OSError):
                pass
            kind.lifetimes.append(time.monotonic() - opened)
            kind.answers[_status_of(answer)] += 1
            writer.close()

    def _probe(self, probes: Probes, raw: bytes) -> None:
        """Ask `raw` on a fresh connection every PROBE_INTERVAL until the deadline (in a thread of
        its own, blocking sockets: the attackers' event loop must not delay the measurement)."""
        while time.monotonic() < self.deadline:
            started = time.monotonic()
            status = "timeout"
            try:
                with socket.create_connection((self.host, self.port), timeout=PROBE_TIMEOUT) as connection:
                    connection.sendall(raw)
                    answer = b""
                    while chunk := connection.recv(65536):
                        answer += chunk
                    status = _status_of(answer)
            except TimeoutError:
                pass
            except OSError as error:
                status = type(error).__name__
            latency = time.monotonic() - started
            if latency > max(probes.latencies, default=0.0):
                probes.slowest_at = started - (self.deadline - self.duration)
            probes.latencies.append(latency)
            probes.statuses[status] += 1
            time.sleep(max(0.0, PROBE_INTERVAL - (time.monotonic() - started)))

    async def short_body(self) -> dict[str, Any]:
        """A POST that announces 100 bytes and sends 10: when does the server answer or close?"""
        raw = self.request(
            "POST",
            "/api/v1/ideas",
            {
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Content-Length": "100",
            },
            b'{"title": ',
        )
        reader, writer = await asyncio.open_connection(self.host, self.port)
        started = time.monotonic()
        writer.write(raw)
        try:
            answer = await asyncio.wait_for(reader.read(4096), SHORT_BODY_WAIT)
        except TimeoutError:
            writer.close()
            return {"answered_after_s": None, "status": "timeout", "waited_s": SHORT_BODY_WAIT}
        except OSError:
            answer = b""
        writer.close()
        return {"answered_after_s": round(time.monotonic() - started, 2), "status": _status_of(answer)}

    async def run(self) -> dict[str, Any]:
        self.deadline = time.monotonic() + self.duration
        auth = {"Authorization": f"Bearer {self.token}", "Connection": "close"}
        slow_headers = self.request("GET", "/health", {"X-Padding": "p" * 4096})
        body = json.dumps({"title": "slow", "notes": "n" * 2000}).encode()
        slow_body = self.request(
            "POST",
            "/api/v1/ideas",
            {
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
            },
            body,
        )
        header_end = len(slow_body) - len(body)
        tasks = [self._hold(self.idle, b"", 0) for _ in range(IDLE_SOCKETS)]
        tasks += [self._hold(self.slow, slow_headers, 16) for _ in range(SLOW_CONNECTIONS // 2)]
        tasks += [self._hold(self.slow, slow_body, header_end) for _ in range(SLOW_CONNECTIONS // 2)]
        probes = [
            threading.Thread(target=self._probe, args=(probes, raw), daemon=True)
            for probes, raw in (
                (self.health, self.request("GET", "/health", {"Connection": "close"})),
                (self.api, self.request("GET", "/api/v1/ideas?limit=1", auth)),
            )
        ]
        for probe in probes:
            probe.start()
        await asyncio.gather(*tasks)
        for probe in probes:
            probe.join()
        short = await self.short_body()
        health, api = self.health.figures(), self.api.figures()
        slow, idle = self.slow.figures(), self.idle.figures()
        answered = all(
            probe["count"] and not probe["over_goal"] and set(probe["statuses"]) == {"200"}
            for probe in (health, api)
        )
        return {
            "duration_s": self.duration,
            "slow_connections": SLOW_CONNECTIONS,
            "idle_sockets": IDLE_SOCKETS,
            "health": health,
            "api": api,
            "slow": slow,
            "idle": idle,
            "short_body": short,
            "goals": {
                "answered_within_1s": answered,
                "slow_clients_cut": slow["cut"] >= SLOW_CONNECTIONS,
                "short_body_answered": short["answered_after_s"] is not None,
            },
        }


def run(base_url: str, token: str, *, duration: float) -> dict[str, Any]:
    """Hold the slow and idle connections for `duration` seconds against `base_url`; the figures."""
    return asyncio.run(Attack(base_url, token, duration).run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("SLOW_CLIENTS_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("SLOW_CLIENTS_TOKEN", ""), help="a bearer token")
    parser.add_argument("--duration", type=float, default=60.0)
    arguments = parser.parse_args()
    figures = run(arguments.base_url, arguments.token, duration=arguments.duration)
    print(json.dumps(figures, indent=2))
    sys.exit(0 if all(figures["goals"].values()) else 1)


if __name__ == "__main__":
    main()
