"""List filters and predicates of the ideas admin (trash, owner account, tags)."""

from __future__ import annotations

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
    """Filter ideas by whether they are live or in their creator's trash."""

    title = "trash"
    parameter_name = "trash"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        """Live or in the trash."""
        return [("live", "Live"), ("trashed", "In the trash")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
        """Filter on `trashed_at`."""
        if self.value() == "live":
            return queryset.filter(trashed_at__isnull=True)
        if self.value() == "trashed":
            return queryset.filter(trashed_at__isnull=False)
        return queryset


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
