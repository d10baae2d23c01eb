"""Read-only admin pages for the audit trail: admin actions (LogEntry) and note reveals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest

from audit.models import NoteReveal


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin that can list and view, never add, change or delete: audit records are evidence."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody adds audit records by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody edits audit records."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody deletes audit records here (erasure of a creator removes theirs, via services)."""
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Every change staff made through the admin (Django's own log), newest first."""

    list_display = (
        "action_time",
        "user",
        "action_flag",
        "content_type",
        "object_repr",
        "change_message_text",
    )
    list_filter = ("action_flag", "content_type", "action_time")
    search_fields = ("object_repr", "object_id", "user__email")
    list_select_related = ("user", "content_type")
    date_hierarchy = "action_time"
    show_full_result_count = False

    @admin.display(description="change")
    def change_message_text(self, entry: LogEntry) -> str:
        """The change message as a sentence."""
        return entry.get_change_message()


@admin.register(NoteReveal)
class NoteRevealAdmin(ReadOnlyAdmin):
    """Who revealed which idea's notes, when, and for which moderation case."""

    list_display = ("revealed_at", "staff_email", "idea_id", "reason")
    list_filter = ("revealed_at",)
    search_fields = ("staff_email", "=idea_id", "reason")
    date_hierarchy = "revealed_at"
    show_full_result_count = False
