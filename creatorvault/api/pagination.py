"""Offset pagination: one `Page` type for every list, with a hard maximum page size.

`page_of(queryset, params)` counts, then fetches one slice of an ordered queryset (two queries,
one when the offset is past the end). An unordered queryset is refused: its pages could overlap
or skip rows from one request to the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from creatorvault.api.params import Integer, QueryParameters

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# OFFSET beyond this is refused rather than handed to the database (SQLite's integers are 64-bit).
MAX_OFFSET = 1_000_000_000

LIMIT = Integer(1, MAX_LIMIT)
OFFSET = Integer(0, MAX_OFFSET)
PAGE_PARAMETERS = QueryParameters({"limit": LIMIT, "offset": OFFSET})


@dataclass(frozen=True)
class PageParams:
    """Which slice of a list to answer."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with where it sits in the whole list."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        """True when items follow this page."""
        return self.offset + len(self.items) < self.total

    @property
    def pagination(self) -> dict[str, Any]:
        """The `pagination` object of every list answer."""
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "has_more": self.has_more}


def parse_page_params(query: Mapping[str, Sequence[str]]) -> PageParams:
    """`limit` and `offset` of a list that takes no other parameter (unknown ones are a 400)."""
    return PageParams(**PAGE_PARAMETERS.parse(query))


def page_of(queryset: QuerySet[Any], params: PageParams) -> Page[Any]:
    """The page `params` names of an ordered `queryset`."""
    if not queryset.ordered:
        raise ValueError("Paginating an unordered queryset: give it an order_by() with a unique last key.")
    total = queryset.count()
    items: list[Any] = []
    if params.offset < total:
        items = list(queryset[params.offset : params.offset + params.limit])
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
