"""Reads of the trash: the caller's trashed ideas, most recently trashed first."""

from __future__ import annotations

from django.db.models import F

from accounts.models import User
from creatorvault.api.cursor import SortKey
from creatorvault.api.pagination import ListPage, PageParams, list_page
from ideas.models import Idea


def trash_list(*, owner: User, page: PageParams) -> ListPage[Idea]:
    """A page of the caller's trash, most recently trashed first, by cursor or by offset."""
    return list_page(
        Idea.objects.in_trash_of(owner),
        keys=[SortKey(F("trashed_at"), descending=True)],
        params=page,
        listing=repr(("trash", str(owner.pk))),
    )
