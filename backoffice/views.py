"""The audit page of the backoffice: admin actions and note reveals, newest first, read-only.

Each event about an idea names it by its title and its owner's e-mail (looked up for the whole
page at once: one query per kind of event), not by its id. An idea that no longer exists shows
the title the admin log kept when it was deleted; a reveal of an idea that is gone shows none:
erasing an account deletes its ideas and the log lines about them, and a reveal record never
carried a title, so nothing of an erased creator's writing stays here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views import View

from accounts.models import PersonalAccessToken
from audit.models import NoteReveal
from ideas.models import Idea

PAGE_SIZE = 50
GONE = "(no longer exists)"


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
    owner: str = ""  # the e-mail of the creator the target belongs to, when it belongs to one


def _ideas(ids: list[str]) -> dict[str, Idea]:
    """The ideas among `ids` that still exist (title and owner e-mail only), by id."""
    valid: list[uuid.UUID] = []
    for value in ids:
        try:
            valid.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    found = Idea.objects.filter(pk__in=valid).select_related("user").only("title", "user__email")
    return {str(idea.pk): idea for idea in found}


def _token_owners(ids: list[str]) -> dict[str, str]:
    """The owner e-mail of each personal access token among `ids`, by token id."""
    tokens = PersonalAccessToken.objects.filter(pk__in=ids).values_list("pk", "owner__email")
    return {str(pk): str(email) for pk, email in tokens}


def recent_actions(before: datetime | None, limit: int = PAGE_SIZE) -> list[AuditEvent]:
    entries = LogEntry.objects.select_related("user", "content_type").order_by("-action_time", "-id")
    if before is not None:
        entries = entries.filter(action_time__lt=before)
    page = list(entries[:limit])
    idea_type = ContentType.objects.get_for_model(Idea)
    token_type = ContentType.objects.get_for_model(PersonalAccessToken)
    ideas = _ideas([e.object_id for e in page if e.content_type_id == idea_type.pk and e.object_id])
    token_owners = _token_owners(
        [e.object_id for e in page if e.content_type_id == token_type.pk and e.object_id]
    )
    events: list[AuditEvent] = []
    for entry in page:
        content_type: Any = entry.content_type
        user: Any = entry.user
        target = f"{content_type.name if content_type else '?'}: {entry.object_repr}"
        owner = ""
        if entry.content_type_id == idea_type.pk:
            idea = ideas.get(str(entry.object_id))
            target = f"idea: {idea.title if idea else entry.object_repr}"
            owner = idea.user.email if idea else GONE
        elif entry.content_type_id == token_type.pk:
            owner = token_owners.get(str(entry.object_id), GONE)
        events.append(
            AuditEvent(
                at=entry.action_time,
                kind="action",
                who=user.get_username() if user else "—",
                what={1: "Added", 2: "Changed", 3: "Deleted"}.get(entry.action_flag, "Action"),
                target=target,
                detail=entry.get_change_message(),
                url=entry.get_admin_url() or "" if entry.action_flag != DELETION else "",
                owner=owner,
            )
        )
    return events


def recent_reveals(before: datetime | None, limit: int = PAGE_SIZE) -> list[AuditEvent]:
    reveals = NoteReveal.objects.order_by("-revealed_at", "-id")
    if before is not None:
        reveals = reveals.filter(revealed_at__lt=before)
    page = list(reveals[:limit])
    ideas = _ideas([str(reveal.idea_id) for reveal in page])
    events = []
    for reveal in page:
        idea = ideas.get(str(reveal.idea_id))
        events.append(
            AuditEvent(
                at=reveal.revealed_at,
                kind="reveal",
                who=reveal.staff_email,
                what="Revealed notes",
                target=f"idea: {idea.title}" if idea else f"idea {GONE}",
                detail=reveal.reason,
                url=reverse("admin:ideas_idea_change", args=[reveal.idea_id]) if idea else "",
                owner=idea.user.email if idea else "",
            )
        )
    return events


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
            events += recent_actions(before)
        if can_reveals and kind in ("all", "reveal"):
            events += recent_reveals(before)
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
