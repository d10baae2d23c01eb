"""DRF authentication: Better Auth's JWTs and personal access tokens (`Authorization: Bearer …`).

`PersonalAccessTokenAuthentication` comes first and takes only bearer values that start with
`cvp_` (`accounts.token_strings`); everything else is left to `BetterAuthJWTAuthentication`. A
personal token's `request.auth` is its `PersonalAccessToken` row, whose `scopes` limit what the
request may do (`creatorvault.api.scopes`); a JWT's is a `VerifiedToken`, with full access.

For JWTs:

Verification lives in `accounts.verification`; this class only reads the header, turns any
refusal into `AuthenticationFailed` (401 `AUTH_ERROR`, `WWW-Authenticate: Bearer
error="invalid_token"`) and loads (or provisions) the user: from the shared cache's short-lived
copy (`accounts.caller_cache`, read in the same round trip as the rate-limit count), else one
query when nothing changed, no write. A user whom staff deactivated gets `PermissionDenied` (403
`FORBIDDEN`) even with a valid token, from the next request on. Whatever bytes arrive in the
header, the outcome is a 401, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts import services
from accounts.caller_cache import caller_cache_key, caller_from_cache, caller_remember
from accounts.models import PersonalAccessToken, User
from accounts.services import user_sync_from_claims
from accounts.token_strings import looks_like_personal_token
from accounts.verification import KeysUnavailable, TokenRejected, VerifiedToken, verify_token
from creatorvault.errors import ServiceUnavailable
from creatorvault.ratelimit import client_ip_limit_reached, count_user_request

BEARER = b"bearer"


def _authorization_header(request: Request) -> bytes:
    """The raw Authorization header (WSGI hands it over as latin-1 text; tests may not)."""
    value = request.META.get("HTTP_AUTHORIZATION", b"")
    if isinstance(value, str):
        return value.encode("latin-1", "replace")
    return bytes(value)


class BetterAuthJWTAuthentication(BaseAuthentication):
    """Authenticate a request by the Better Auth JWT in its `Authorization: Bearer` header.

    `request.user` is the (possibly just provisioned) `User`; `request.auth` is the
    `VerifiedToken` with the token's claims.
    """

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[User, VerifiedToken] | None:
        """Return `(user, token)`, None when no Authorization header was sent, or raise."""
        token = self._bearer_token(request)
        if token is None:
            return None
        try:
            verified = verify_token(token)
        except TokenRejected as error:
            raise exceptions.AuthenticationFailed(str(error)) from None
        except KeysUnavailable as error:
            raise ServiceUnavailable(str(error), retry_after=5) from None
        user = self._cached_caller(request, verified)
        if user is None:
            user = user_sync_from_claims(
                user_id=verified.sub,
                email=verified.email,
                name=verified.name,
                issued_at=datetime.fromtimestamp(verified.issued_at, tz=UTC),
            )
            caller_remember(user)
        if not user.is_active:
            raise exceptions.PermissionDenied("Account disabled.")
        return user, verified

    @staticmethod
    def _cached_caller(request: Request, verified: VerifiedToken) -> User | None:
        """The account from the shared cache, read in the rate-limit count's round trip.

        None when there is no copy, or when the token's claims differ from it (the database path
        then syncs them as `user_sync_from_claims` says).
        """
        _, cached = count_user_request(
            request._request, user_id=verified.sub, also_get=caller_cache_key(verified.sub)
        )
        user = caller_from_cache(cached) if cached is not None else None
        if user is None or not user.is_active:
            return user
        if not services.user_matches_claims(user, email=verified.email, name=verified.name):
            return None
        return user

    def authenticate_header(self, request: Request) -> str:
        """The `WWW-Authenticate` value of a 401: names the error when a token was presented."""
        if _authorization_header(request):
            return 'Bearer error="invalid_token"'
        return "Bearer"

    @staticmethod
    def _bearer_token(request: Request) -> str | None:
        """The token of `Authorization: Bearer <token>`; None when the header is absent."""
        header = _authorization_header(request)
        if not header:
            return None
        if len(header) > settings.JWT_MAX_TOKEN_BYTES + len(b"Bearer "):
            raise exceptions.AuthenticationFailed("Token is too large.")
        parts = header.split()
        if not parts or parts[0].lower() != BEARER:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must use the Bearer scheme: Authorization: Bearer <token>."
            )
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed("The Authorization header holds no token after Bearer.")
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed("The bearer token must not contain spaces.")
        try:
            return str(parts[1].decode("ascii"))
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Token contains characters a JWT cannot hold.") from None


class PersonalAccessTokenAuthentication(BaseAuthentication):
    """Authenticate a request by a personal access token, `Authorization: Bearer cvp_…`.

    `request.user` is the token's owner; `request.auth` is the `PersonalAccessToken`. A revoked,
    expired, unknown or malformed token is a 401 at once (nothing is cached: one indexed query per
    request). A deactivated owner gets 403. A client address that has used up the per-IP limit of
    callers without a valid token (every failed attempt counts, see `ApiView`) gets 429 before any
    lookup, so guessing stays slow even for a guess that would work.
    """

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[User, PersonalAccessToken] | None:
        """Return `(owner, token)`; None when the request carries no personal access token."""
        value = self._personal_token(request)
        if value is None:
            return None
        retry_after = client_ip_limit_reached(request._request)
        if retry_after is not None:
            raise exceptions.Throttled(
                wait=retry_after, detail="Too many failed attempts from this address; try again later."
            )
        try:
            token = services.token_authenticate(token_string=value)
        except services.PersonalTokenRejected as error:
            raise exceptions.AuthenticationFailed(str(error)) from None
        if not token.owner.is_active:
            raise exceptions.PermissionDenied("Account disabled.")
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        """The `WWW-Authenticate` value of a 401 (DRF asks the first class): as the JWT class says."""
        return BetterAuthJWTAuthentication().authenticate_header(request)

    @staticmethod
    def _personal_token(request: Request) -> str | None:
        """The `cvp_…` value of `Authorization: Bearer cvp_…`; None for any other header (JWT's to judge)."""
        header = _authorization_header(request)
        # An oversized header, or one not shaped `Bearer <value>`, is the JWT class's to refuse.
        if not header or len(header) > settings.JWT_MAX_TOKEN_BYTES + len(b"Bearer "):
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != BEARER:
            return None
        try:
            value = parts[1].decode("ascii")
        except UnicodeDecodeError:
            return None
        return value if looks_like_personal_token(value) else None
