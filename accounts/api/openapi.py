"""OpenAPI description of the authentication: the bearer scheme Better Auth's JWTs travel in."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BetterAuthBearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Declares the bearer scheme of `BetterAuthJWTAuthentication` in the document."""

    target_class = "accounts.authentication.BetterAuthJWTAuthentication"
    name = "BearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Better Auth JWT (EdDSA by default) from the frontend's session.",
        }
