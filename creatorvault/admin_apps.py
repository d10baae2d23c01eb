"""The admin app config that makes `CreatorVaultAdminSite` the default `admin.site`.

Listed in INSTALLED_APPS in place of `django.contrib.admin`, so every `@admin.register` in the
project lands on the branded, rate-limited site without naming it.
"""

from django.contrib.admin.apps import AdminConfig


class CreatorVaultAdminConfig(AdminConfig):
    """`django.contrib.admin` with CreatorVault's admin site as the default site."""

    default_site = "creatorvault.admin_site.CreatorVaultAdminSite"
