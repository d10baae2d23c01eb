"""The User model: a Better Auth identity (string id) or a staff account."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models

# Better Auth ids are 32 URL-safe characters; staff accounts get one of the same shape.
GENERATED_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
NAME_MAX_LENGTH = 255


def generate_user_id() -> str:
    """A random 32-character id shaped like Better Auth's."""
    return "".join(secrets.choice(GENERATED_ID_ALPHABET) for _ in range(32))


class UserManager(BaseUserManager["User"]):
    """Creates users; people from Better Auth have no usable password."""

    use_in_migrations = True

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
