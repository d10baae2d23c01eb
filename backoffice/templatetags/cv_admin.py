"""Template tags of the backoffice lists: a cheap date drill-down, and the ideas list's trash tabs.

`{% cheap_date_hierarchy cl %}`: the admin's date drill-down without scanning a big table.

Django's own `{% date_hierarchy %}` lists the years (or months, or days) that hold rows with
`SELECT DISTINCT date_trunc(...)`, which reads every row of the current list: seconds on a
million ideas. This one asks only for the first and last date of the current list (`MIN`/`MAX`,
two index lookups when the field is indexed) and offers every calendar year, month or day between
them. The price: a year or month with no rows can appear, and shows an empty list when chosen.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst

register = template.Library()


def _bounds(cl: Any, field_name: str) -> tuple[datetime.date, datetime.date] | None:
    found = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
    first, last = found["first"], found["last"]
    if first is None or last is None:
        return None
    if isinstance(first, datetime.datetime):
        first = timezone.localtime(first) if timezone.is_aware(first) else first
        last = timezone.localtime(last) if timezone.is_aware(last) else last
        return first.date(), last.date()
    return first, last


def cheap_date_hierarchy(cl: Any) -> dict[str, Any] | None:
    """The context of `admin/date_hierarchy.html`, built from the list's first and last dates."""
    if not cl.date_hierarchy:
        return None
    field_name = cl.date_hierarchy
    year_field, month_field, day_field = (f"{field_name}__{part}" for part in ("year", "month", "day"))
    year, month, day = (cl.params.get(name) for name in (year_field, month_field, day_field))

    def link(filters: dict[str, Any]) -> str:
        return str(cl.get_query_string(filters, [f"{field_name}__"]))

    bounds = None
    if not (year or month or day):
        bounds = _bounds(cl, field_name)
        if bounds and bounds[0].year == bounds[1].year:
            year = bounds[0].year
            if bounds[0].month == bounds[1].month:
                month = bounds[0].month

    if year and month and day:
        chosen = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        year_n, month_n = int(year), int(month)
        bounds = bounds or _bounds(cl, field_name)
        first_day, last_day = 1, calendar.monthrange(year_n, month_n)[1]
        if bounds:
            first_day, last_day = bounds[0].day, bounds[1].day
        days = [datetime.date(year_n, month_n, n) for n in range(first_day, last_day + 1)] if bounds else []
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in days
            ],
        }
    if year:
        year_n = int(year)
        bounds = bounds or _bounds(cl, field_name)
        months = (
            [datetime.date(year_n, m, 1) for m in range(bounds[0].month, bounds[1].month + 1)]
            if bounds
            else []
        )
        return {
            "show": True,
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m.month}),
                    "title": capfirst(formats.date_format(m, "YEAR_MONTH_FORMAT")),
                }
                for m in months
            ],
        }
    years = range(bounds[0].year, bounds[1].year + 1) if bounds else range(0)
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({year_field: str(y)}), "title": str(y)} for y in years],
    }


@register.tag(name="cheap_date_hierarchy")
def cheap_date_hierarchy_tag(parser: template.base.Parser, token: template.base.Token) -> InclusionAdminNode:
    """`{% cheap_date_hierarchy cl %}`, rendered with the admin's own `date_hierarchy.html`."""
    return InclusionAdminNode(
        parser, token, func=cheap_date_hierarchy, template_name="date_hierarchy.html", takes_context=False
    )


@register.simple_tag
def trash_tabs(cl: Any) -> list[dict[str, Any]]:
    """`{% trash_tabs cl as tabs %}`: the trash filter's choices (live, in the trash, all) as tabs."""
    for spec in getattr(cl, "filter_specs", ()):
        if getattr(spec, "parameter_name", None) == "trash":
            return list(spec.choices(cl))
    return []
