"""Search: the one place that says which ideas a search term finds.

Titles match by substring, ignoring case (served by the trigram index on PostgreSQL). Notes are
sealed at rest, so they match by whole word through the owner's keyed word index: the term's
words are normalised (NFKC, casefolded) and hashed like the notes' words were.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Func, Q, Value

from creatorvault import sealing
from ideas.models import IdeaNoteToken, IdeaQuerySet

SQLITE_CASEFOLD = "creatorvault_casefold"


def notes_matching(term: str, *, owner: Any) -> Q | None:
    """A filter for ideas whose notes hold every word of `term` (whole words), or None if it has none.

    Hashes are made under every configured key, so ideas not yet rotated still match mid-rotation.
    """
    groups = sealing.search_term_hashes(term, scope=owner.pk)
    if groups is None:
        return None
    query = Q()
    for hashes in groups:
        matching = IdeaNoteToken.objects.filter(owner_id=owner.pk, token_hash__in=list(hashes))
        query &= Q(pk__in=matching.values("idea_id"))
    return query


def _title_matching(queryset: IdeaQuerySet, term: str) -> tuple[IdeaQuerySet, Q]:
    """`queryset` (with what the filter needs) and the filter for titles containing `term`, any case."""
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores the case of ASCII letters only ("über" would miss "Über"):
        # compare case-folded text instead (the function comes from `register_sqlite_functions`).
        queryset = queryset.alias(
            title_folded=Func(F("title"), function=SQLITE_CASEFOLD, output_field=CharField())
        )
        return queryset, Q(title_folded__contains=term.casefold())
    return queryset, Q(title__icontains=term)  # UPPER() on PostgreSQL folds every script


def ideas_matching(
    queryset: IdeaQuerySet, term: str | None, *, owner: Any, include_notes: bool = True
) -> IdeaQuerySet:
    """Ideas of `queryset` whose title contains `term` (any case) or whose notes hold its every word.

    With `include_notes=False`, titles only.
    """
    if not term:
        return queryset
    queryset, query = _title_matching(queryset, term)
    notes_query = notes_matching(term, owner=owner) if include_notes else None
    if notes_query is not None:
        query |= notes_query
    return queryset.filter(query)


def ideas_matching_with_reasons(
    queryset: IdeaQuerySet, term: str, *, owner: Any, include_notes: bool = True
) -> IdeaQuerySet:
    """`ideas_matching`, each idea annotated with where it matched: `title_matched`, `notes_matched`.

    For callers that may say *that* notes matched without showing them (the assistant's search).
    With `include_notes=False`, titles only (`notes_matched` is always false).
    """
    queryset, title_query = _title_matching(queryset, term)
    notes_query = notes_matching(term, owner=owner) if include_notes else None
    queryset = queryset.annotate(title_matched=ExpressionWrapper(title_query, output_field=BooleanField()))
    if notes_query is None:
        return queryset.annotate(notes_matched=Value(False, output_field=BooleanField())).filter(title_query)
    queryset = queryset.annotate(notes_matched=ExpressionWrapper(notes_query, output_field=BooleanField()))
    return queryset.filter(title_query | notes_query)


def _casefold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite the Unicode case folding search uses."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_CASEFOLD, 1, _casefold, deterministic=True)
