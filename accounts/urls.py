"""Accounts API routes (included under `/api/v1/`); both slash styles, no redirect."""

from django.urls import URLPattern, re_path

from accounts.privacy_views import UserExportView
from accounts.views import UserMeView

urlpatterns: list[URLPattern] = [
    re_path(r"^users/me/?$", UserMeView.as_view(), name="users-me"),
    re_path(r"^users/me/export/?$", UserExportView.as_view(), name="users-me-export"),
]
