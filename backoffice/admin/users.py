"""The users page of the backoffice: find an account, see what it holds, deactivate or reactivate it.

Profile fields come from Better Auth (id, e-mail, name) and are read-only here. `is_active`
changes only through the *Deactivate* / *Reactivate* button of a user's page or the list actions,
which call `accounts.services` and write an entry to the admin log (the audit page shows it):
a deactivated account's tokens and JWTs get 403 and its staff sessions stop, from the next
request on (each request reads the row; nothing is cached).

A creator's page (an account that signs in through Better Auth: no staff flag, no usable
password) shows their live ideas, trash and tokens and when they were last seen, and has no
password or backoffice-access controls at all, so a creator cannot be given a backoffice login by
mistake; staff accounts are made on the "Add user" page (creators are created by their first
Better Auth token).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from accounts.models import PersonalAccessToken, User
from accounts.services import user_deactivate, user_reactivate
from assistant.models import AIActivity
from backoffice.admin.tokens import TokenInline
from backoffice.forms import AccountChangeForm, StaffCreationForm
from backoffice.paginator import EstimatedCountPaginator
from ideas.models import Idea
from privacy.services import user_erase

BETTER_AUTH_FIELDS = ("id", "email", "name", "created_at", "updated_at")
CREATOR_FACTS = ("account_status", "live_ideas", "trashed_ideas", "token_summary", "last_seen")
DEACTIVATED_MESSAGE = "Deactivated the account (its tokens and sessions now get 403)."
REACTIVATED_MESSAGE = "Reactivated the account."


def signs_in_through_better_auth(user: User) -> bool:
    """A creator's account: no staff flag and no usable password (the backoffice never lets them in)."""
    return not user.is_staff and not user.has_usable_password()


def _when(value: datetime) -> str:
    """A time as every page shows it (with its zone)."""
    return str(localize(localtime(value)))


