"""Root URL configuration. API paths accept an optional trailing slash and never redirect."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from creatorvault import health, metrics
from creatorvault.api.docs_assets import redoc_bundle
from creatorvault.api.openapi import DocsView, RedocView, SchemaView
from creatorvault.views import api_not_found, index

urlpatterns = [
    path("", index, name="index"),
    re_path(r"^health/?$", health.health, name="health"),
    re_path(r"^health/db/?$", health.health_db, name="health-db"),
    re_path(r"^health/ready/?$", health.health_ready, name="health-ready"),
    re_path(r"^metrics/?$", metrics.metrics_view, name="metrics"),
    re_path(r"^api/schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", DocsView.as_view(url_name="schema"), name="docs"),
    re_path(r"^redoc/?$", RedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^redoc/bundle\.js$", redoc_bundle, name="redoc-bundle"),
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("privacy.api.urls")),
    path("api/v1/", include("assistant.api.urls")),
    path("api/v1/", include("ideas.api.urls")),
    # Last: every other /api/ path is the JSON 404 envelope, in DEBUG too (not Django's HTML page).
    re_path(r"^api/(?P<path>.*)$", api_not_found, name="api-not-found"),
]

handler400 = "creatorvault.views.bad_request"
handler403 = "creatorvault.views.permission_denied"
handler404 = "creatorvault.views.not_found"
handler500 = "creatorvault.views.server_error"
