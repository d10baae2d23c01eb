"""A page on http://localhost:3000 in Chromium can read the API's errors, not "Failed to fetch".

The page is served by Playwright's router (no server on port 3000); the API is the live server on
another origin, so every call is a real cross-origin request with its preflight.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGIN = "http://localhost:3000"
PAGE = f"{ORIGIN}/contract"

# Runs in the page: a call the way a frontend makes it, returning what the page can read.
FETCH = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    const body = await response.json();
    return {
      status: response.status,
      code: body.success ? null : body.error.code,
      requestId: response.headers.get("x-request-id"),
      retryAfter: response.headers.get("retry-after"),
      remaining: response.headers.get("ratelimit-remaining"),
    };
  } catch (error) {
    return { failed: String(error) };
  }
}"""


@pytest.fixture
def frontend_page(page: Any, settings: Any) -> Any:
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    page.route(
        PAGE, lambda route: route.fulfill(status=200, content_type="text/html", body="<title>app</title>")
    )
    page.goto(PAGE)
    return page


def call(page: Any, url: str, token: str, **init: Any) -> dict[str, Any]:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "traceparent": TRACEPARENT,
    }
    result: dict[str, Any] = page.evaluate(FETCH, [url, {"headers": headers, **init}])
    return result


TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_a_413_is_readable_by_the_page(frontend_page, live_server, owner, mint_token, settings) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    body = '{"title": "' + "x" * 2000 + '"}'
    result = call(
        frontend_page, f"{live_server.url}/api/v1/ideas", mint_token(owner), method="POST", body=body
    )
    assert result.get("status") == 413, result
    assert result["code"] == "PAYLOAD_TOO_LARGE"
    assert result["requestId"]


def test_a_429_is_readable_by_the_page(frontend_page, live_server, owner, mint_token, settings) -> None:
    settings.RATELIMIT_USER = "2/m"
    token = mint_token(owner)
    url = f"{live_server.url}/api/v1/ideas"
    first, second = call(frontend_page, url, token), call(frontend_page, url, token)
    assert (first.get("status"), second.get("status")) == (200, 200), (first, second)
    # The page reads the rate-limit headers too (exposed by CORS), counting down.
    assert (first["remaining"], second["remaining"]) == ("1", "0")
    result = call(frontend_page, url, token)
    assert result.get("status") == 429, result
    assert result["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(result["retryAfter"]) > 0
