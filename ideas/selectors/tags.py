"""Reads of tags: which ideas carry some tags, and the caller's tags with how many ideas carry each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from accounts.models import User
from ideas.models import Idea, IdeaQuerySet


@dataclass(frozen=True)
class TagCount:
    """A tag the caller uses, with how many of their ideas carry it."""

    tag: str
    count: int


def ideas_with_tags(queryset: IdeaQuerySet, tags: tuple[str, ...]) -> IdeaQuerySet:
    """Ideas of `queryset` carrying every tag in `tags` (already normalised)."""
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
