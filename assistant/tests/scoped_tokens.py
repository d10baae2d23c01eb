"""A stand-in for personal access tokens in tests: a credential limited to scopes.

`Bearer test-scoped.<user id>.<scope>+<scope>` authenticates as that user with exactly those
scopes (a credential with `scopes` and a public `prefix`, the shape `assistant.access` reads).
Enabled only by the `scoped_token` fixture, which puts this class before the JWT one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.models import User

PREFIX = "test-scoped."


@dataclass(frozen=True)
class ScopedCredential:
    """A credential limited to `scopes`, known by its public `prefix`."""

    scopes: tuple[str, ...]
    prefix: str


class ScopedTestAuthentication(BaseAuthentication):
    """Accepts `Bearer test-scoped.<user id>.<scopes>`; leaves every other header to the next class."""

    def authenticate(self, request: Request) -> tuple[User, ScopedCredential] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(f"Bearer {PREFIX}"):
            return None
        _, user_id, scopes = header.removeprefix("Bearer ").split(".", 2)
        user = User.objects.get(pk=user_id)
        return user, ScopedCredential(
            scopes=tuple(filter(None, scopes.split("+"))), prefix=f"cvp_test{user_id[:4]}"
        )


def scoped_token_for(user: User, *scopes: str) -> str:
    """The test token of `user` limited to `scopes`."""
    return f"{PREFIX}{user.pk}.{'+'.join(scopes)}"
