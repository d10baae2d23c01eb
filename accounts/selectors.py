"""Reads of identity: users and their personal access tokens."""

from __future__ import annotations

from accounts.models import PersonalAccessToken, User
from creatorvault.api.pagination import Page, PageParams, page_of
from creatorvault.errors import NotFound


def user_get(*, user_id: str) -> User | None:
    """The user whose id (the Better Auth `sub`) is `user_id`, or None. One query."""
    return User.objects.filter(pk=user_id).first()


def user_find(*, identifier: str) -> User | None:
    """The user whose id is `identifier`, else whose e-mail is (case-insensitively); None if neither."""
    identifier = identifier.strip()
    if not identifier:
        return None
    return User.objects.filter(pk=identifier).first() or User.objects.filter(email__iexact=identifier).first()


def token_for_credential(*, token_id: str) -> PersonalAccessToken | None:
    """The token whose id a presented token string carries, with its owner; None if unknown.

    One query by primary key (joined with the owner), whatever the token's state: the caller
    decides what a revoked or expired token means. Never cached, so a revocation is seen at once.
    """
    return PersonalAccessToken.objects.select_related("owner").filter(pk=token_id).first()


def token_get(*, owner: User, token_id: str) -> PersonalAccessToken:
    """The owner's token `token_id`; `NotFound` when it does not exist or is someone else's."""
    token = PersonalAccessToken.objects.filter(owner=owner, pk=token_id).first()
    if token is None:
        raise NotFound("No such personal access token.")
    return token


def token_list(*, owner: User, page: PageParams) -> Page[PersonalAccessToken]:
    """A page of the owner's tokens, newest first: live ones and those revoked or expired."""
    return page_of(PersonalAccessToken.objects.filter(owner=owner).order_by("-created_at", "-id"), page)
