"""Personal access tokens in the backoffice: list a creator's tokens, revoke them, each revocation logged.

Staff see what moderation needs (prefix, name, scopes, status, dates), never a secret: the server
does not have one, and the hash of it stays out of every page. Nothing here makes or edits a token;
revoking (`accounts.services.token_revoke`) is the one write, from the token's page or as an
action on the list, and needs the *change* permission on tokens. Each revocation is an admin log
entry about the token. The users page shows a creator's live tokens through `TokenInline`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.models import PersonalAccessToken
from accounts.services import token_revoke

TOKEN_FIELDS = (
    "prefix",
    "name",
    "owner_link",
    "scope_list",
    "status",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)
REVOKED_MESSAGE = "Revoked the personal access token (it fails from the next request on)."


def scope_list(token: PersonalAccessToken) -> str:
    """The token's scopes, comma-separated."""
    return ", ".join(token.scopes)


class TokenStatusFilter(admin.SimpleListFilter):
    """Active, expired or revoked, as the API's `status` says."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        """The three states."""
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Tokens in the chosen state."""
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every personal access token: find a creator's, revoke them. Read-only otherwise."""

    list_display = ("prefix", "name", "owner_email", "scope_list", "status", "last_used_at", "created_at")
    list_select_related = ("owner",)
    list_filter = (TokenStatusFilter, "created_at", "last_used_at")
    # `cvp_<id>` (what a creator reads off their token) finds the token; so do its name and owner.
    search_fields = ("=id", "name", "=owner__email", "=owner__id")
    search_help_text = "Token prefix (cvp_…), name, or the owner's exact e-mail or id."
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    list_per_page = 50
    fields = TOKEN_FIELDS
    readonly_fields = TOKEN_FIELDS
    actions = ("revoke_tokens",)

    # --- Read-only, but revocable --------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Creators make their tokens through the API; staff never do."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nothing is edited here: the pages are view-only (revoking is its own permission)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Tokens are revoked, not deleted (they go only with the account's erasure)."""
        return False

    def has_revoke_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Revoking needs the change permission on tokens."""
        return request.user.has_perm("accounts.change_personalaccesstoken")

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """`?owner__id__exact=` (the users page links here) without listing every user as a filter."""
        return lookup == "owner__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A term like `cvp_<id>` searches the id it carries."""
        term = search_term.strip()
        if term.startswith("cvp_"):
            term = term.removeprefix("cvp_").split("_", 1)[0]
        return super().get_search_results(request, queryset, term)

    # --- Columns -----------------------------------------------------------------------------------

    @admin.display(description="owner", ordering="owner__email")
    def owner_email(self, token: PersonalAccessToken) -> str:
        """The owner's e-mail."""
        return token.owner.email

    @admin.display(description="owner")
    def owner_link(self, token: PersonalAccessToken) -> str:
        """The owner's e-mail, linking to their page."""
        url = reverse("admin:accounts_user_change", args=[token.owner_id])
        return format_html('<a href="{}">{}</a>', url, token.owner.email)

    @admin.display(description="scopes")
    def scope_list(self, token: PersonalAccessToken) -> str:
        """The scopes, comma-separated."""
        return scope_list(token)

    # --- Revocation ----------------------------------------------------------------------------

    def _revoke(self, request: HttpRequest, token: PersonalAccessToken) -> bool:
        if not token_revoke(token=token):
            return False
        self.log_change(request, token, REVOKED_MESSAGE)
        return True

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[PersonalAccessToken]) -> None:
        """Revoke each selected token, logging each revocation."""
        done = sum(self._revoke(request, token) for token in queryset.select_related("owner").order_by("pk"))
        skipped = queryset.count() - done
        self.message_user(request, f"Revoked {done} token(s); {skipped} already revoked.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        """The admin's URLs plus `<id>/revoke/` (POST), the button on a token's page."""
        revoke = self.admin_site.admin_view(require_POST(self.revoke_view))
        return [
            path("<path:object_id>/revoke/", revoke, name="accounts_personalaccesstoken_revoke"),
            *super().get_urls(),
        ]

    def revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """Revoke one token (POST from its page), log it, and go back to the page."""
        token = self.get_object(request, object_id)
        if token is None:
            raise Http404("No such token.")
        if not self.has_revoke_permission(request, token):
            raise PermissionDenied
        if self._revoke(request, token):
            self.message_user(request, f"Revoked {token}.", messages.SUCCESS)
        else:
            self.message_user(request, f"{token} was already revoked.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:accounts_personalaccesstoken_change", args=[token.pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """The token's page, with a Revoke button for staff who may revoke a live token."""
        token = context.get("original")
        context["can_revoke"] = (
            token is not None and token.revoked_at is None and self.has_revoke_permission(request, token)
        )
        return super().render_change_form(request, context, *args, **kwargs)


class TokenInline(admin.TabularInline):  # type: ignore[type-arg]
    """A creator's live tokens on their users page, each linking to its page (where it is revoked)."""

    model = PersonalAccessToken
    fk_name = "owner"
    template = "admin/accounts/personalaccesstoken/tokens_inline.html"
    verbose_name = "live personal access token"
    verbose_name_plural = "live personal access tokens"
    fields = ("prefix", "name", "scope_list", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonalAccessToken]:
        """Live tokens only (at most 50 per creator); the full list is one link away."""
        queryset: Any = super().get_queryset(request)
        return queryset.live()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Shown when the page is viewed, never part of a submitted form.

        Nothing in it can be submitted, and leaving it out of POSTs keeps the users page's forms
        (its own, the add page's) exactly as they were: no inline formset to validate.
        """
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only."""
        return False

    @admin.display(description="scopes")
    def scope_list(self, token: PersonalAccessToken) -> str:
        """The scopes, comma-separated."""
        return scope_list(token)
