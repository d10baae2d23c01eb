"""The ideas page of the backoffice: find, inspect and moderate ideas without reading their notes.

* Writes go through the ideas services (create, update, stage change, delete), so the admin obeys
  exactly the rules of the API; every write lands in the admin log.
* Notes never appear on a list or a form. A staff member holding `ideas.reveal_notes` can reveal
  one idea's notes for a moderation case; the reveal is recorded first (`audit.NoteReveal`: who,
  which idea, when, why) and the page is sent with `Cache-Control: no-store`.
* Big tables: `list_select_related`, the sealed notes column deferred, no full `COUNT(*)`
  (`show_full_result_count = False` and `EstimatedCountPaginator`).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import User
from audit.apps import REVEAL_NOTES_PERMISSION
from audit.services import note_reveal_record
from backoffice.filters import OwnerActiveFilter, TrashFilter, in_trash, tag_filter
from backoffice.forms import IdeaAdminForm
from backoffice.paginator import EstimatedCountPaginator
from creatorvault.errors import ApplicationError
from ideas.models import CONTENT_FIELDS, Idea, Stage
from ideas.services.ideas import IdeaChanges, idea_create, idea_delete, idea_set_stage, idea_update
from ideas.services.trash import idea_purge, idea_restore

# The sealed notes column: never loaded for a list or a form (it is only ciphertext anyway).
NOTE_COLUMNS = ("notes_sealed",)
DELETE_PREVIEW_LIMIT = 100
CSV_COLUMNS = (
    "id",
    "title",
    "owner_id",
    "owner_email",
    "stage",
    "priority",
    "tags",
    "due_date",
    "created_at",
    "updated_at",
)


def has_notes(idea: Idea) -> bool:
    """Whether the idea has notes, decided without opening them (empty notes carry no key id)."""
    return bool(idea.notes_key_id)


def csv_safe(value: object) -> str:
    """A cell that spreadsheet programs will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    """A file-like object whose `write` returns the line, for streaming a CSV."""

    def write(self, value: str) -> str:
        return value


