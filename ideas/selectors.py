"""Reads of ideas: one idea, a filtered page of ideas, the caller's tags.

Every query starts from `Idea.objects.for_owner(owner)`: scoping to the caller happens there and
nowhere else. Search lives in `_search` alone, so it can change (notes are to be sealed at rest)
without touching anything else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import CharField, F, Func, OrderBy, Q
from django.db.models.expressions import RawSQL
from django.db.models.fields import BooleanField
from django.db.models.functions import Lower

from accounts.models import User
from creatorvault.errors import NotFound
from ideas.filters import IdeaListParams
from ideas.models import Idea, IdeaQuerySet
from ideas.notes import note_search_q


@dataclass(frozen=True)
class IdeaPage:
    """One page of a list of ideas, with what the client needs to page on."""

    ideas: list[Idea]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        """True when ideas follow this page."""
        return self.offset + len(self.ideas) < self.total


@dataclass(frozen=True)
class TagCount:
    """A tag the caller uses, with how many of their ideas carry it."""

    tag: str
    count: int


def idea_get(*, owner: User, idea_id: uuid.UUID | str) -> Idea:
    """The caller's idea `idea_id`; `NotFound` when it does not exist or is someone else's."""
    idea = Idea.objects.for_owner(owner).filter(pk=as_idea_id(idea_id)).first()
    if idea is None:
        raise NotFound("No such idea.")
    return idea


def as_idea_id(idea_id: uuid.UUID | str) -> uuid.UUID:
    """A malformed id is simply an idea that does not exist."""
    if isinstance(idea_id, uuid.UUID):
        return idea_id
    try:
        return uuid.UUID(str(idea_id))
    except ValueError:
        raise NotFound("No such idea.") from None


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


def _ordering(params: IdeaListParams) -> list[OrderBy]:
    descending = params.order == "desc"
    # Ideas without a due date come last whichever way the list runs.
    nulls_last = True if params.sort == "due_date" else None
    key = OrderBy(_SORT_EXPRESSIONS[params.sort], descending=descending, nulls_last=nulls_last)
    return [key, OrderBy(F("id"), descending=descending)]


def _with_tags(queryset: IdeaQuerySet, tags: tuple[str, ...]) -> IdeaQuerySet:
    """Ideas carrying every tag in `tags`."""
    if not tags:
        return queryset
    if connection.vendor == "postgresql":
        # `tags @> '[...]'`, served by the GIN index of migration 0002.
        return queryset.filter(tags__contains=list(tags))
    # SQLite has no JSON containment operator: one EXISTS over json_each per tag.
    table = connection.ops.quote_name(Idea._meta.db_table)
    for tag in tags:
        queryset = queryset.filter(
            RawSQL(  # noqa: S611 - the tag is a bound parameter; the table name comes from the model
                f"EXISTS (SELECT 1 FROM json_each({table}.tags) WHERE json_each.value = %s)",  # noqa: S608
                (tag,),
                output_field=BooleanField(),
            )
        )
    return queryset


def _search(queryset: IdeaQuerySet, term: str | None, *, owner: Any) -> IdeaQuerySet:
    """Ideas whose title contains `term` (ignoring case) or whose notes hold every word of it.

    The one place search is defined. Titles match by substring (served by the trigram index on
    PostgreSQL). Notes are sealed at rest, so they match by whole word through the owner's keyed
    word index (`ideas.notes.note_search_q`): words are normalised (NFKC, casefolded) on both sides.
    """
    if not term:
        return queryset
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores the case of ASCII letters only ("über" would miss "Über"):
        # compare case-folded text instead (the function comes from `register_sqlite_functions`).
        queryset = queryset.alias(
            title_folded=Func(F("title"), function=SQLITE_CASEFOLD, output_field=CharField())
        )
        query = Q(title_folded__contains=term.casefold())
    else:
        query = Q(title__icontains=term)  # UPPER() on PostgreSQL folds every script
    notes_query = note_search_q(term, owner=owner)
    if notes_query is not None:
        query |= notes_query
    return queryset.filter(query)


SQLITE_CASEFOLD = "creatorvault_casefold"


def _casefold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite the Unicode case folding `_search` uses."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_CASEFOLD, 1, _casefold, deterministic=True)


def idea_list(*, owner: User, params: IdeaListParams) -> IdeaPage:
    """The caller's ideas filtered, sorted and paginated by `params` (two queries, any size)."""
    queryset = Idea.objects.for_owner(owner)
    if params.stage:
        queryset = queryset.filter(stage=params.stage)
    if params.priority:
        queryset = queryset.filter(priority=params.priority)
    queryset = _with_tags(queryset, params.tags)
    queryset = _search(queryset, params.search, owner=owner)
    total = queryset.count()
    ideas: list[Idea] = []
    if params.offset < total:
        ideas = list(queryset.order_by(*_ordering(params))[params.offset : params.offset + params.limit])
    return IdeaPage(ideas=ideas, total=total, limit=params.limit, offset=params.offset)


def tag_counts(*, owner: User) -> list[TagCount]:
    """The caller's tags with how many ideas carry each, most used first, then alphabetically."""
    scoped = Idea.objects.for_owner(owner).order_by().values("tags")
    inner_sql, params = scoped.query.sql_with_params()
    if connection.vendor == "postgresql":
        sql = (
            "SELECT t.tag, COUNT(*) AS n FROM (" + inner_sql + ") AS s "  # noqa: S608
            "CROSS JOIN LATERAL jsonb_array_elements_text(s.tags) AS t(tag) "
            "GROUP BY t.tag ORDER BY n DESC, t.tag ASC"
        )
    else:
        sql = (
            "SELECT j.value, COUNT(*) AS n FROM (" + inner_sql + ") AS s, json_each(s.tags) AS j "  # noqa: S608
            "GROUP BY j.value ORDER BY n DESC, j.value ASC"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [TagCount(tag=str(tag), count=int(count)) for tag, count in cursor.fetchall()]
