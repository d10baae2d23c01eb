"""OpenAPI description of the authentication: Better Auth's JWTs and personal access tokens.

Both are bearer schemes. An operation lists `PersonalAccessToken` unless it needs full access
(its view declares `Access.FULL_ACCESS_ONLY`); which scope it needs is in its `x-required-scope`
(`creatorvault.api.autoschema`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from accounts.scopes import scopes_table
from creatorvault.api.scopes import Access, required_scope_for


class BetterAuthBearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Declares the bearer scheme of `BetterAuthJWTAuthentication` in the document."""

    target_class = "accounts.authentication.BetterAuthJWTAuthentication"
    name = "BearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Better Auth JWT (EdDSA by default) from the frontend's session. Full access.",
        }


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Declares the bearer scheme of `PersonalAccessTokenAuthentication`, on the operations it may call."""

    target_class = "accounts.authentication.PersonalAccessTokenAuthentication"
    name = "PersonalAccessToken"

    # drf-spectacular leaves a scheme out of an operation when this returns None.
    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]] | None:  # type: ignore[override]
        """Left out of operations that need full access (token management, account erasure...)."""
        if required_scope_for(auto_schema.view, auto_schema.method) is Access.FULL_ACCESS_ONLY:
            return None
        return {self.name: []}

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cvp_<id>_<secret>",
            "description": (
                "A personal access token (`cvp_…`), made with `POST /api/v1/users/me/tokens`, for "
                "scripts and MCP clients. It can do only what its scopes allow; each operation names "
                "the scope it needs in `x-required-scope` (403 `FORBIDDEN` without it). A revoked, "
                "expired or unknown token is a 401 `AUTH_ERROR`.\n\n" + scopes_table()
            ),
        }
