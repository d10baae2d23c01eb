"""The CreatorVault backoffice: Django's admin site, branded, staff-only, with a rate-limited login.

Login attempts (every POST to the login page) are counted twice with django-ratelimit, in the
shared cache (Redis when `REDIS_URL` is set, so every gunicorn worker sees the same counters):

* per client IP (`REMOTE_ADDR`; the proxy in front of gunicorn must set it to the real client),
* per submitted username (lower-cased, so `Ada@Example.com` and `ada@example.com` share a bucket).

Both use the rate `ADMIN_LOGIN_RATELIMIT` (default `5/m`). Over either limit the login page answers
429 with a `Retry-After` header and the password is not checked at all, so a guessing attacker
learns nothing and spends no Argon2 time of ours. The per-username counter means an attacker can
lock one staff member out for the rest of a window; that is the accepted price of stopping a
distributed guess of one account's password. If the cache is unreachable the limit is skipped and
a warning logged (fail open, like the API), so a Redis outage never locks staff out.

Only active staff can log in (Django's `AdminAuthenticationForm`); creators who sign in through
Better Auth have no usable password, and have no staff flag either.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django_ratelimit.core import get_usage

from backoffice.views import AuditView
from creatorvault.ratelimit import client_ip_key

logger = logging.getLogger("creatorvault.admin")

LOGIN_GROUP_IP = "admin-login:ip"
LOGIN_GROUP_USERNAME = "admin-login:username"


def _username_key(group: str, request: HttpRequest) -> str:
    return "username:" + str(request.POST.get("username", "")).strip().lower()


def login_retry_after(request: HttpRequest) -> int | None:
    """Count one login attempt per IP and per username; the seconds to wait when over a limit, else None."""
    rate = settings.ADMIN_LOGIN_RATELIMIT
    wait: int | None = None
    for group, key in ((LOGIN_GROUP_IP, client_ip_key), (LOGIN_GROUP_USERNAME, _username_key)):
        try:
            usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        except Exception as exc:  # noqa: BLE001 - a cache outage must never lock staff out
            logger.warning("admin login rate limit skipped: cache unavailable (%s)", type(exc).__name__)
            continue
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 0, int(usage["time_left"]) or 1)
    return wait


class CreatorVaultAdminSite(admin.AdminSite):
    """The backoffice at /admin/: branded CreatorVault, an audit page, rate-limited staff login."""

    site_header = "CreatorVault backoffice"
    site_title = "CreatorVault backoffice"
    index_title = "Moderation"
    site_url = "/"
    # No app list beside every page: at 1,280 px it took a quarter of the width from the lists.
    # The moderation dashboard (the index) and the breadcrumbs lead everywhere instead.
    enable_nav_sidebar = False

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Django's admin login, refused with 429 before any password check when over the rate limit."""
        if request.method == "POST" and settings.RATELIMIT_ENABLE:
            retry_after = login_retry_after(request)
            if retry_after is not None:
                logger.warning("admin login rate limit exceeded")
                return self._rate_limited(request, retry_after)
        return super().login(request, extra_context)

    def _rate_limited(self, request: HttpRequest, retry_after: int) -> HttpResponse:
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "form": AdminAuthenticationForm(request),
            "rate_limited_message": (
                f"Too many login attempts. Wait {retry_after} seconds before trying again."
            ),
            "next": request.POST.get("next") or reverse("admin:index", current_app=self.name),
        }
        request.current_app = self.name
        response = TemplateResponse(request, "admin/login.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The moderation dashboard (backoffice/dashboard.py), then every section of the site."""
        from backoffice.dashboard import dashboard_for  # imports the models: not at site creation

        context = {**(extra_context or {}), "dashboard": dashboard_for(request.user)}
        return super().index(request, context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        """Django's admin URLs plus the audit page (`admin:audit`)."""
        extra = [path("audit/", self.admin_view(AuditView.as_view(admin_site=self)), name="audit")]
        return extra + super().get_urls()