def _stage_action(stage: Stage) -> Callable[[Any, HttpRequest, QuerySet[Idea]], None]:
    """An admin action moving the selected ideas to `stage` through `idea_set_stage`."""

    def action(modeladmin: IdeaAdmin, request: HttpRequest, queryset: QuerySet[Idea]) -> None:
        moved = unchanged = trashed = 0
        for idea in queryset.select_related("user").order_by("pk"):
            if in_trash(idea):
                trashed += 1  # read-only until restored, as in the API
                continue
            if idea.stage == stage:
                unchanged += 1
                continue
            idea_set_stage(owner=idea.user, idea_id=idea.pk, stage=stage)
            modeladmin.log_change(request, idea, [{"changed": {"fields": ["Stage"]}}])
            moved += 1
        in_trash_note = f"; {trashed} in the trash, left as they are" if trashed else ""
        modeladmin.message_user(
            request,
            f"Moved {moved} idea(s) to {stage.label}; {unchanged} already there{in_trash_note}.",
            messages.SUCCESS,
        )

    action.__name__ = f"move_to_{stage.value}"
    return admin.action(description=f"Move selected ideas to stage: {stage.label}", permissions=["change"])(
        action
    )


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Ideas of every creator, for moderation."""

    form = IdeaAdminForm
    # Fits 1,280 px: the title takes what the fixed-width columns leave and is cut with an ellipsis
    # (full title on hover); the widths are in templates/admin/ideas/idea/change_list.html.
    # Live ideas by default, the trash one click away (TrashFilter): no "in trash" column needed.
    list_display = ("title_cell", "owner", "stage", "priority", "updated_at")
    list_display_links = ("title_cell",)
    # Newest first, always: sorting a million ideas by another column is a full sort (seconds).
    # A filtered list (one owner, a search) is small, and its newest-first order serves as well.
    sortable_by = ()
    list_filter = (
        "stage",
        "priority",
        TrashFilter,
        OwnerActiveFilter,
        "created_at",
        "updated_at",
        "due_date",
    )
    search_fields = ("title",)  # shows the search box; the search itself is get_search_results
    search_help_text = "A title (contains), a tag (exact), or an owner e-mail (any part containing @)."
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = (
        *(_stage_action(stage) for stage in Stage),
        "restore_from_trash",
        "export_csv",
        "delete_selected",
    )
    readonly_fields = ("id", "notes_status", "version", "created_at", "updated_at", "trashed_at")
    change_form_template = "admin/ideas/idea/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Idea]:
        """All ideas, without their notes column (never shown, possibly large)."""
        return super().get_queryset(request).defer(*NOTE_COLUMNS)

    def has_change_permission(self, request: HttpRequest, obj: Idea | None = None) -> bool:
        """A trashed idea is read-only here, as in the API: restore it first."""
        if obj is not None and in_trash(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Idea | None = None) -> list[str]:  # type: ignore[override]
        """The editable fields, then the read-only facts (none of them the notes)."""
        editable = ["user", "title", "stage", "priority", "tags", "due_date"]
        return editable if obj is None else [*editable, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Idea | None = None) -> tuple[str, ...]:
        """The owner is fixed once the idea exists: sealed notes are bound to it."""
        return self.readonly_fields if obj is None else ("user", *self.readonly_fields)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Idea], search_term: str
    ) -> tuple[QuerySet[Idea], bool]:
        """A term with `@` finds ideas by owner e-mail (contains); any other, by title (contains) or tag.

        Kept as two separate searches on purpose: one `OR` across the ideas and users tables
        defeats every index (seconds at a million ideas), while the title trigram index and the
        tags GIN index combine in one bitmap scan, and an e-mail search is an indexed user lookup.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            owners = User.objects.filter(email__icontains=term).values("pk")
            return queryset.filter(user__in=owners), False
        return queryset.filter(title__icontains=term) | tag_filter(queryset, term.lower()), False

    # --- Columns --------------------------------------------------------------------------------

    @admin.display(description="title")
    def title_cell(self, idea: Idea) -> str:
        """The title, cut to the column by CSS, whole in the tooltip."""
        return format_html('<span class="cv-clip" title="{}">{}</span>', idea.title, idea.title)

    @admin.display(description="owner")
    def owner(self, idea: Idea) -> str:
        """The owner's e-mail (joined, not queried per row), whole in the tooltip."""
        return format_html('<span class="cv-clip" title="{}">{}</span>', idea.user.email, idea.user.email)

    @admin.display(description="notes")
    def notes_status(self, idea: Idea) -> str:
        """Whether there are notes; never their text."""
        if not has_notes(idea):
            return "No notes."
        return "Hidden. Staff with the reveal permission can reveal them for a moderation case (audited)."

    # --- Writes through the services ------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Idea, form: forms.ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        """Create or update through the ideas services: the same rules and locks as the API."""
        data = form.cleaned_data
        if not change:
            created = idea_create(
                owner=data["user"],
                title=data["title"],
                stage=data["stage"],
                tags=data["tags"],
                priority=data["priority"],
                due_date=data["due_date"],
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        changes = IdeaChanges()
        for name in form.changed_data:
            if name in CONTENT_FIELDS:
                changes[name] = data[name]  # type: ignore[literal-required]
        if changes:
            idea_update(owner=obj.user, idea_id=obj.pk, changes=changes)

    def delete_model(self, request: HttpRequest, obj: Idea) -> None:
        """Destroy for good: `idea_delete` for a live idea, `idea_purge` for one in the trash."""
        if in_trash(obj):
            idea_purge(owner=obj.user, idea_id=obj.pk)
        else:
            idea_delete(owner=obj.user, idea_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Idea]) -> None:
        """The delete action: each idea destroyed through the services (the admin logs each one)."""
        for idea in queryset.select_related("user").order_by("pk"):
            self.delete_model(request, idea)

    @admin.action(description="Restore selected ideas from the trash", permissions=["change"])
    def restore_from_trash(self, request: HttpRequest, queryset: QuerySet[Idea]) -> None:
        """Bring trashed ideas back through `idea_restore`, logging each; live ones are left alone."""
        restored = 0
        for idea in queryset.filter(trashed_at__isnull=False).select_related("user").order_by("pk"):
            idea_restore(owner=idea.user, idea_id=idea.pk)
            self.log_change(request, idea, "Restored from the trash.")
            restored += 1
        self.message_user(request, f"Restored {restored} idea(s) from the trash.", messages.SUCCESS)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """The delete confirmation: the ideas themselves, without walking their related rows.

        Django's default collects every related row to list it; for ideas that is only their
        note-index entries (keyed hashes, meaningless to staff) and, for a large selection,
        far too many rows to load. Nothing protects an idea from deletion.
        """
        total = len(objs) if isinstance(objs, list) else objs.count()
        shown = [f"Idea: {idea}" for idea in list(objs[:DELETE_PREVIEW_LIMIT])]
        if total > DELETE_PREVIEW_LIMIT:
            shown.append(f"… and {total - DELETE_PREVIEW_LIMIT} more idea(s)")
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        return shown, {str(self.opts.verbose_name_plural): total}, perms_needed, []

    # --- Export ---------------------------------------------------------------------------------

    @admin.action(description="Export selected ideas as CSV (without notes)", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Idea]) -> StreamingHttpResponse:
        """Stream the selected ideas as CSV: every field but the notes."""
        ideas = queryset.select_related("user").defer(*NOTE_COLUMNS).order_by("created_at", "pk")

        def rows() -> Iterator[str]:
            writer = csv.writer(_Echo())
            yield writer.writerow(CSV_COLUMNS)
            for idea in ideas.iterator(chunk_size=1000):
                yield writer.writerow(
                    [
                        csv_safe(value)
                        for value in (
                            idea.pk,
                            idea.title,
                            idea.user_id,
                            idea.user.email,
                            idea.stage,
                            idea.priority,
                            ", ".join(idea.tags or []),
                            idea.due_date.isoformat() if idea.due_date else "",
                            idea.created_at.isoformat(),
                            idea.updated_at.isoformat(),
                        )
                    ]
                )

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ideas-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response

    # --- Revealing notes ------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        """The model's admin URLs plus `<id>/reveal-notes/`."""
        reveal = path(
            "<path:object_id>/reveal-notes/",
            self.admin_site.admin_view(self.reveal_notes_view),
            name="ideas_idea_reveal_notes",
        )
        return [reveal, *super().get_urls()]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Offer the reveal only for an idea that has notes: revealing nothing records a needless reveal."""
        idea = context.get("original")
        context["can_reveal_notes"] = (
            idea is not None and has_notes(idea) and request.user.has_perm(REVEAL_NOTES_PERMISSION)
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def reveal_notes_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """GET: ask for the moderation case. POST: record the reveal, then show the notes once."""
        if not request.user.has_perm(REVEAL_NOTES_PERMISSION):
            raise PermissionDenied
        try:
            idea_id = uuid.UUID(unquote(object_id))
        except ValueError:
            raise Http404("No such idea.") from None
        idea = Idea.objects.select_related("user").filter(pk=idea_id).first()
        if idea is None or not self.has_view_permission(request, idea):
            raise Http404("No such idea.")
        if not has_notes(idea):
            # Nothing to reveal, so nothing is recorded: a reveal in the audit log means notes were read.
            self.message_user(request, "This idea has no notes: there is nothing to reveal.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:ideas_idea_change", args=[idea.pk]))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": f"Reveal notes: {idea.title}",
            "opts": self.opts,
            "idea": idea,
            "change_url": reverse("admin:ideas_idea_change", args=[idea.pk]),
            "reason": "",
            "error": "",
            "notes": None,
        }
        if request.method == "POST":
            context["reason"] = reason = str(request.POST.get("reason", ""))
            try:
                note_reveal_record(staff=request.user, idea_id=idea.pk, reason=reason)  # type: ignore[arg-type]
                context["notes"] = idea.notes
            except ApplicationError as error:
                context["error"] = error.message
        response = TemplateResponse(request, "admin/ideas/idea/reveal_notes.html", context)
        # The notes must not be kept by the browser or any proxy.
        response["Cache-Control"] = "no-store"
        return response
