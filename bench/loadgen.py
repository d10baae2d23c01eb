"""Closed-loop load generators: HTTP (standard library) and PostgreSQL (psycopg), same shape.

Run as a separate process: `python -m bench.loadgen SPEC.pickle RESULT.json`. The spec names the
target (`http` or `sql`), the concurrency, a duration and a request cap, a warm-up period, and the
list of requests to cycle through (each worker starts at a different offset). Every worker keeps
one connection open for the whole run (HTTP/1.1 keep-alive, or one PostgreSQL session), sends a
request, waits for the full answer, and records the latency; requests finished during the warm-up
are not recorded. The result is throughput and latency percentiles, computed here so that only a
small JSON document goes back.

A `requests` entry is, for `http`: `{"method", "path", "headers", "body"(bytes|None), "expect"}`;
for `sql`: `{"statements": [(sql, params), ...], "transaction": bool}` (all rows fetched).
With `"once": true` each entry is used at most once (inserts with fixed primary keys).
"""

from __future__ import annotations

import http.client
import json
import pickle
import sys
import threading
import time
from typing import Any


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


class _Shared:
    """State shared by the workers: which request is next, the phase, and what was measured.

    The run starts with a warm-up (connections opened, caches filled) that ends after
    `warmup_seconds` or `warmup_requests`, whichever comes first; its requests are not recorded
    and do not count against `max_requests`. Measuring then lasts `duration_seconds` or
    `max_requests` requests, whichever comes first.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.lock = threading.Lock()
        self.next_once = 0
        self.warm_issued = 0
        self.issued = 0
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.warm_until = time.perf_counter() + spec["warmup_seconds"]
        self.measure_start: float | None = None
        self.last_done = 0.0

    def claim(self, worker: int, step: int) -> tuple[dict[str, Any], bool] | None:
        """The next request for `worker` and whether it is measured; None when the run is over."""
        spec, requests = self.spec, self.spec["requests"]
        now = time.perf_counter()
        with self.lock:
            warming = self.measure_start is None and (
                now < self.warm_until and self.warm_issued < spec.get("warmup_requests", 1 << 30)
            )
            if not warming:
                if self.measure_start is None:
                    self.measure_start = now
                if (
                    self.issued >= spec["max_requests"]
                    or now >= self.measure_start + spec["duration_seconds"]
                ):
                    return None
            if spec.get("once"):
                if self.next_once >= len(requests):
                    return None
                item = requests[self.next_once]
                self.next_once += 1
            else:
                offset = worker * len(requests) // max(1, spec["concurrency"])
                item = requests[(offset + step) % len(requests)]
            if warming:
                self.warm_issued += 1
            else:
                self.issued += 1
            return item, not warming

    def record(self, started: float, finished: float, error: str | None, measured: bool) -> None:
        """Record one finished request (errors are counted in both phases)."""
        with self.lock:
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1
                return
            if measured:
                self.last_done = max(self.last_done, finished)
                self.latencies.append((finished - started) * 1000)


def _http_worker(shared: _Shared, worker: int) -> None:
    spec = shared.spec
    conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)
    step = 0
    while (claimed := shared.claim(worker, step)) is not None:
        item, measured = claimed
        step += 1
        started = time.perf_counter()
        error = None
        try:
            conn.request(item["method"], item["path"], body=item.get("body"), headers=item["headers"])
            response = conn.getresponse()
            response.read()
            if response.status != item.get("expect", 200):
                error = f"HTTP {response.status}"
            if response.getheader("connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)
        shared.record(started, time.perf_counter(), error, measured)
    conn.close()


def _sql_worker(shared: _Shared, worker: int) -> None:
    import psycopg

    # No prepared statements: a generic plan for `user_id = $1` ignores how skewed ideas per user
    # are, and Django (client-side binding) never gets one either, so both sides are planned alike.
    with psycopg.connect(shared.spec["dsn"], autocommit=True, prepare_threshold=None) as conn:
        step = 0
        while (claimed := shared.claim(worker, step)) is not None:
            item, measured = claimed
            step += 1
            started = time.perf_counter()
            error = None
            try:
                if item.get("transaction"):
                    with conn.transaction(), conn.cursor() as cursor:
                        for sql, params in item["statements"]:
                            cursor.execute(sql, params)
                            if cursor.description:
                                cursor.fetchall()
                else:
                    with conn.cursor() as cursor:
                        for sql, params in item["statements"]:
                            cursor.execute(sql, params)
                            if cursor.description:
                                cursor.fetchall()
            except psycopg.Error as exc:
                error = type(exc).__name__
            shared.record(started, time.perf_counter(), error, measured)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Drive the spec's requests and return throughput and latency percentiles."""
    shared = _Shared(spec)
    worker_fn = _http_worker if spec["target"] == "http" else _sql_worker
    threads = [
        threading.Thread(target=worker_fn, args=(shared, i), daemon=True) for i in range(spec["concurrency"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(shared.latencies)
    window = (shared.last_done - shared.measure_start) if shared.measure_start and latencies else 0.0
    return {
        "requests": len(latencies),
        "errors": shared.errors,
        "warmup_requests": shared.warm_issued,
        "seconds": round(window, 3),
        "rps": round(len(latencies) / window, 1) if window > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(latencies[-1], 2) if latencies else 0.0,
    }


def main() -> None:
    """Entry point of the load-generator process."""
    spec_path, result_path = sys.argv[1], sys.argv[2]
    with open(spec_path, "rb") as handle:
        spec = pickle.load(handle)  # noqa: S301 - a file this benchmark wrote a moment ago
    result = run(spec)
    with open(result_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
