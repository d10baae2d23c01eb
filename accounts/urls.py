"""Accounts API routes (included under `/api/v1/`); both slash styles, no redirect."""

from django.urls import URLPattern, re_path

from accounts.views import UserMeView

urlpatterns: list[URLPattern] = [
    re_path(r"^users/me/?$", UserMeView.as_view(), name="users-me"),
]
