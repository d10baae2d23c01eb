"""The moderation dashboard (the backoffice's index): how much there is, what is new, what staff did.

Counts stay fast at a million ideas: each is `EstimatedCountPaginator`'s count (exact up to
10,000 rows, read through an index; beyond that PostgreSQL's own estimate, `pg_class.reltuples`
or the plan's row count, shown as "about N"), and the whole set is kept in the shared cache for
`DASHBOARD_CACHE_SECONDS` (Redis with `REDIS_URL`, so every worker shares one computation). The
page says when the counts were taken. Recent reveals and staff actions are read fresh (two
indexed "newest 5" queries). Each tile links to the list it counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from backoffice.paginator import EstimatedCountPaginator
from backoffice.views import AuditEvent, recent_actions, recent_reveals
from ideas.models import Idea

DASHBOARD_CACHE_KEY = "backoffice:dashboard:counts:v1"
DASHBOARD_CACHE_SECONDS = 60
RECENT = 5


@dataclass(frozen=True)
class Tile:
    """One count on the dashboard, and the list it counts."""

    key: str
    label: str
    count: int
    estimated: bool
    url: str
    permission: str  # the view permission of the list it links to


def _count(queryset: QuerySet[Any]) -> tuple[int, bool]:
    paginator = EstimatedCountPaginator(queryset.order_by("pk"), 1)
    return paginator.count, paginator.is_estimate


def week_start(now: datetime) -> datetime:
    """Midnight seven days ago, as the lists' "Past 7 days" filter counts (so the numbers agree)."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=7)


def _compute(now: datetime) -> dict[str, Any]:
    since = week_start(now)
    until = since + timedelta(days=8)
    week = {"created_at__gte": str(since), "created_at__lt": str(until)}
    users = reverse("admin:accounts_user_changelist")
    ideas = reverse("admin:ideas_idea_changelist")
    creators = User.objects.filter(is_staff=False)
    live = Idea.objects.filter(trashed_at__isnull=True)
    see_users, see_ideas = "accounts.view_user", "ideas.view_idea"
    specs = [
        ("creators", "Creators", creators, f"{users}?is_staff__exact=0", see_users),
        ("new_creators", "New creators this week", creators.filter(created_at__gte=since),
         f"{users}?{urlencode({'is_staff__exact': '0', **week})}", see_users),
        ("deactivated", "Deactivated accounts", User.objects.filter(is_active=False),
         f"{users}?is_active__exact=0", see_users),
        ("ideas", "Live ideas", live, ideas, see_ideas),
        ("new_ideas", "New ideas this week", live.filter(created_at__gte=since), f"{ideas}?{urlencode(week)}",
         see_ideas),
        ("trashed", "Ideas in the trash", Idea.objects.filter(trashed_at__isnull=False),
         f"{ideas}?trash=trashed", see_ideas),
    ]  # fmt: skip
    tiles = []
    for key, label, queryset, url, permission in specs:
        count, estimated = _count(queryset)
        tiles.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "estimated": estimated,
                "url": url,
                "permission": permission,
            }
        )
    return {"at": now, "tiles": tiles}


def dashboard_counts() -> tuple[datetime, list[Tile]]:
    """The counts (cached for a minute) and when they were taken."""
    cached = cache.get(DASHBOARD_CACHE_KEY)
    if cached is None:
        cached = _compute(timezone.now())
        cache.set(DASHBOARD_CACHE_KEY, cached, DASHBOARD_CACHE_SECONDS)
    return cached["at"], [Tile(**tile) for tile in cached["tiles"]]


def dashboard_for(user: Any) -> dict[str, Any]:
    """What the index shows this staff member: the counts they may see, recent reveals and actions."""
    at, tiles = dashboard_counts()
    visible = [tile for tile in tiles if user.has_perm(tile.permission)]
    reveals: list[AuditEvent] = recent_reveals(None, RECENT) if user.has_perm("audit.view_notereveal") else []
    actions: list[AuditEvent] = recent_actions(None, RECENT) if user.has_perm("admin.view_logentry") else []
    return {
        "counted_at": at,
        "cache_seconds": DASHBOARD_CACHE_SECONDS,
        "tiles": visible,
        "reveals": reveals,
        "actions": actions,
        "can_reveals": user.has_perm("audit.view_notereveal"),
        "can_actions": user.has_perm("admin.view_logentry"),
    }
