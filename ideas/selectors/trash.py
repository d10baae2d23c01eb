"""Reads of the trash: the caller's trashed ideas, most recently trashed first."""

from __future__ import annotations

from accounts.models import User
from creatorvault.api.pagination import Page, PageParams, page_of
from ideas.models import Idea


def trash_list(*, owner: User, page: PageParams) -> Page[Idea]:
    """A page of the caller's trash, most recently trashed first (two queries)."""
    return page_of(Idea.objects.in_trash_of(owner).order_by("-trashed_at", "-id"), page)
