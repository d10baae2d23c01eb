"""Reads of ideas: one idea, and a filtered, sorted page of ideas.

Every query starts from `Idea.objects.for_owner(owner)`: scoping to the caller happens there and
nowhere else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import F
from django.db.models.functions import Lower

from accounts.models import User
from creatorvault.api.cursor import CursorPage, SortKey, cursor_after, cursor_page, ordered_by_keys
from creatorvault.api.pagination import ListPage, PageParams, list_page
from creatorvault.errors import NotFound
from ideas.models import Idea, IdeaQuerySet
from ideas.selectors import compiled
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


# The hot reads (an idea, a page of the list without search or cursor) run SQL the ORM compiled
# once per shape (`ideas.selectors.compiled`): the queryset is still built here, from
# `Idea.objects.for_owner`, but only once per shape and process, with sentinel values.
_SHAPES = compiled.Shapes()


def _prep(field: Any) -> compiled.Prep:
    def prep(value: Any, connection: Any) -> Any:
        return field.get_db_prep_value(value, connection, prepared=False)

    return prep


def _verbatim(value: Any, connection: Any) -> Any:
    return value


_OWNER = compiled.Slot(compiled.sentinel_text("owner"), _prep(Idea._meta.get_field("user").target_field))  # type: ignore[union-attr]
_ID = compiled.Slot(compiled.sentinel_uuid(0), _prep(Idea._meta.pk))
_STAGE = compiled.Slot(compiled.sentinel_text("stage"), _prep(Idea._meta.get_field("stage")))
_PRIORITY = compiled.Slot(compiled.sentinel_text("priority"), _prep(Idea._meta.get_field("priority")))
_TAGS_FIELD = Idea._meta.get_field("tags")


def _sentinel_owner(values: Any) -> User:
    return User(pk=values["owner"])


def _detail(owner: User, pk: uuid.UUID) -> IdeaQuerySet:
    # No ORDER BY (`.first()` would add one): the primary key finds one row at most.
    return Idea.objects.for_owner(owner).filter(pk=pk)


def idea_get(*, owner: User, idea_id: uuid.UUID | str) -> Idea:
    """The caller's idea `idea_id`; `NotFound` when it does not exist or is someone else's."""
    pk = as_idea_id(idea_id)
    alias = Idea.objects.db
    shape = _SHAPES.get(
        "detail",
        alias=alias,
        build=lambda values: _detail(_sentinel_owner(values), values["id"]),
        slots={"owner": _OWNER, "id": _ID},
    )
    if shape is None:
        ideas = list(_detail(owner, pk)[:2])
    else:
        rows = compiled.run(shape, {"owner": owner.pk, "id": pk}, alias=alias)
        ideas = shape.instances(rows, connections[alias])
    if not ideas:
        raise NotFound("No such idea.")
    return ideas[0]


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
    listing = _listing(owner, params, in_trash=False, search_notes=search_notes)
    if not params.search and not params.cursor:
        page = _compiled_offset_page(owner, params, listing)
        if page is not None:
            return page
    queryset = ideas_matching(
        _filtered(owner, params), params.search, owner=owner, include_notes=search_notes
    )
    return list_page(
        queryset,
        keys=[_sort_key(params)],
        params=PageParams(limit=params.limit, offset=params.offset, cursor=params.cursor),
        listing=listing,
        total=lambda: listing_total(owner_id=owner.pk, listing=listing, count=queryset.count),
    )


def _list_slots(params: IdeaListParams, alias: str) -> tuple[dict[str, compiled.Slot], bool]:
    """The values an offset page binds, and whether the tags are one (JSON) parameter."""
    slots = {"owner": _OWNER}
    if params.stage:
        slots["stage"] = _STAGE
    if params.priority:
        slots["priority"] = _PRIORITY
    tags_as_json = connections[alias].vendor == "postgresql"
    if params.tags and tags_as_json:
        sentinels = tuple(compiled.sentinel_text(f"tag{index}") for index in range(len(params.tags)))
        slots["tags"] = compiled.Slot(sentinels, _prep_tags)
    elif params.tags:
        for index in range(len(params.tags)):
            slots[f"tag{index}"] = compiled.Slot(compiled.sentinel_text(f"tag{index}"), _verbatim)
    return slots, tags_as_json


def _prep_tags(value: Any, connection: Any) -> Any:
    return _TAGS_FIELD.get_db_prep_value(list(value), connection, prepared=False)


def _compiled_offset_page(owner: User, params: IdeaListParams, listing: str) -> ListPage[Idea] | None:
    """`list_page` of a list without search, by offset, on SQL compiled once per shape (or None)."""
    alias = Idea.objects.db
    slots, tags_as_json = _list_slots(params, alias)
    ntags = len(params.tags)

    def build(values: Any) -> IdeaQuerySet:
        tags = values["tags"] if tags_as_json and ntags else tuple(values[f"tag{i}"] for i in range(ntags))
        shaped = IdeaListParams(stage=values.get("stage"), priority=values.get("priority"), tags=tags)
        return _filtered(_sentinel_owner(values), shaped)

    keys = [_sort_key(params)]

    def build_page(values: Any) -> IdeaQuerySet:
        return ordered_by_keys(build(values), keys)[0]  # type: ignore[return-value]

    key = ("list", bool(params.stage), bool(params.priority), ntags, params.sort, params.order)
    count_shape = _SHAPES.get(key, alias=alias, build=build, slots=slots, count=True)
    page_shape = _SHAPES.get(key, alias=alias, build=build_page, slots=slots)
    if count_shape is None or page_shape is None:
        return None
    values: dict[str, Any] = {"owner": owner.pk, "stage": params.stage, "priority": params.priority}
    if tags_as_json:
        values["tags"] = params.tags
    else:
        values.update({f"tag{index}": tag for index, tag in enumerate(params.tags)})
    total = listing_total(
        owner_id=owner.pk,
        listing=listing,
        count=lambda: int(compiled.run(count_shape, values, alias=alias)[0][0]),
    )
    limit, offset = params.limit, params.offset
    if offset >= total:
        return ListPage(items=[], limit=limit, offset=offset, total=total, next_cursor=None)
    connection = connections[alias]
    suffix = " " + connection.ops.limit_offset_sql(offset, offset + limit + 1)
    rows = page_shape.instances(compiled.run(page_shape, values, alias=alias, suffix=suffix), connection)
    aliases = [name for name, _ in page_shape.annotations]  # the sort keys, in order
    return ListPage(
        items=rows[:limit],
        limit=limit,
        offset=offset,
        total=total,
        next_cursor=cursor_after(listing, rows, limit=limit, aliases=aliases),
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
