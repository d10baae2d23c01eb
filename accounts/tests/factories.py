"""factory-boy factories for accounts."""

from __future__ import annotations

import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A creator signed in through Better Auth (no usable password)."""

    class Meta:
        model = User
        django_get_or_create = ("id",)

    id = factory.Sequence(lambda n: f"user{n:04d}BetterAuthId{n:012d}")
    email = factory.Sequence(lambda n: f"creator{n}@example.com")
    name = factory.Sequence(lambda n: f"Creator {n}")
    password = factory.django.Password(None)


class StaffUserFactory(UserFactory):
    """A staff member who can log into the backoffice."""

    is_staff = True
    password = factory.django.Password("correct-horse-battery-staple")
