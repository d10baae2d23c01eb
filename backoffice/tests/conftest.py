"""Fixtures of the backoffice tests: a logged-in superuser and an idea with secret notes."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import StaffUserFactory
from backoffice.tests.helpers import SECRET
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory


@pytest.fixture
def superuser(db) -> User:
    """A staff superuser of the backoffice."""
    return StaffUserFactory.create(email="root@example.com", is_superuser=True)


@pytest.fixture
def staff_client(superuser: User) -> Client:
    """A client logged in as a staff superuser."""
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def idea(owner: User) -> Idea:
    """An idea of the owner's, with notes no staff member may read without revealing them."""
    return IdeaFactory.create(
        user=owner,
        title="AI Content Tools Research",
        notes=SECRET,
        tags=["blog", "research"],
        priority="high",
    )
