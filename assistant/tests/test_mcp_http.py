"""`/mcp` over HTTP: 401 with resource metadata, RFC 9728, Host/Origin, CORS, 429, the router."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from accounts.tests.tokens import TEST_ISSUER
from assistant.tests.helpers import MCP_POST_HEADERS, jsonrpc

METADATA_URL = "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"


def _post(
    http_call: Any, token: str | None = None, headers: dict[str, str] | None = None, body: Any = None
) -> Any:
    async def scenario(client_for: Any) -> Any:
        async with client_for(token, {**MCP_POST_HEADERS, **(headers or {})}) as http:
            return await http.post("/mcp", json=body if body is not None else jsonrpc("tools/list"))

    return http_call(scenario)


def _get(http_call: Any, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Any:
    async def scenario(client_for: Any) -> Any:
        async with client_for(None, headers) as http:
            return await http.request(method, path)

    return http_call(scenario)


def test_no_token_is_a_401_naming_the_resource_metadata(http_call):
    response = _post(http_call)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'Bearer resource_metadata="{METADATA_URL}"'
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "AUTH_ERROR"
    assert body["meta"]["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("authorization", "why"),
    [
        ("Bearer not.a.jwt", "Token"),
        ("Basic dXNlcjpwYXNz", "Bearer scheme"),
        ("Bearer", "no token"),
    ],
)
def test_a_bad_token_is_a_401_saying_why(http_call, authorization, why):
    response = _post(http_call, headers={"Authorization": authorization})
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="invalid_token", error_description="')
    assert challenge.endswith(f'resource_metadata="{METADATA_URL}"')
    assert why in response.json()["error"]["message"]


def test_an_expired_token_is_a_401(http_call, owner, mint_token):
    response = _post(http_call, mint_token(owner, exp=1, iat=0))
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_a_deactivated_creator_is_refused(http_call, owner, mint_token):
    token = mint_token(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    response = _post(http_call, token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "path", ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]
)
def test_protected_resource_metadata_names_better_auth(http_call, path):
    response = _get(http_call, path)
    assert response.status_code == 200
    assert response.json() == {
        "resource": "http://127.0.0.1:8000/mcp",
        "authorization_servers": [TEST_ISSUER],
        "scopes_supported": ["ideas:read", "ideas:write", "notes:read"],
        "bearer_methods_supported": ["header"],
        "resource_name": "CreatorVault",
    }
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Request-ID"]


def test_metadata_follows_the_proxy_and_the_configured_url(http_call, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = _get(http_call, "/.well-known/oauth-protected-resource", {"X-Forwarded-Proto": "https"})
    assert proxied.json()["resource"] == "https://127.0.0.1:8000/mcp"
    challenge = _post(http_call, headers={"X-Forwarded-Proto": "https"}).headers["WWW-Authenticate"]
    assert 'resource_metadata="https://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"' in challenge
    settings.MCP_RESOURCE_URL = "https://api.creatorvault.test/mcp"
    configured = _get(http_call, "/.well-known/oauth-protected-resource/mcp")
    assert configured.json()["resource"] == "https://api.creatorvault.test/mcp"


def test_metadata_is_read_only(http_call):
    response = _get(http_call, "/.well-known/oauth-protected-resource", method="POST")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_a_host_this_server_does_not_serve_is_refused_before_authentication(http_call, owner, mint_token):
    for token in (None, mint_token(owner)):
        response = _post(http_call, token, {"Host": "rebound.attacker.example"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (
        _get(http_call, "/.well-known/oauth-protected-resource", {"Host": "evil.example"}).status_code == 400
    )


def test_a_foreign_origin_is_refused(http_call, owner, mint_token):
    response = _post(http_call, mint_token(owner), {"Origin": "http://rebound.attacker.example"})
    assert response.status_code == 403
    assert "Origin" in response.json()["error"]["message"]
    assert _post(http_call, mint_token(owner), {"Origin": "null"}).status_code == 403


def test_the_frontend_origin_and_the_service_itself_are_allowed(http_call, owner, mint_token, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.creatorvault.test"]
    token = mint_token(owner)
    frontend = _post(http_call, token, {"Origin": "https://app.creatorvault.test"})
    assert frontend.status_code == 200
    assert frontend.headers["Access-Control-Allow-Origin"] == "https://app.creatorvault.test"
    assert "www-authenticate" in frontend.headers["Access-Control-Expose-Headers"]
    local_inspector = _post(http_call, token, {"Origin": "http://localhost:6274"})
    assert local_inspector.status_code == 200
    assert "Access-Control-Allow-Origin" not in local_inspector.headers


def test_cors_preflight(http_call, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.creatorvault.test"]

    async def scenario(client_for: Any) -> Any:
        async with client_for() as http:
            allowed = await http.options("/mcp", headers={"Origin": "https://app.creatorvault.test"})
            other = await http.options("/mcp", headers={"Origin": "http://localhost:6274"})
            return allowed, other

    allowed, other = http_call(scenario)
    assert allowed.status_code == 204
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert "mcp-protocol-version" in allowed.headers["Access-Control-Allow-Headers"]
    assert other.status_code == 403


def test_mcp_calls_share_the_owners_rate_limit_with_the_api(
    http_call, owner, mint_token, owner_client, settings
):
    settings.RATELIMIT_USER = "4/m"
    for _ in range(2):
        assert owner_client.get("/api/v1/users/me").status_code == 200
    token = mint_token(owner)
    assert _post(http_call, token).status_code == 200
    assert _post(http_call, token).status_code == 200
    limited = _post(http_call, token)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert owner_client.get("/api/v1/users/me").status_code == 429


def test_calls_without_a_valid_token_count_against_the_ip(http_call, settings):
    settings.RATELIMIT_ANON = "2/m"
    assert [_post(http_call, headers={"Authorization": "Bearer x.y.z"}).status_code for _ in range(3)] == [
        401,
        401,
        429,
    ]


def test_a_body_over_the_limit_is_refused(http_call, owner, mint_token, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = _post(
        http_call, mint_token(owner), body=jsonrpc("tools/call", {"name": "add_idea", "x": "y" * 5000})
    )
    assert response.status_code == 413


def test_the_router_still_serves_django(transactional_db, http_call, owner, mint_token):
    # Committed rows: a bearer API request runs on the lean path's own threads (their own
    # database connections), not in the test's transaction (creatorvault.lean_asgi).
    async def scenario(client_for: Any) -> Any:
        async with client_for(mint_token(owner)) as http:
            return await http.get("/health"), await http.get("/api/v1/users/me"), await http.get("/mcp/nope")

    health, me, unknown = http_call(scenario)
    assert health.status_code == 200 and health.json()["data"]["status"] == "ok"
    assert me.json()["data"]["email"] == owner.email
    assert unknown.status_code == 404


def test_one_log_line_per_request_without_token_or_arguments(http_call, owner, mint_token, caplog):
    token = mint_token(owner)
    secret_words = "zanzibar marmalade"
    with caplog.at_level(logging.INFO):
        _post(
            http_call,
            token,
            body=jsonrpc("tools/call", {"name": "search_ideas", "arguments": {"query": secret_words}}),
        )
    lines = [r for r in caplog.records if r.name == "creatorvault.request"]
    assert [r.getMessage() for r in lines] == ["POST /mcp 200"]
    assert lines[0].user_id == owner.pk and lines[0].status == 200
    logged = " ".join(str(vars(r)) for r in caplog.records)
    assert token not in logged and secret_words not in logged


def test_a_revoked_or_expired_personal_token_is_refused_at_once(http_call, owner, issue_token):
    from accounts.services import token_revoke

    issued = issue_token(owner, ["ideas:read"])
    assert _post(http_call, issued.token_string).status_code == 200
    token_revoke(token=issued.token)
    revoked = _post(http_call, issued.token_string)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    expired = issue_token(owner, ["ideas:read"])
    type(expired.token).objects.filter(pk=expired.token.pk).update(expires_at=expired.token.created_at)
    assert _post(http_call, expired.token_string).status_code == 401


def test_guessing_personal_tokens_is_slowed_per_ip(http_call, owner, issue_token, settings):
    from accounts.services import token_revoke

    issued = issue_token(owner, ["ideas:read"])
    token_revoke(token=issued.token)
    settings.RATELIMIT_ANON = "2/m"
    statuses = [_post(http_call, issued.token_string).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    limited = _post(http_call, issued.token_string)
    assert int(limited.headers["Retry-After"]) >= 1
