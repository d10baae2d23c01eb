"""Pagination: one `Page` type for offset lists, `ListPage` for lists that also take a cursor.

`page_of(queryset, params)` counts, then fetches one slice of an ordered queryset (two queries,
one when the offset is past the end). An unordered queryset is refused: its pages could overlap
or skip rows from one request to the next.

`list_page(queryset, keys=…, params=…, listing=…)` serves both styles of the same list, in the
order of `keys` (ties broken by id, `creatorvault.api.cursor`):

- without `cursor`: `limit`/`offset`, counted (`total`), two queries as `page_of`, and the
  `next_cursor` of the page after it;
- with `cursor`: the rows after it, one query, no count (`total` and `offset` are null). The
  cursor wins: an `offset` sent with it is ignored. Cursor pages stay right while rows are added
  and removed (what infinite scroll needs); offset pages shift.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from creatorvault.api.cursor import CURSOR_MAX_CHARS, SortKey, cursor_page
from creatorvault.api.params import Integer, QueryParameters, Text

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# OFFSET beyond this is refused rather than handed to the database (SQLite's integers are 64-bit).
MAX_OFFSET = 1_000_000_000

LIMIT = Integer(1, MAX_LIMIT)
OFFSET = Integer(0, MAX_OFFSET)
CURSOR = Text(CURSOR_MAX_CHARS)
PAGE_PARAMETERS = QueryParameters({"limit": LIMIT, "offset": OFFSET})
LIST_PAGE_PARAMETERS = QueryParameters({"limit": LIMIT, "offset": OFFSET, "cursor": CURSOR})


@dataclass(frozen=True)
class PageParams:
    """Which slice of a list to answer."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    #: The opaque cursor of a list served by `list_page` (wins over `offset`).
    cursor: str | None = None


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


def parse_list_page_params(query: Mapping[str, Sequence[str]]) -> PageParams:
    """`limit`, `offset` and `cursor` of a list served by `list_page`, taking no other parameter."""
    return PageParams(**LIST_PAGE_PARAMETERS.parse(query))


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """One page of a list served by `list_page`: offset pages are counted, cursor pages not."""

    items: list[T]
    limit: int
    offset: int | None
    total: int | None
    next_cursor: str | None

    @property
    def has_more(self) -> bool:
        """True when items follow this page (`next_cursor` fetches them)."""
        return self.next_cursor is not None

    @property
    def pagination(self) -> dict[str, Any]:
        """The `pagination` object of the list answer."""
        return {
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "has_more": self.has_more,
            "next_cursor": self.next_cursor,
        }


def list_page(
    queryset: QuerySet[Any],
    *,
    keys: Sequence[SortKey],
    params: PageParams,
    listing: str,
    total: Callable[[], int] | None = None,
) -> ListPage[Any]:
    """The page `params` names (by cursor, or else by offset) of `queryset` in the order of `keys`.

    `listing` names the list (owner, filters, sort) so that a cursor works only where it was
    issued. A cursor page is one query; an offset page counts first (one query when past the end).
    `total` gives the offset page's total instead of `queryset.count()` (e.g. a remembered one).
    """
    if params.cursor:  # `cursor=` (empty) is no cursor, as in every cursor list: the first page
        page = cursor_page(queryset, keys=keys, limit=params.limit, cursor=params.cursor, listing=listing)
        return ListPage(
            items=page.items, limit=params.limit, offset=None, total=None, next_cursor=page.next_cursor
        )
    count = (total or queryset.count)()
    if params.offset >= count:
        return ListPage(items=[], limit=params.limit, offset=params.offset, total=count, next_cursor=None)
    page = cursor_page(
        queryset, keys=keys, limit=params.limit, cursor=None, listing=listing, offset=params.offset
    )
    return ListPage(
        items=page.items, limit=params.limit, offset=params.offset, total=count, next_cursor=page.next_cursor
    )


def page_of(queryset: QuerySet[Any], params: PageParams) -> Page[Any]:
    """The page `params` names of an ordered `queryset`."""
    if not queryset.ordered:
        raise ValueError("Paginating an unordered queryset: give it an order_by() with a unique last key.")
    total = queryset.count()
    items: list[Any] = []
    if params.offset < total:
        items = list(queryset[params.offset : params.offset + params.limit])
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
