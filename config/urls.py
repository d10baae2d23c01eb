"""Root URL configuration. API paths accept an optional trailing slash and never redirect."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from creatorvault import health, metrics
from creatorvault.api.openapi import DocsView, RedocView, SchemaView
from creatorvault.views import index

urlpatterns = [
    path("", index, name="index"),
    re_path(r"^health/?$", health.health, name="health"),
    re_path(r"^health/db/?$", health.health_db, name="health-db"),
    re_path(r"^health/ready/?$", health.health_ready, name="health-ready"),
    re_path(r"^metrics/?$", metrics.metrics_view, name="metrics"),
    re_path(r"^api/schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", DocsView.as_view(url_name="schema"), name="docs"),
    re_path(r"^redoc/?$", RedocView.as_view(url_name="schema"), name="redoc"),
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("privacy.api.urls")),
    path("api/v1/", include("assistant.api.urls")),
    path("api/v1/", include("ideas.api.urls")),
]

handler400 = "creatorvault.views.bad_request"
handler403 = "creatorvault.views.permission_denied"
handler404 = "creatorvault.views.not_found"
handler500 = "creatorvault.views.server_error"
