"""Reads of ideas: one idea, and a filtered, sorted page of ideas.

Every query starts from `Idea.objects.for_owner(owner)`: scoping to the caller happens there and
nowhere else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.db.models.functions import Lower

from accounts.models import User
from creatorvault.api.cursor import CursorPage, SortKey, cursor_page
from creatorvault.api.pagination import ListPage, PageParams, list_page
from creatorvault.errors import NotFound
from ideas.models import Idea
from ideas.selectors.params import IdeaListParams
from ideas.selectors.search import ideas_matching, ideas_matching_with_reasons
from ideas.selectors.tags import ideas_with_tags
from ideas.totals import listing_total


def as_idea_id(idea_id: uuid.UUID | str) -> uuid.UUID:
    """A malformed id is simply an idea that does not exist."""
    if isinstance(idea_id, uuid.UUID):
        return idea_id
    try:
        return uuid.UUID(str(idea_id))
    except ValueError:
        raise NotFound("No such idea.") from None


def idea_get(*, owner: User, idea_id: uuid.UUID | str) -> Idea:
    """The caller's idea `idea_id`; `NotFound` when it does not exist or is someone else's."""
    idea = Idea.objects.for_owner(owner).filter(pk=as_idea_id(idea_id)).first()
    if idea is None:
        raise NotFound("No such idea.")
    return idea


# Sort keys: semantic ranks for stage and priority, case-insensitive title, and the id as the last
# key in the same direction, so equal keys still have one fixed order and pages never overlap.
_SORT_EXPRESSIONS: dict[str, Any] = {
    "created_at": F("created_at"),
    "updated_at": F("updated_at"),
    "title": Lower("title"),
    "priority": F("priority_rank"),
    "stage": F("stage_rank"),
    "due_date": F("due_date"),
}


def _filtered(owner: User, params: IdeaListParams, *, in_trash: bool = False) -> Any:
    queryset = Idea.objects.in_trash_of(owner) if in_trash else Idea.objects.for_owner(owner)
    if params.stage:
        queryset = queryset.filter(stage=params.stage)
    if params.priority:
        queryset = queryset.filter(priority=params.priority)
    return ideas_with_tags(queryset, params.tags)


def _sort_key(params: IdeaListParams) -> SortKey:
    # Ideas without a due date come last whichever way the list runs; `cursor_page` adds the id
    # in the same direction as the last key.
    return SortKey(
        _SORT_EXPRESSIONS[params.sort],
        descending=params.order == "desc",
        nulls_last=params.sort == "due_date",
    )


def _listing(owner: User, params: IdeaListParams, *, in_trash: bool, search_notes: bool) -> str:
    # What a cursor is bound to: the owner, every filter and the sort (never the page).
    return repr(
        (
            "ideas",
            str(owner.pk),
            in_trash,
            params.stage,
            params.priority,
            params.tags,
            params.search,
            search_notes,
            params.sort,
            params.order,
        )
    )


def idea_list(*, owner: User, params: IdeaListParams, search_notes: bool = True) -> ListPage[Idea]:
    """The caller's ideas filtered, sorted and paginated by `params`, by cursor or by offset.

    With `params.cursor`, the ideas after it (one query, stays right while ideas are added or
    trashed; `offset` is ignored); otherwise by `offset`, counted (two queries, any size; one
    while the total is remembered, `ideas.totals`). Every
    sort is served by an owner-first index. `search_notes=False` (a caller who may not read
    notes) makes `search` match titles only, so that which ideas a word finds cannot reveal what
    their notes say.
    """
    queryset = ideas_matching(
        _filtered(owner, params), params.search, owner=owner, include_notes=search_notes
    )
    listing = _listing(owner, params, in_trash=False, search_notes=search_notes)
    return list_page(
        queryset,
        keys=[_sort_key(params)],
        params=PageParams(limit=params.limit, offset=params.offset, cursor=params.cursor),
        listing=listing,
        total=lambda: listing_total(owner_id=owner.pk, listing=listing, count=queryset.count),
    )


@dataclass(frozen=True)
class IdeaCursorPage:
    """A page of ideas after a cursor, and how many ideas the whole (filtered) list holds."""

    page: CursorPage[Idea]
    total: int


def idea_list_after(
    *,
    owner: User,
    params: IdeaListParams,
    cursor: str | None,
    in_trash: bool = False,
    search_notes: bool = True,
) -> IdeaCursorPage:
    """The caller's ideas filtered and sorted by `params`, `params.limit` of them after `cursor`.

    Cursor pagination (`creatorvault.api.cursor`): pages stay right while ideas are added or
    trashed. `params.offset` is not used. With `params.search`, each idea says where it matched
    (`title_matched`, `notes_matched`); `search_notes=False` matches titles only (as `idea_list`).
    `in_trash` lists the caller's trash instead of the live ideas. Two queries: the page and the
    total (one when the first page holds everything).
    """
    queryset = _filtered(owner, params, in_trash=in_trash)
    if params.search:
        queryset = ideas_matching_with_reasons(
            queryset, params.search, owner=owner, include_notes=search_notes
        )
    listing = _listing(owner, params, in_trash=in_trash, search_notes=search_notes)
    page = cursor_page(queryset, keys=[_sort_key(params)], limit=params.limit, cursor=cursor, listing=listing)
    if cursor is None and not page.has_more:
        total = len(page.items)
    else:
        total = listing_total(owner_id=owner.pk, listing=listing, count=queryset.count)
    return IdeaCursorPage(page=page, total=total)
