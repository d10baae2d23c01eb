"""gunicorn settings for production, read from the environment.

Production serves the ASGI application (`config.asgi:application`: Django, plus the MCP server at
`/mcp`) with uvicorn workers (`creatorvault.serving.UvicornWorker`): `/mcp` needs an asynchronous
server, and its stateless transport lets any worker serve any request. Django's synchronous views
and the tools run in each worker's thread for sync code (asgiref, thread-sensitive). Naming the
WSGI application instead (`gunicorn -c gunicorn.conf.py config.wsgi:application`) serves Django
alone with threaded workers, as before; `GUNICORN_WORKER_CLASS` overrides the choice.

The application itself writes one structured JSON line per request (creatorvault.middleware and
the MCP endpoint), so the access log is off by default; GUNICORN_ACCESS_LOG=- adds the server's
own access lines (query strings stripped: they carry search terms). The error log is JSON too.
"""

import logging
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

# The application gunicorn serves when the command line names none.
wsgi_app = "config.asgi:application"


def _serves_wsgi(argv: list[str]) -> bool:
    """Whether the command line names the WSGI application (which needs threaded workers)."""
    return any(arg.endswith("wsgi:application") for arg in argv[1:])


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))  # threaded (WSGI) workers only
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or (
    "gthread" if _serves_wsgi(sys.argv) else "creatorvault.serving.UvicornWorker"
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Bounds on what a client can send before Django sees it. gunicorn enforces them on threaded
# workers; uvicorn does not, so the uvicorn worker (creatorvault.serving) enforces them itself,
# answering in the error envelope: request line over limit_request_line 414, more headers than
# limit_request_fields or one over limit_request_field_size 431, unparseable HTTP 400. It also
# gives each request GUNICORN_HEADER_TIMEOUT seconds (10) for its headers and
# GUNICORN_BODY_TIMEOUT (30) for its body (408 past either), and each worker at most
# worker_connections open connections (503 beyond).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Preloading would share one psycopg pool across forks; each worker opens its own instead.
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files, not data

# --- Logging: one JSON object per line from the master, the workers and the access log ----------
# Every logger gunicorn and its uvicorn workers use (gunicorn.error, gunicorn.access, which
# uvicorn.error and uvicorn.access are wired to) goes through the application's JSON formatter
# (creatorvault.logging.JSONFormatter): client-controlled text is escaped, access lines carry
# method/path/status as fields, timestamps are RFC 3339 UTC with milliseconds.
# GUNICORN_ACCESS_LOG (any non-empty value, e.g. `-`) adds the server's access lines on stdout.
accesslog = None  # the access logger's handler is set in logconfig_dict below
_access_log_on = bool(os.environ.get("GUNICORN_ACCESS_LOG"))
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_string": {"()": "creatorvault.logging.StripQueryStringFilter"}},
    "formatters": {"json": {"()": "creatorvault.logging.JSONFormatter"}},
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
            "filters": ["strip_query_string"],
        },
    },
    "root": {"handlers": ["error_console"], "level": loglevel.upper()},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {
            "handlers": ["console"] if _access_log_on else [],
            "level": "INFO" if _access_log_on else "WARNING",
            "propagate": False,
        },
    },
}


# --- Metrics: prometheus-client's multiprocess mode ------------------------------------------
# Each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR; /metrics sums them. The
# directory is set here, in the master, before any worker imports prometheus_client, emptied at
# start (values of a previous run must not be added in), and a dead worker's live gauges are
# dropped (`child_exit`); its counters stay, so totals survive worker restarts.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="creatorvault-metrics-",
        dir=worker_tmp_dir,  # /dev/shm where there is one (memory)
    )


def _empty_metrics_dir() -> None:
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker exited: drop its live gauges (in-flight requests) from the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


# --- Fail loudly: one check in the master, before any worker is forked -----------------------
def on_starting(server: Any) -> None:
    """Refuse to start, with exit status 1 and one JSON log line, when the service cannot serve.

    Incomplete production settings, a database that refuses us, or sealing keys that do not cover
    the stored notes (creatorvault.startup) stop the master here, once, instead of every worker
    failing at boot and being respawned in a loop while the container looks alive.
    """
    logging.captureWarnings(True)  # Python warnings become JSON lines too, not plain stderr text
    _empty_metrics_dir()
    from creatorvault.startup import startup_problems

    problems = startup_problems()
    if problems:
        server.log.critical(
            "CreatorVault refuses to start: " + " ".join(problems), extra={"problems": problems}
        )
        sys.exit(1)


def post_fork(server: Any, worker: Any) -> None:
    """Warnings in the worker go through logging (JSON) too."""
    logging.captureWarnings(True)


# --- Garbage collection: the application's heap frozen once it is loaded ----------------------
# Once the worker has imported the application (and its URLconf), `gc.freeze()` moves the ~170k
# objects alive then into a permanent generation the collector never scans again: a full
# collection over them cost ~170 ms of CPU, with the event loop and every thread stopped, in the
# middle of whichever requests were running (a p99 spike). GUNICORN_GC_FREEZE=0 turns it off;
# GUNICORN_GC_GEN0 sets the gen-0 threshold (Python's default, 700, unless set: 50000 measured
# 10-15 MB more RSS per worker and no CPU per request gained).
def post_worker_init(worker: Any) -> None:
    """Load the URLconf now, then freeze what is loaded."""
    import gc

    if os.environ.get("GUNICORN_GC_GEN0"):
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(int(os.environ["GUNICORN_GC_GEN0"]), gen1, gen2)
    if os.environ.get("GUNICORN_GC_FREEZE", "1") == "0":
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loaded before the freeze, not by the first request
    gc.collect()
    gc.freeze()
