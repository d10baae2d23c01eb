"""The backoffice: the staff site at /admin/. Nothing in the project imports this app.

Two app configs: `BackofficeConfig` is the app itself (every ModelAdmin in `backoffice.admin`, its
views, forms, filters, templates and template tags), and `AdminSiteConfig` replaces
`django.contrib.admin` in INSTALLED_APPS so that the default `admin.site`, which every
`@admin.register` uses, is the branded, rate-limited `backoffice.site.CreatorVaultAdminSite`.
"""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackofficeConfig(AppConfig):
    """The staff site's ModelAdmins, views, templates and template tags."""

    default = True
    name = "backoffice"
    verbose_name = "Backoffice"


class AdminSiteConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with CreatorVault's admin site as the default site."""

    default = False  # listed by its path; `backoffice` alone names BackofficeConfig
    default_site = "backoffice.site.CreatorVaultAdminSite"
