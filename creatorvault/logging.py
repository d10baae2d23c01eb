"""Structured JSON logging: one object per line, with the request context attached.

`JSONFormatter` is the one formatter of every process: the app (settings.LOGGING), `manage.py`
commands (the same), and gunicorn's master, workers and access log, uvicorn's loggers included
(gunicorn.conf.py's `logconfig_dict`). Every value goes through `json.dumps`, so text a client
controls (a header name in a gunicorn error, a path) is escaped, never spliced into the line.
Timestamps are RFC 3339 in UTC with milliseconds (`2026-01-04T10:30:00.123Z`).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from creatorvault.context import request_id_var, trace_id_var, user_id_var

# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# The attributes `LogRecord.__init__` sets, in its order: a record whose attributes start with
# exactly these (every record `Logger.makeRecord` makes) needs only the rest examined.
_RECORD_INIT_ATTRS = tuple(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
# `json.dumps(..., default=str, ensure_ascii=False)` without building an encoder per line.
_encode = json.JSONEncoder(default=str, ensure_ascii=False).encode
# Never logged, whatever a caller passes in `extra`.
# runserver's `django.server` lines: its `status_code` is our `status`; its `request` is a socket
# (whose repr says nothing useful) and `server_time` duplicates `timestamp`; uvicorn's
# `color_message` repeats the message with terminal colour codes.
_RENAMED = {"status_code": "status"}
_DROPPED = {"request", "server_time", "color_message"}
_FORBIDDEN_KEYS = {"authorization", "token", "password", "notes", "search", "body", "cookie"}


# The query string of an HTTP request line ("GET /api/v1/ideas?search=words HTTP/1.1").
_QUERY_STRING = re.compile(r"\?[^\s\"]*")


class StripQueryStringFilter(logging.Filter):
    """Drops query strings (search terms) from request lines servers log.

    `runserver` (`django.server`) passes the request line as the first argument; uvicorn's access
    log (`uvicorn.access`, also gunicorn's access log under its uvicorn workers) the path as the
    third. Every text argument is cleaned.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _QUERY_STRING.sub("", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` of the current request to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        if not hasattr(record, "trace_id"):
            trace_id = trace_id_var.get()
            if trace_id is not None:
                record.trace_id = trace_id
        return True


def _safe_value(value: Any) -> Any:
    """What a log line may show of an `extra` value.

    Django's security loggers (DisallowedHost, CSRF...) pass the request itself, whose repr holds
    the query string, so search terms would reach the log: a request is shown as method and path.
    """
    if isinstance(value, HttpRequest):
        return f"<{type(value).__name__}: {value.method} {value.path!r}>"
    return value


def _service_and_environment() -> tuple[str, str]:
    """From the settings once Django is set up; from the environment before (gunicorn's master)."""
    if settings.configured:
        return settings.SERVICE_NAME, settings.ENVIRONMENT
    debug = os.environ.get("DEBUG", "true").strip().lower() in ("1", "true", "yes", "on")
    return "creatorvault-api", os.environ.get("ENVIRONMENT") or ("development" if debug else "production")


def _access_fields(record: logging.LogRecord) -> dict[str, Any] | None:
    """The request fields of a server's access-log record (gunicorn's or uvicorn's), else None.

    Both pass the request's parts as arguments; they become fields of their own (the query string
    dropped), with the same names as the application's request lines.
    """
    if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
        atoms = record.args
        status = str(atoms.get("s", ""))
        return {
            "method": atoms.get("m"),
            "path": atoms.get("U"),
            "status": int(status) if status.isdigit() else status,
            "duration_ms": atoms.get("M"),
            "bytes": atoms.get("B"),
            "remote_addr": atoms.get("h"),
            "request_id": atoms.get("{x-request-id}o") if atoms.get("{x-request-id}o") != "-" else None,
        }
    if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
        remote_addr, method, full_path, _http_version, status_code = record.args
        return {
            "method": method,
            "path": _QUERY_STRING.sub("", str(full_path)),
            "status": status_code,
            "remote_addr": remote_addr,
        }
    return None


class JSONFormatter(logging.Formatter):
    """Formats a record as one JSON object with the fields of SPEC §5."""

    def format(self, record: logging.LogRecord) -> str:
        service, environment = _service_and_environment()
        access = _access_fields(record)
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": "access" if access is not None else self._message(record),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "service": service,
            "environment": environment,
        }
        if access is not None:
            entry.update({key: value for key, value in access.items() if value is not None})
        attributes = vars(record)
        items = iter(attributes.items())
        if tuple(itertools.islice(attributes, len(_RECORD_INIT_ATTRS))) == _RECORD_INIT_ATTRS:
            # Standard attributes only, all in _RECORD_ATTRS: skip them (the same line, cheaper).
            items = itertools.islice(items, len(_RECORD_INIT_ATTRS), None)
        for key, value in items:
            key = _RENAMED.get(key, key)
            if key in _RECORD_ATTRS or key in entry or key.lower() in _FORBIDDEN_KEYS:
                continue
            if key in _DROPPED and not isinstance(value, HttpRequest):
                continue
            entry[key] = _safe_value(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _encode(entry)

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        try:
            return record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, escaped
            return f"{record.msg} {record.args!r}"
