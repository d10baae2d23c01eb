"""Reads of users."""

from __future__ import annotations

from accounts.models import User


def user_get(*, user_id: str) -> User | None:
    """The user whose id (the Better Auth `sub`) is `user_id`, or None. One query."""
    return User.objects.filter(pk=user_id).first()
