"""One structured JSON log line per request, with the fields of SPEC §5 and never a secret."""

from __future__ import annotations

import json
import logging

import pytest
from rest_framework.test import APIClient

from creatorvault.logging import JSONFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db

FIELDS = {
    "timestamp",
    "level",
    "message",
    "request_id",
    "user_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "service",
    "environment",
}


def request_lines(caplog) -> list[dict]:
    formatter = JSONFormatter()
    context = RequestContextFilter()
    lines = []
    for record in caplog.records:
        if record.name == "creatorvault.request":
            context.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


def test_one_json_line_per_request_with_every_field(api_client: APIClient, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creatorvault.request")
    response = api_client.get("/health", HTTP_X_REQUEST_ID="trace-logline")
    lines = request_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert FIELDS <= set(line)
    assert line["request_id"] == "trace-logline" == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/health"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert line["service"] == "creatorvault-api"
    assert isinstance(line["duration_ms"], float)
    assert line["timestamp"].endswith("Z")


def test_errors_log_at_warning_and_keep_the_status(api_client: APIClient, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creatorvault.request")
    api_client.get("/api/v1/missing")
    (line,) = request_lines(caplog)
    assert line["status"] == 404
    assert line["level"] == "WARNING"


def test_authorization_header_and_query_never_logged(api_client: APIClient, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl"
    api_client.get("/api/v1/users/me?search=my-private-words", HTTP_AUTHORIZATION=f"Bearer {secret}")
    formatter = JSONFormatter()
    output = "\n".join(formatter.format(record) for record in caplog.records)
    assert "c2VjcmV0LXBheWxvYWQ" not in output
    assert "Bearer" not in output
    assert "my-private-words" not in output
    (line,) = request_lines(caplog)
    assert line["path"] == "/api/v1/users/me"
    assert line["status"] == 401


def test_security_log_records_never_carry_the_query_string(api_client: APIClient, caplog) -> None:
    """Django's security loggers pass the request as `extra`; its repr holds the query string."""
    caplog.set_level(logging.DEBUG)
    api_client.get("/api/v1/ideas?search=my-private-words", HTTP_HOST="evil.example")
    formatter = JSONFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    assert "my-private-words" not in json.dumps(lines)
    (security,) = [line for line in lines if line["logger"] == "django.security.DisallowedHost"]
    assert security["request"] == "<WSGIRequest: GET '/api/v1/ideas'>"


def test_runserver_request_lines_lose_their_query_string(caplog) -> None:
    """`make run` logs 4xx request lines through django.server, query string (search terms) included."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /api/v1/ideas?search=my-private-words&limit=5 HTTP/1.1", "400", "294"
    )
    (record,) = [r for r in caplog.records if r.name == "django.server"]
    assert record.getMessage() == '"GET /api/v1/ideas HTTP/1.1" 400 294'


def test_formatter_drops_forbidden_extra_keys() -> None:
    record = logging.makeLogRecord(
        {"msg": "x", "levelname": "INFO", "notes": "private", "token": "t", "ok": 1}
    )
    line = json.loads(JSONFormatter().format(record))
    assert "notes" not in line and "token" not in line
    assert line["ok"] == 1


def test_admin_requests_log_the_session_user(client, staff_user, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creatorvault.request")
    client.force_login(staff_user)
    assert client.get("/admin/").status_code == 200
    (line,) = request_lines(caplog)
    assert line["user_id"] == staff_user.pk


def test_anonymous_page_logs_no_user(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creatorvault.request")
    client.get("/admin/login/")
    (line,) = request_lines(caplog)
    assert line["user_id"] is None
