"""gunicorn settings for production, read from the environment.

Production serves the ASGI application (`config.asgi:application`: Django, plus the MCP server at
`/mcp`) with uvicorn workers (`uvicorn_worker.UvicornWorker`): `/mcp` needs an asynchronous
server, and its stateless transport lets any worker serve any request. Django's synchronous views
and the tools run in each worker's thread for sync code (asgiref, thread-sensitive). Naming the
WSGI application instead (`gunicorn -c gunicorn.conf.py config.wsgi:application`) serves Django
alone with threaded workers, as before; `GUNICORN_WORKER_CLASS` overrides the choice.

The application itself writes one structured JSON line per request (creatorvault.middleware and
the MCP endpoint), so the access log is off by default; GUNICORN_ACCESS_LOG=- adds the server's
own access lines (query strings stripped: they carry search terms). The error log is JSON too.
"""

import multiprocessing
import os
import sys

# The application gunicorn serves when the command line names none.
wsgi_app = "config.asgi:application"


def _serves_wsgi(argv: list[str]) -> bool:
    """Whether the command line names the WSGI application (which needs threaded workers)."""
    return any(arg.endswith("wsgi:application") for arg in argv[1:])


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))  # threaded (WSGI) workers only
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or (
    "gthread" if _serves_wsgi(sys.argv) else "uvicorn_worker.UvicornWorker"
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Bounds on what a client can send before Django sees it.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Preloading would share one psycopg pool across forks; each worker opens its own instead.
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files, not data

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '{"timestamp": "%(t)s", "level": "INFO", "message": "access", "service": "creatorvault-api", '
    '"request_id": "%({x-request-id}o)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"duration_ms": %(M)s, "bytes": "%(B)s", "remote_addr": "%(h)s"}'
)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_string": {"()": "creatorvault.logging.StripQueryStringFilter"}},
    "formatters": {
        "json": {
            "format": '{"timestamp": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", '
            '"message": "%(message)s", "service": "creatorvault-api"}',
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
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
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(worker: object) -> None:
    """Refuse to serve when stored notes use a key id ENCRYPTION_KEYS lacks (ideas.checks).

    Raising here fails the worker's boot, and gunicorn then stops with the message in its log,
    instead of answering 500 for every idea later. Runs once per worker: one indexed query.
    """
    from ideas.checks import ensure_sealed_data_readable

    ensure_sealed_data_readable()
