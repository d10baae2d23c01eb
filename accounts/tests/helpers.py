"""Assertions shared by the accounts tests."""

from __future__ import annotations

from typing import Any

ME = "/api/v1/users/me"


def assert_auth_error(response: Any, message_part: str = "", *, token: str | None = None) -> None:
    """A 401 AUTH_ERROR envelope naming the problem, `WWW-Authenticate: Bearer error=...`.

    When `token` is given, the response must not echo it.
    """
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "AUTH_ERROR"
    assert message_part.lower() in body["error"]["message"].lower(), body["error"]["message"]
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    if token:
        assert token not in response.content.decode("utf-8", "replace")
