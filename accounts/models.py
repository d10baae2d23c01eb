"""Identity: the User (a Better Auth identity or a staff account) and the personal access tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.token_strings import public_prefix

# Better Auth ids are 32 URL-safe characters; staff accounts get one of the same shape.
GENERATED_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
NAME_MAX_LENGTH = 255


def generate_user_id() -> str:
    """A random 32-character id shaped like Better Auth's."""
    return "".join(secrets.choice(GENERATED_ID_ALPHABET) for _ in range(32))


class UserQuerySet(models.QuerySet["User"]):
    """Queries of users: bulk writes forget the cached copies of the accounts they change."""

    def update(self, **kwargs: Any) -> int:
        """`QuerySet.update`, then forget the changed accounts' cached copies (`accounts.caller_cache`)."""
        from accounts.caller_cache import caller_forget

        user_ids = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        caller_forget(user_ids)
        return updated

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        """`QuerySet.bulk_update`, then forget the changed accounts' cached copies."""
        from accounts.caller_cache import caller_forget

        objs = list(objs)
        updated = super().bulk_update(objs, fields, batch_size=batch_size)
        caller_forget([obj.pk for obj in objs])
        return updated


class UserManager(BaseUserManager["User"]):
    """Creates users; people from Better Auth have no usable password."""

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        """Every query of users is a `UserQuerySet` (its bulk writes forget cached copies)."""
        return UserQuerySet(self.model, using=self._db)

    def create_user(
        self, email: str, password: str | None = None, *, id: str | None = None, **extra: Any
    ) -> User:
        """Create a user (with an unusable password when none is given)."""
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(id=id or generate_user_id(), email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        """Create a staff superuser (used by `createsuperuser`)."""
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a creator signed in through Better Auth, or a staff member of the backoffice."""

    id = models.CharField(primary_key=True, max_length=255, default=generate_user_id, editable=False)
    email = models.EmailField(unique=True, max_length=254)
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ("created_at", "id")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["created_at", "id"], name="user_created_idx")
        ]

    def __str__(self) -> str:
        return self.email


TOKEN_NAME_MAX_LENGTH = 100


class PersonalAccessTokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    """Queries of personal access tokens."""

    def live(self, *, at: datetime | None = None) -> PersonalAccessTokenQuerySet:
        """Tokens that still work: not revoked and not expired (at `at`, default now)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class PersonalAccessToken(models.Model):
    """A credential a creator makes for a script or an MCP client: limited by scopes, expiring, revocable.

    The token string (`accounts.token_strings`) embeds `id`, so verification is one primary-key
    lookup; only the keyed hash of its secret is stored. Rows stay after revocation (the creator
    and staff see when a token was revoked) and go with the account.
    """

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    # No index of its own: the (owner, created_at) index below serves every lookup by owner.
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="personal_access_tokens", db_index=False
    )
    name = models.CharField(max_length=TOKEN_NAME_MAX_LENGTH)
    secret_hash = models.CharField(max_length=128, editable=False)
    scopes = models.JSONField(default=list, help_text="Scope names (accounts.scopes.Scope).")
    # Set by the service with the same clock reading as `expires_at` (90 days means 90 days).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PersonalAccessTokenQuerySet] = PersonalAccessTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "personal access token"
        ordering = ("-created_at", "-id")
        indexes: ClassVar[list[models.Index]] = [
            # The owner's tokens, newest first (their list, the live count, the backoffice).
            models.Index(fields=["owner", "-created_at"], name="pat_owner_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def prefix(self) -> str:
        """The public start of the token string, `cvp_<id>`, shown in lists."""
        return public_prefix(self.id)

    def status_at(self, at: datetime) -> str:
        """`revoked`, `expired` or `active` at `at`."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= at:
            return "expired"
        return "active"

    @property
    def status(self) -> str:
        """`revoked`, `expired` or `active` now."""
        return self.status_at(timezone.now())
