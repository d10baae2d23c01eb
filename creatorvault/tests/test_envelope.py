"""The API frame: envelopes, status codes and request ids for every error of SPEC §3."""

from __future__ import annotations

import json
import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

REQUEST_ID = re.compile(r"^req_[0-9a-f]{24}$")


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = "creatorvault.tests.urls"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    assert body["meta"]["request_id"] == response["X-Request-ID"]
    assert body["meta"]["timestamp"].endswith("Z")
    return body


def test_health_is_a_success_envelope_with_request_id(api_client: APIClient) -> None:
    response = api_client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"status": "ok"}
    assert REQUEST_ID.match(body["meta"]["request_id"])
    assert response["X-Request-ID"] == body["meta"]["request_id"]


def test_trailing_slash_is_optional_without_redirect(api_client: APIClient) -> None:
    for path in ("/health", "/health/", "/health/db", "/health/db/", "/health/ready/", "/api/schema/"):
        assert api_client.get(path).status_code == 200, path


def test_unknown_path_is_not_found_envelope(api_client: APIClient) -> None:
    body = assert_error(api_client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    assert "/api/v1/nothing-here" in body["error"]["message"]
    assert_error(api_client.get("/no/such/page/"), 404, "NOT_FOUND")


def test_wrong_method_is_405_envelope(api_client: APIClient, test_urls) -> None:
    response = api_client.delete("/test/echo")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("path", ["/health", "/health/db/", "/health/ready", "/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_plain_views_answer_other_methods_with_the_405_envelope(path: str, method: str) -> None:
    """Not Django's CSRF 403 page, nor `require_GET`'s empty 405 (CSRF enforced like a server)."""
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/health", "/health/db", "/health/ready/", "/"])
def test_plain_views_answer_head(api_client: APIClient, path: str) -> None:
    response = api_client.head(path)
    assert response.status_code == 200
    assert REQUEST_ID.match(response["X-Request-ID"])


def test_malformed_json_is_validation_error(api_client: APIClient, test_urls) -> None:
    response = api_client.post("/test/echo", data=b'{"title": ', content_type="application/json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert "JSON" in body["error"]["message"]


@pytest.mark.parametrize(
    "raw", [b"NaN", b'{"a": Infinity}', b"\xff\xfe", b"", b"[" * 100_000, b'{"a":' * 50_000]
)
def test_json_edge_cases_never_500(api_client: APIClient, test_urls, raw: bytes) -> None:
    response = api_client.post("/test/echo", data=raw, content_type="application/json")
    assert response.status_code in (200, 400)
    if raw:
        assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain; x=application/json", "application/jsonx"],
)
def test_non_json_content_type_is_validation_error(api_client: APIClient, test_urls, content_type) -> None:
    response = api_client.post("/test/echo", data='{"title": "x"}', content_type=content_type)
    assert_error(response, 400, "VALIDATION_ERROR")


def test_json_content_type_with_parameters_or_capitals_is_parsed(api_client: APIClient, test_urls) -> None:
    for content_type in ("application/json; charset=utf-8", "Application/JSON"):
        response = api_client.post("/test/echo", data='{"a": 1}', content_type=content_type)
        assert response.status_code == 200, content_type


def test_valid_json_is_parsed(api_client: APIClient, test_urls) -> None:
    response = api_client.post("/test/echo", data={"a": [1, "b"]}, format="json")
    assert response.status_code == 200
    assert response.json()["data"] == {"received": {"a": [1, "b"]}}


def test_oversized_body_is_413(api_client: APIClient, test_urls, settings) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    payload = json.dumps({"notes": "x" * 2000})
    assert_error(
        api_client.post("/test/echo", data=payload, content_type="application/json"), 413, "PAYLOAD_TOO_LARGE"
    )


def test_oversized_body_without_content_length_is_413(test_urls, settings) -> None:
    """A body whose Content-Length understates it is still cut off by the parser."""
    from django.test import Client

    settings.API_MAX_BODY_BYTES = 1000
    payload = json.dumps({"notes": "x" * 2000}).encode()
    client = Client()
    response = client.generic(
        "POST", "/test/echo", payload, content_type="application/json", CONTENT_LENGTH="10"
    )
    # Django's LimitedStream honours the declared length: the body read is truncated JSON.
    assert response.status_code in (400, 413)
    assert response.json()["success"] is False


def test_bad_content_length_header_is_400(test_urls) -> None:
    from django.test import Client

    response = Client().generic(
        "POST", "/test/echo", b"{}", content_type="application/json", CONTENT_LENGTH="abc"
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_unhandled_exception_is_500_without_stack_trace(api_client: APIClient, test_urls) -> None:
    response = api_client.get("/test/boom")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert response["X-Request-ID"] in body["error"]["message"]
    text = response.content.decode()
    assert "secret internals" not in text and "Traceback" not in text


def test_unhandled_exception_in_plain_view_is_500_envelope(api_client: APIClient, test_urls) -> None:
    response = api_client.get("/test/plain-boom")
    assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret internals" not in response.content.decode()


def test_database_outage_in_api_is_503(api_client: APIClient, test_urls) -> None:
    assert_error(api_client.get("/test/db-down"), 503, "DATABASE_ERROR")


def test_sql_mistake_is_a_500_not_an_outage(api_client: APIClient, test_urls) -> None:
    response = api_client.get("/test/bad-query")
    assert_error(response, 500, "INTERNAL_ERROR")
    assert "no_such_table" not in response.content.decode()


def test_unauthenticated_api_call_is_401_with_www_authenticate(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/users/me")
    assert_error(response, 401, "AUTH_ERROR")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_sane_client_request_id_is_echoed(api_client: APIClient) -> None:
    response = api_client.get("/health", HTTP_X_REQUEST_ID="frontend-abc.123:xyz")
    assert response["X-Request-ID"] == "frontend-abc.123:xyz"
    assert response.json()["meta"]["request_id"] == "frontend-abc.123:xyz"


@pytest.mark.parametrize("bad", ["has space", "x" * 129, "new\nline", "<script>", "ü-unicode", "trailing\n"])
def test_insane_client_request_id_is_replaced(api_client: APIClient, bad: str) -> None:
    response = api_client.get("/health", HTTP_X_REQUEST_ID=bad)
    assert REQUEST_ID.match(response["X-Request-ID"])


def test_error_responses_carry_request_id(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/nowhere", HTTP_X_REQUEST_ID="trace-42")
    assert response["X-Request-ID"] == "trace-42"
    assert response.json()["meta"]["request_id"] == "trace-42"


def test_security_headers_are_set(api_client: APIClient) -> None:
    response = api_client.get("/health")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_cors_allows_configured_origin_only(api_client: APIClient, settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = api_client.options(
        "/api/v1/users/me",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    refused = api_client.options(
        "/api/v1/users/me", HTTP_ORIGIN="https://evil.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert "Access-Control-Allow-Origin" not in refused


def test_landing_page_links_docs_admin_and_health(api_client: APIClient) -> None:
    response = api_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for link in ('href="/docs"', 'href="/admin/"', 'href="/health"', 'href="/redoc"'):
        assert link in html


# Escaped in the body as JSON text: `\ud800` is a lone surrogate once decoded.
LONE_SURROGATE_BODIES = [
    rb'{"title": "k", "\ud800": 1}',
    rb'{"title": "x\udfffy"}',
    rb'{"title": "k", "tags": ["\ud83d"]}',
    rb'{"title": "k", "title": "again"}',
]


@pytest.mark.parametrize("raw", LONE_SURROGATE_BODIES)
def test_lone_surrogates_and_repeated_keys_are_a_renderable_400(
    api_client: APIClient, test_urls, raw: bytes
) -> None:
    response = api_client.post("/test/echo", data=raw, content_type="application/json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert "JSON" in body["error"]["message"]
    response.content.decode("utf-8")  # strict: the answer itself is valid UTF-8


def test_a_surrogate_pair_is_one_valid_character(api_client: APIClient, test_urls) -> None:
    response = api_client.post("/test/echo", data=rb'{"a": "\ud83d\ude00"}', content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"received": {"a": "\N{GRINNING FACE}"}}


WRITE_PATHS = [
    ("post", "/api/v1/ideas"),
    ("patch", "/api/v1/ideas/{idea}"),
    ("patch", "/api/v1/ideas/{idea}/stage"),
    ("post", "/api/v1/ideas/bulk"),
    ("patch", "/api/v1/users/me"),
    ("post", "/api/v1/users/me/tokens"),
    ("post", "/api/v1/tags/rename"),
    ("post", "/api/v1/{user}/ideas"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_PATHS)
def test_write_paths_answer_400_for_a_lone_surrogate_key(owner, owner_client, make_idea, method, path):
    idea = make_idea(title="target")
    url = path.format(idea=idea.pk, user=owner.pk)
    response = getattr(owner_client, method)(
        url, data=rb'{"title": "k", "\ud800": 1}', content_type="application/json"
    )
    assert response.status_code == 400, (url, response.content)
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