def last_seen_of(user: User) -> tuple[datetime, str] | None:
    """When the account was last seen doing something, and what, from what CreatorVault records.

    Sign-ins through Better Auth leave no trace here (a JWT is verified without a write), so
    this is the latest of: a backoffice login, a personal token used (to the minute), an AI
    client's call (the activity ledger), an idea created or changed. Each is one indexed lookup.
    """
    seen: list[tuple[datetime, str]] = []
    if user.last_login:
        seen.append((user.last_login, "backoffice login"))
    token_use = PersonalAccessToken.objects.filter(owner=user).aggregate(at=Max("last_used_at"))["at"]
    if token_use:
        seen.append((token_use, "personal access token used"))
    ai_call = AIActivity.objects.filter(user=user).aggregate(at=Max("at"))["at"]
    if ai_call:
        seen.append((ai_call, "AI client call"))
    idea_change = Idea.objects.for_owner(user).aggregate(at=Max("updated_at"))["at"]
    if idea_change:
        seen.append((idea_change, "idea created or changed"))
    return max(seen, key=lambda item: item[0]) if seen else None


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
    # Fits 1,280 px (widths in templates/admin/accounts/user/change_list.html); the id is searchable
    # (exact) but not a column: 32 characters nobody reads.
    list_display = ("email_cell", "name_cell", "is_active", "is_staff", "idea_count", "created_at")
    list_display_links = ("email_cell",)
    sortable_by = ("email_cell", "name_cell", "created_at")
    list_filter = ("is_active", "is_staff", "is_superuser", "created_at", "groups")
    search_fields = ("email", "name", "=id")
    ordering = ("-created_at", "-id")
    date_hierarchy = None
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = ("deactivate_users", "reactivate_users")
    inlines = (TokenInline,)
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "is_staff", "usable_password", "password1", "password2"),
            },
        ),
    )

    change_form_template = "admin/accounts/user/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Users with their idea count (one subquery per shown row, never a GROUP BY of all ideas)."""
        return super().get_queryset(request).annotate(idea_count=idea_count_subquery())

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """A creator's page: profile and what they hold, no backoffice controls. A staff page: all."""
        if obj is None:
            return self.add_fieldsets
        profile = ("Better Auth profile (read-only)", {"fields": BETTER_AUTH_FIELDS})
        facts = ("Account", {"fields": CREATOR_FACTS})
        if signs_in_through_better_auth(obj):
            return (profile, facts)
        access = ("is_staff", "is_superuser", "password", "last_login")
        return (
            profile,
            facts,
            ("Backoffice access", {"fields": access}),
            ("Permissions", {"fields": ("groups", "user_permissions"), "classes": ("collapse",)}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Better Auth's profile and the account facts; superuser rights for superusers only."""
        if obj is None:
            return ()
        readonly: tuple[str, ...] = (*BETTER_AUTH_FIELDS, *CREATOR_FACTS, "is_active", "last_login")
        if not getattr(request.user, "is_superuser", False):
            readonly += ("is_superuser", "user_permissions", "groups")
        return readonly

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The tokens table only when the creator has live tokens (the facts say "none" otherwise)."""
        if obj is None or not PersonalAccessToken.objects.filter(owner=obj).live().exists():
            return []
        return super().get_inline_instances(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """No password for an account that signs in through Better Auth: 404, as if there were no page."""
        user = self.get_object(request, unquote(id))
        if user is not None and signs_in_through_better_auth(user):
            raise Http404("Accounts that sign in through Better Auth have no password here.")
        return super().user_change_password(request, id, form_url)

    # --- Deactivate / reactivate (the page's button) -------------------------------------------

    def get_urls(self) -> list[URLResolver | URLPattern]:  # type: ignore[override]
        """The users admin URLs plus `<id>/deactivate/` and `<id>/reactivate/` (POST only)."""
        extra = [
            path(
                "<path:object_id>/deactivate/",
                self.admin_site.admin_view(require_POST(self.deactivate_view)),
                name="accounts_user_deactivate",
            ),
            path(
                "<path:object_id>/reactivate/",
                self.admin_site.admin_view(require_POST(self.reactivate_view)),
                name="accounts_user_reactivate",
            ),
        ]
        return [*extra, *super().get_urls()]

    def _moderated(self, request: HttpRequest, object_id: str) -> User:
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404("No such account.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        return user

    def deactivate_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """Deactivate one account through `user_deactivate`, logged; never one's own."""
        user = self._moderated(request, object_id)
        if user.pk == request.user.pk:
            self.message_user(request, "You cannot deactivate your own account.", messages.ERROR)
        elif user_deactivate(user=user):
            self.log_change(request, user, DEACTIVATED_MESSAGE)
            self.message_user(
                request,
                f"Deactivated {user.email}: their tokens and sessions get 403 from the next request on.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, f"{user.email} was already deactivated.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

    def reactivate_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """Reactivate one account through `user_reactivate`, logged."""
        user = self._moderated(request, object_id)
        if user_reactivate(user=user):
            self.log_change(request, user, REACTIVATED_MESSAGE)
            self.message_user(request, f"Reactivated {user.email}.", messages.SUCCESS)
        else:
            self.message_user(request, f"{user.email} was already active.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """The user's page, with the Deactivate / Reactivate button for staff who may change users."""
        user = context.get("original")
        context["can_moderate"] = (
            user is not None and user.pk != request.user.pk and self.has_change_permission(request, user)
        )
        return super().render_change_form(request, context, *args, **kwargs)

    # --- Columns and facts ----------------------------------------------------------------------

    @admin.display(description="e-mail", ordering="email")
    def email_cell(self, user: User) -> str:
        """The e-mail, cut to the column, whole on hover."""
        return format_html('<span class="cv-clip" title="{}">{}</span>', user.email, user.email)

    @admin.display(description="name", ordering="name")
    def name_cell(self, user: User) -> str:
        """The name, cut to the column, whole on hover."""
        return format_html('<span class="cv-clip" title="{}">{}</span>', user.name, user.name)

    @admin.display(description="status")
    def account_status(self, user: User) -> str:
        """Active or deactivated, and how to change it."""
        if user.is_active:
            return "Active. Deactivate it with the button at the top of this page."
        return "Deactivated: its tokens and sessions get 403. Reactivate it with the button at the top."

    def _ideas_url(self, user: User, **extra: str) -> str:
        query = urlencode({"user__id__exact": user.pk, **extra})
        return f"{reverse('admin:ideas_idea_changelist')}?{query}"

    @admin.display(description="ideas")
    def live_ideas(self, user: User) -> str:
        """How many live ideas, linking to them."""
        annotated = getattr(user, "idea_count", None)  # get_queryset counted them already
        count = annotated if annotated is not None else Idea.objects.for_owner(user).count()
        return format_html(
            '<a href="{}" id="live-ideas-link">{} live idea(s)</a>', self._ideas_url(user), count
        )

    @admin.display(description="trash")
    def trashed_ideas(self, user: User) -> str:
        """How many ideas in the trash, linking to them."""
        count = Idea.objects.in_trash_of(user).count()
        url = self._ideas_url(user, trash="trashed")
        return format_html('<a href="{}" id="trashed-ideas-link">{} in the trash</a>', url, count)

    @admin.display(description="personal access tokens")
    def token_summary(self, user: User) -> str:
        """How many live tokens (listed below when there are any), linking to all of them."""
        live = PersonalAccessToken.objects.filter(owner=user).live().count()
        if not PersonalAccessToken.objects.filter(owner=user).exists():
            return "None."
        url = f"{reverse('admin:accounts_personalaccesstoken_changelist')}?owner__id__exact={user.pk}"
        return format_html('{} live (listed below); <a href="{}">all of them</a>', live, url)

    @admin.display(description="last seen")
    def last_seen(self, user: User) -> str:
        """The latest recorded activity, with what it was."""
        seen = last_seen_of(user)
        if seen is None:
            return "Never (nothing recorded yet)."
        return f"{_when(seen[0])} ({seen[1]})"

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
        description="Deactivate selected accounts (their tokens and sessions get 403 at once)",
        permissions=["change"],
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
                self.log_change(request, user, DEACTIVATED_MESSAGE)
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
                self.log_change(request, user, REACTIVATED_MESSAGE)
                done += 1
            else:
                skipped += 1
        self.message_user(request, f"Reactivated {done} account(s); {skipped} unchanged.", messages.SUCCESS)
