"""Writes of users: provisioning from Better Auth claims, and profile edits."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import NAME_MAX_LENGTH, User
from accounts.selectors import user_get
from creatorvault.errors import Conflict, ValidationFailed, field_error

logger = logging.getLogger("accounts.services")


def _clean_name(name: str) -> str:
    return name.strip()[:NAME_MAX_LENGTH]


def _clean_email(email: str) -> str:
    # Same normalisation as UserManager.create_user, so a repeated claim never looks "changed".
    return email.strip().lower()


def user_sync_from_claims(*, user_id: str, email: str, name: str, issued_at: datetime | None = None) -> User:
    """Return the user a verified token names, creating or refreshing them from its claims.

    * Unknown `user_id`: the user is created (unusable password). Two concurrent first requests
      both succeed: the loser of the insert race reads the winner's row.
    * Known user: one query; email and name are written only when they differ, and only when the
      token was issued at or after the row's last change (`issued_at >= updated_at`, to the
      second). That keeps an older, still-valid token from undoing a newer change (a name just
      edited through `PATCH /users/me`, or a newer token's email), so two tokens alive at once
      cannot make the row flip back and forth.
    * A deactivated user is returned untouched; the caller refuses them.

    Raises `Conflict` when the email already belongs to another user.
    """
    email, name = _clean_email(email), _clean_name(name)
    user = user_get(user_id=user_id)
    if user is None:
        return _user_create_from_claims(user_id=user_id, email=email, name=name)
    if not user.is_active:
        return user
    changed = [field for field, value in (("email", email), ("name", name)) if getattr(user, field) != value]
    if not changed:
        return user
    if issued_at is not None and issued_at.replace(microsecond=0) < user.updated_at.replace(microsecond=0):
        return user
    return _user_apply_claims(user=user, email=email, name=name, fields=changed)


def _user_create_from_claims(*, user_id: str, email: str, name: str) -> User:
    user = User(id=user_id, email=email, name=name)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        existing = user_get(user_id=user_id)
        if existing is not None:
            return existing  # a concurrent first request created it: same person, same row
        logger.warning("provisioning refused: email already belongs to another user")
        raise Conflict(
            "This email address already belongs to another account; ask an administrator to merge them."
        ) from None
    logger.info("user provisioned from Better Auth", extra={"user_id": user_id})
    return user


def _user_apply_claims(*, user: User, email: str, name: str, fields: list[str]) -> User:
    user.email, user.name = email, name
    try:
        with transaction.atomic():
            user.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        logger.warning("profile sync refused: email already belongs to another user")
        raise Conflict("This email address already belongs to another account.") from None
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    """Change the user's display name (the only field people edit here)."""
    cleaned = _clean_name(name)
    if not cleaned:
        raise ValidationFailed(
            "Name must not be blank",
            details=[field_error("name", "This field may not be blank.", "blank")],
        )
    if cleaned != user.name:
        user.name = cleaned
        user.save(update_fields=["name", "updated_at"])
    return user


# --- Moderation (the backoffice's deactivate/reactivate actions call these) ---------------------


@transaction.atomic
def user_deactivate(*, user: User) -> bool:
    """Deactivate `user`: their tokens get 403 from the next request on. False if already inactive.

    Authentication reads `is_active` from the database on every request, so nothing is cached to
    invalidate. Staff sessions of a deactivated staff member stop working too (Django refuses
    inactive users).
    """
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    logger.info("user deactivated", extra={"user_id": user.pk})
    return True


@transaction.atomic
def user_reactivate(*, user: User) -> bool:
    """Reactivate `user`: their valid tokens work again. False if already active."""
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    logger.info("user reactivated", extra={"user_id": user.pk})
    return True
