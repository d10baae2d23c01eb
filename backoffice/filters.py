"""List filters and predicates of the ideas admin (trash, owner account, tags)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ideas.models import Idea

# The API's tag filter, reused so the admin and the API agree on what "carries a tag" means.
from ideas.selectors.tags import ideas_with_tags


def tag_filter(queryset: QuerySet[Idea], tag: str) -> QuerySet[Idea]:
    """Ideas carrying the tag `tag` exactly, with the API's own tag filter (GIN index on PostgreSQL)."""
    return ideas_with_tags(queryset, (tag,))  # type: ignore[arg-type]


def in_trash(idea: Idea) -> bool:
    """Whether the creator moved the idea to the trash (it is then read-only until restored)."""
    return idea.trashed_at is not None


class TrashFilter(admin.SimpleListFilter):
    """Live ideas by default; the trash one click away (`?trash=trashed`).

    A moderator looking for an idea means a live one; the trash is what creators threw away,
    so it stays out of the default list rather than mixed in. There is no "both" view on purpose:
    each view is served by its own partial indexes, while "both" for one creator has no index to
    use (a second or more at a million ideas, for a creator whose ideas are all old).
    """

    title = "trash"
    parameter_name = "trash"
    default = "live"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        """Live (the default) or in the trash."""
        return [("live", "Live ideas"), ("trashed", "In the trash")]

    def value(self) -> str:
        """The chosen view; `live` when none is chosen (or an unknown one is)."""
        chosen = super().value()
        return chosen if chosen in ("live", "trashed") else self.default

    def choices(self, changelist: Any) -> Iterator[Any]:  # django-stubs: a TypedDict of its own
        """The two views, without Django's "All"."""
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
        """Filter on `trashed_at`."""
        if self.value() == "trashed":
            return queryset.filter(trashed_at__isnull=False)
        return queryset.filter(trashed_at__isnull=True)


class OwnerActiveFilter(admin.SimpleListFilter):
    """Filter ideas by whether their owner's account is active or deactivated."""

    title = "owner account"
    parameter_name = "owner_active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        """Active or deactivated."""
        return [("yes", "Active"), ("no", "Deactivated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
        """Filter on the owner's `is_active`."""
        if self.value() == "yes":
            return queryset.filter(user__is_active=True)
        if self.value() == "no":
            return queryset.filter(user__is_active=False)
        return queryset
