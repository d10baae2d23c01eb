"""The audit page of the backoffice: admin actions and note reveals, newest first, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views import View

from audit.models import NoteReveal

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit page."""

    at: datetime
    kind: str  # "action" or "reveal"
    who: str
    what: str
    target: str
    detail: str
    url: str = ""


def _actions(before: datetime | None) -> list[AuditEvent]:
    entries = LogEntry.objects.select_related("user", "content_type").order_by("-action_time", "-id")
    events: list[AuditEvent] = []
    if before is not None:
        entries = entries.filter(action_time__lt=before)
    for entry in entries[:PAGE_SIZE]:
        content_type: Any = entry.content_type
        user: Any = entry.user
        events.append(
            AuditEvent(
                at=entry.action_time,
                kind="action",
                who=user.get_username() if user else "—",
                what={1: "Added", 2: "Changed", 3: "Deleted"}.get(entry.action_flag, "Action"),
                target=f"{content_type.name if content_type else '?'}: {entry.object_repr}",
                detail=entry.get_change_message(),
                url=entry.get_admin_url() or "" if entry.action_flag != DELETION else "",
            )
        )
    return events


def _reveals(before: datetime | None) -> list[AuditEvent]:
    reveals = NoteReveal.objects.order_by("-revealed_at", "-id")
    if before is not None:
        reveals = reveals.filter(revealed_at__lt=before)
    return [
        AuditEvent(
            at=reveal.revealed_at,
            kind="reveal",
            who=reveal.staff_email,
            what="Revealed notes",
            target=f"idea {reveal.idea_id}",
            detail=reveal.reason,
            url=reverse("admin:ideas_idea_change", args=[reveal.idea_id]),
        )
        for reveal in reveals[:PAGE_SIZE]
    ]


class AuditView(View):
    """`/admin/audit/`: one timeline of LogEntry rows and NoteReveal rows (`?kind=`, `?before=`).

    Staff need the view permission of what they see: `admin.view_logentry` for actions,
    `audit.view_notereveal` for reveals. Nothing here writes.
    """

    admin_site: admin.AdminSite | None = None

    def get(self, request: HttpRequest) -> HttpResponse:
        """Render one page of the timeline, older pages through `?before=<timestamp>`."""
        user = request.user
        can_actions = user.has_perm("admin.view_logentry")
        can_reveals = user.has_perm("audit.view_notereveal")
        if not (can_actions or can_reveals):
            raise PermissionDenied
        kind = request.GET.get("kind", "all")
        if kind not in ("all", "action", "reveal"):
            kind = "all"
        before = parse_datetime(request.GET.get("before", "")) if request.GET.get("before") else None
        events: list[AuditEvent] = []
        if can_actions and kind in ("all", "action"):
            events += _actions(before)
        if can_reveals and kind in ("all", "reveal"):
            events += _reveals(before)
        events.sort(key=lambda event: event.at, reverse=True)
        page = events[:PAGE_SIZE]
        context: dict[str, Any] = {
            **(self.admin_site.each_context(request) if self.admin_site else {}),
            "title": "Audit log",
            "events": page,
            "kind": kind,
            "can_actions": can_actions,
            "can_reveals": can_reveals,
            "older": page[-1].at.isoformat() if len(events) > PAGE_SIZE else None,
        }
        return TemplateResponse(request, "admin/audit/timeline.html", context)
