"""Writes of identity: users (provisioning from Better Auth claims, profile edits, moderation) and
personal access tokens (making, revoking, and accepting one on a request)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import NAME_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH, PersonalAccessToken, User
from accounts.scopes import Scope, canonical_scopes
from accounts.selectors import token_for_credential, token_get, user_get
from accounts.token_strings import (
    MalformedToken,
    check_secret,
    new_token,
    new_token_id,
    parse_token,
    secret_hash,
)
from creatorvault.errors import Conflict, ValidationFailed, field_error
from creatorvault.text import has_control_chars

logger = logging.getLogger("accounts.services")


def _clean_name(name: str) -> str:
    return name.strip()[:NAME_MAX_LENGTH]


def _clean_email(email: str) -> str:
    # Same normalisation as UserManager.create_user, so a repeated claim never looks "changed".
    return email.strip().lower()


def user_matches_claims(user: User, *, email: str, name: str) -> bool:
    """Whether syncing `user` from these claims would write nothing (`user_sync_from_claims`'s rules).

    The email must be the claim's; the name only matters while the profile has none (a claim only
    seeds an empty name).
    """
    return user.email == _clean_email(email) and (bool(user.name) or user.name == _clean_name(name))


def user_sync_from_claims(*, user_id: str, email: str, name: str, issued_at: datetime | None = None) -> User:
    """Return the user a verified token names, creating or refreshing them from its claims.

    * Unknown `user_id`: the user is created (unusable password). Two concurrent first requests
      both succeed: the loser of the insert race reads the winner's row.
    * Known user: one query; the email is written only when it differs, and only when the token
      was issued at or after the row's last change (`issued_at >= updated_at`, to the second), so
      an older, still-valid token cannot undo a newer token's email and two tokens alive at once
      cannot make the row flip back and forth.
    * The name has one source of truth: the creator's profile here (`PATCH /users/me`). A token's
      `name` claim only seeds it, when the user is created or while the profile has no name, and
      never overwrites a name the profile holds (so a new token cannot revert a rename).
    * A deactivated user is returned untouched; the caller refuses them.

    Raises `Conflict` when the email already belongs to another user.
    """
    email, name = _clean_email(email), _clean_name(name)
    user = user_get(user_id=user_id)
    if user is None:
        return _user_create_from_claims(user_id=user_id, email=email, name=name)
    if not user.is_active:
        return user
    if user.name:
        name = user.name  # the profile's name wins: claims only fill an empty one
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

    Saving forgets the account's cached copy in every worker (`accounts.caller_cache`), so the next
    request reads `is_active` from the database. Staff sessions of a deactivated staff member stop
    working too (Django refuses inactive users).
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


# --- Personal access tokens (`accounts.token_strings` has the string format and its hash) ------

TOKENS_LIVE_MAX = 50
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
# `last_used_at` is written at most this often per token, so a busy script costs no write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


class PersonalTokenRejected(Exception):
    """A personal access token is not acceptable; `str(error)` is safe to show the caller."""


@dataclass(frozen=True, repr=False)
class IssuedToken:
    """A token just made, with its string: the only time the secret exists outside the caller."""

    token: PersonalAccessToken
    token_string: str

    def __repr__(self) -> str:
        return f"IssuedToken(token={self.token!r}, token_string=<hidden>)"


def _clean_token_fields(*, name: str, scopes: list[str], expires_in_days: int) -> tuple[str, list[str]]:
    details = []
    cleaned_name = name.strip()
    if not cleaned_name or len(cleaned_name) > TOKEN_NAME_MAX_LENGTH or has_control_chars(cleaned_name):
        details.append(
            field_error("name", f"1 to {TOKEN_NAME_MAX_LENGTH} characters, no control characters.")
        )
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if not scopes or unknown:
        details.append(field_error("scopes", "One or more of: " + ", ".join(Scope.values) + "."))
    if isinstance(expires_in_days, bool) or not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        details.append(field_error("expires_in_days", f"From 1 to {TOKEN_MAX_DAYS} days."))
    if details:
        raise ValidationFailed.of(details)
    return cleaned_name, canonical_scopes(scopes)


@transaction.atomic
def token_create(
    *, owner: User, name: str, scopes: list[str], expires_in_days: int = TOKEN_DEFAULT_DAYS
) -> IssuedToken:
    """Make a personal access token for `owner`; the returned string is never stored or shown again.

    Refuses (`Conflict`) a creator who already has `TOKENS_LIVE_MAX` live tokens. The owner's row
    is locked first, so concurrent requests cannot both take the last free place.
    """
    cleaned_name, cleaned_scopes = _clean_token_fields(
        name=name, scopes=scopes, expires_in_days=expires_in_days
    )
    User.objects.select_for_update().filter(pk=owner.pk).first()
    now = timezone.now()
    if PersonalAccessToken.objects.filter(owner=owner).live(at=now).count() >= TOKENS_LIVE_MAX:
        raise Conflict(
            f"You already have {TOKENS_LIVE_MAX} live personal access tokens, the most allowed; "
            "revoke one first."
        )
    for _ in range(3):  # a clash of 71 random bits is next to impossible, but never a 500
        token_string = new_token(new_token_id())
        token = PersonalAccessToken(
            id=token_string.token_id,
            owner=owner,
            name=cleaned_name,
            secret_hash=secret_hash(token_string),
            scopes=cleaned_scopes,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        try:
            with transaction.atomic():
                token.save(force_insert=True)
        except IntegrityError:
            continue
        logger.info("personal access token created", extra={"user_id": owner.pk})
        return IssuedToken(token=token, token_string=str(token_string))
    raise Conflict("Could not make a token; try again.")


def token_revoke(*, token: PersonalAccessToken) -> bool:
    """Revoke `token`: it fails from the next request on, in every worker. False if already revoked.

    Nothing caches verified tokens, so there is nothing to invalidate: every request reads the row.
    """
    now = timezone.now()
    revoked = PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        token.revoked_at = now
        logger.info("personal access token revoked", extra={"user_id": token.owner_id})
    return bool(revoked)


def token_revoke_own(*, owner: User, token_id: str) -> PersonalAccessToken:
    """Revoke the caller's own token `token_id` (a no-op if already revoked); `NotFound` if not theirs."""
    token = token_get(owner=owner, token_id=token_id)
    token_revoke(token=token)
    return token


def token_authenticate(*, token_string: str) -> PersonalAccessToken:
    """The live token `token_string` names, its owner loaded; raise `PersonalTokenRejected` otherwise.

    One indexed query (the token by primary key, joined with its owner), plus a write of
    `last_used_at` at most once a minute per token. A malformed string never reaches the database.
    """
    try:
        presented = parse_token(token_string)
    except MalformedToken as error:
        raise PersonalTokenRejected(str(error)) from None
    token = token_for_credential(token_id=presented.token_id)
    check = check_secret(presented, token.secret_hash) if token is not None else None
    if token is None or check is None or not check.matches:
        raise PersonalTokenRejected("Personal access token is not recognised.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise PersonalTokenRejected("Personal access token has been revoked.")
    if token.expires_at <= now:
        raise PersonalTokenRejected("Personal access token has expired.")
    if check.stale_key:
        token.secret_hash = secret_hash(presented)
        PersonalAccessToken.objects.filter(pk=token.pk).update(secret_hash=token.secret_hash)
    _token_mark_used(token=token, now=now)
    return token


def _token_mark_used(*, token: PersonalAccessToken, now: datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # The condition repeats in SQL so that of concurrent requests (other workers) only one writes.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    PersonalAccessToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
