"""Helpers of the backoffice tests: page URLs and staff members with chosen permissions."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import StaffUserFactory
from ideas.models import Idea

CHANGELIST = reverse("admin:ideas_idea_changelist")
SECRET = "the secret plan nobody may read"


def change_url(idea: Idea) -> str:
    """The admin page of one idea."""
    return reverse("admin:ideas_idea_change", args=[idea.pk])


def reveal_url(idea: Idea) -> str:
    """The reveal-notes page of one idea."""
    return reverse("admin:ideas_idea_reveal_notes", args=[idea.pk])


def moderator(*codenames: str) -> User:
    """A staff member (not superuser) holding the given `ideas` permissions."""
    user = StaffUserFactory.create()
    perms = Permission.objects.filter(content_type__app_label="ideas", codename__in=codenames)
    assert perms.count() == len(codenames)
    user.user_permissions.add(*perms)
    return user
