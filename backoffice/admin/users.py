"""The users page of the backoffice: find an account, see its ideas count, deactivate or reactivate it.

Profile fields come from Better Auth (id, e-mail, name) and are read-only here; `is_active`
changes only through the deactivate/reactivate actions, which call `accounts.services` and write
an entry to the admin log. The "Add user" page makes staff accounts for the backoffice (creators
are created by their first Better Auth token).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts.models import User
from accounts.services import user_deactivate, user_reactivate
from backoffice.admin.tokens import TokenInline
from backoffice.forms import AccountChangeForm, StaffCreationForm
from backoffice.paginator import EstimatedCountPaginator
from ideas.models import Idea
from privacy.services import user_erase

BETTER_AUTH_FIELDS = ("id", "email", "name", "created_at", "updated_at")


def idea_count_subquery() -> Coalesce:
    """Each user's number of live ideas (not those in the trash), as a correlated subquery.

    A subquery (not `annotate(Count("ideas"))`) so PostgreSQL counts only for the rows of the page
    shown, each through the owner-first idea index, instead of grouping the whole ideas table.
    """
    owner: Any = OuterRef("pk")
    counts = Idea.objects.for_owner(owner).order_by().values("user").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users: creators from Better Auth and staff accounts."""

    form = AccountChangeForm
    add_form = StaffCreationForm
    list_display = ("email", "name", "id", "is_active", "is_staff", "idea_count", "created_at")
    list_display_links = ("email",)
    list_filter = ("is_active", "is_staff", "is_superuser", "created_at", "groups")
    search_fields = ("email", "name", "=id")
    ordering = ("-created_at", "-id")
    date_hierarchy = None
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = ("deactivate_users", "reactivate_users")
    inlines = (TokenInline,)
    fieldsets = (
        ("Better Auth profile (read-only)", {"fields": BETTER_AUTH_FIELDS}),
        (
            "Backoffice access",
            {"fields": ("is_active", "is_staff", "is_superuser", "password", "last_login")},
        ),
        ("Permissions", {"fields": ("groups", "user_permissions"), "classes": ("collapse",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "is_staff", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Users with their idea count (one subquery per shown row, never a GROUP BY of all ideas)."""
        return super().get_queryset(request).annotate(idea_count=idea_count_subquery())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Better Auth's profile, `is_active` (see the actions); superuser rights for superusers only."""
        if obj is None:
            return ()
        readonly: tuple[str, ...] = (*BETTER_AUTH_FIELDS, "is_active", "last_login")
        if not getattr(request.user, "is_superuser", False):
            readonly += ("is_superuser", "user_permissions", "groups")
        return readonly

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        """Deleting an account erases it like `erase_user` does (`privacy.services.user_erase`).

        A plain delete would cascade to the ideas but keep the admin log lines about the account
        and its ideas (they carry the e-mail and titles) and the free-text reasons of note reveals.
        The erasure removes those, the "deleted" line the admin just wrote included, so one line
        without personal data records which staff member erased an account, and when.
        """
        user_erase(user=obj)
        LogEntry.objects.create(
            user=cast(User, request.user),
            content_type=ContentType.objects.get_for_model(User),
            object_id=None,
            object_repr="(erased account)",
            action_flag=DELETION,
            change_message="Erased an account and all of its data.",
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The delete action: each selected account erased through `delete_model`."""
        for user in queryset.order_by("pk"):
            self.delete_model(request, user)

    @admin.display(description="ideas", ordering="idea_count")
    def idea_count(self, user: User) -> int:
        """How many ideas the user owns (annotated by `get_queryset`)."""
        return int(getattr(user, "idea_count", 0))

    @admin.action(
        description="Deactivate selected accounts (their tokens get 403 at once)", permissions=["change"]
    )
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Deactivate each selected account through `user_deactivate`, logging each change."""
        done = skipped = 0
        for user in queryset.order_by("pk"):
            if user.pk == request.user.pk:
                self.message_user(request, "You cannot deactivate your own account.", messages.ERROR)
                skipped += 1
                continue
            if user_deactivate(user=user):
                self.log_change(request, user, "Deactivated the account (its tokens now get 403).")
                done += 1
            else:
                skipped += 1
        self.message_user(request, f"Deactivated {done} account(s); {skipped} unchanged.", messages.SUCCESS)

    @admin.action(description="Reactivate selected accounts", permissions=["change"])
    def reactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Reactivate each selected account through `user_reactivate`, logging each change."""
        done = skipped = 0
        for user in queryset.order_by("pk"):
            if user_reactivate(user=user):
                self.log_change(request, user, "Reactivated the account.")
                done += 1
            else:
                skipped += 1
        self.message_user(request, f"Reactivated {done} account(s); {skipped} unchanged.", messages.SUCCESS)
