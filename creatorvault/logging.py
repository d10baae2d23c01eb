"""Structured JSON logging: one object per line, with the request context attached."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from creatorvault.context import request_id_var, user_id_var

# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Never logged, whatever a caller passes in `extra`.
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
        return True


def _safe_value(value: Any) -> Any:
    """What a log line may show of an `extra` value.

    Django's security loggers (DisallowedHost, CSRF...) pass the request itself, whose repr holds
    the query string, so search terms would reach the log: a request is shown as method and path.
    """
    if isinstance(value, HttpRequest):
        return f"<{type(value).__name__}: {value.method} {value.path!r}>"
    return value


class JSONFormatter(logging.Formatter):
    """Formats a record as one JSON object with the fields of SPEC §5."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "service": getattr(settings, "SERVICE_NAME", "creatorvault-api"),
            "environment": getattr(settings, "ENVIRONMENT", "development"),
        }
        for key, value in vars(record).items():
            if key in _RECORD_ATTRS or key in entry or key.lower() in _FORBIDDEN_KEYS:
                continue
            entry[key] = _safe_value(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
