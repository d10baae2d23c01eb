"""CORS on every answer: CORS is the outermost layer that writes a response, so a browser page
can read errors (413, 429, 500, 503) as well as successes; the allowed and exposed header lists."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost:3000"
EXPOSED = {
    "etag",
    "location",
    "retry-after",
    "x-request-id",
    "www-authenticate",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
}


@pytest.fixture(autouse=True)
def _frontend_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def assert_cors(response, status: int) -> None:
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= EXPOSED
    assert response["X-Request-ID"]


def test_success_carries_cors(owner_client: APIClient) -> None:
    assert_cors(owner_client.get("/api/v1/ideas", HTTP_ORIGIN=ORIGIN), 200)


def test_401_carries_cors(api_client: APIClient) -> None:
    assert_cors(api_client.get("/api/v1/ideas", HTTP_ORIGIN=ORIGIN), 401)


def test_413_carries_cors(owner_client: APIClient, settings) -> None:
    settings.API_MAX_BODY_BYTES = 100
    response = owner_client.post(
        "/api/v1/ideas",
        data='{"title": "' + "x" * 200 + '"}',
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
    )
    assert_cors(response, 413)
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_bad_content_length_carries_cors(owner_client: APIClient) -> None:
    response = owner_client.generic(
        "POST",
        "/api/v1/ideas",
        "{}",
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
        CONTENT_LENGTH="ten",
    )
    assert_cors(response, 400)


def test_429_carries_cors(owner_client: APIClient, settings) -> None:
    settings.RATELIMIT_USER = "1/m"
    assert_cors(owner_client.get("/api/v1/ideas", HTTP_ORIGIN=ORIGIN), 200)
    response = owner_client.get("/api/v1/ideas", HTTP_ORIGIN=ORIGIN)
    assert_cors(response, 429)
    assert response["Retry-After"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/test/boom", 500), ("/test/plain-boom", 500), ("/test/db-down", 503)],
)
def test_server_errors_carry_cors(api_client: APIClient, settings, path: str, status: int) -> None:
    settings.ROOT_URLCONF = "creatorvault.tests.urls"
    settings.CORS_URLS_REGEX = r"^/(api|test)/.*$"  # the failing views live under /test
    assert_cors(api_client.get(path, HTTP_ORIGIN=ORIGIN), status)


def test_preflight_allows_conditional_and_tracing_headers(api_client: APIClient) -> None:
    asked = (
        "authorization, content-type, if-match, if-none-match, x-request-id, "
        "traceparent, tracestate, baggage, sentry-trace"
    )
    response = api_client.options(
        "/api/v1/ideas",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=asked,
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {name.strip().lower() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert allowed >= {name.strip() for name in asked.split(",")}


def test_allowed_headers_are_configurable(api_client: APIClient, settings) -> None:
    settings.CORS_ALLOW_HEADERS = ["authorization", "x-custom"]
    response = api_client.options(
        "/api/v1/ideas",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-custom",
    )
    allowed = {name.strip().lower() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"authorization", "x-custom"}


def test_other_origins_get_no_cors_even_on_errors(owner_client: APIClient, settings) -> None:
    settings.API_MAX_BODY_BYTES = 10
    response = owner_client.post(
        "/api/v1/ideas",
        data='{"title": "long enough"}',
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 413
    assert "Access-Control-Allow-Origin" not in response
