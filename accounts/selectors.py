"""Reads of users."""

from __future__ import annotations

from accounts.models import User


def user_get(*, user_id: str) -> User | None:
    """The user whose id (the Better Auth `sub`) is `user_id`, or None. One query."""
    return User.objects.filter(pk=user_id).first()


def user_find(*, identifier: str) -> User | None:
    """The user whose id is `identifier`, else whose e-mail is (case-insensitively); None if neither."""
    identifier = identifier.strip()
    if not identifier:
        return None
    return User.objects.filter(pk=identifier).first() or User.objects.filter(email__iexact=identifier).first()
