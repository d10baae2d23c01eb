"""Routes of personal access tokens (included under `/api/v1/`); both slash styles, no redirect."""

from django.urls import URLPattern, re_path

from accounts.api.views import TokenDetailView, TokenListView

urlpatterns: list[URLPattern] = [
    re_path(r"^users/me/tokens/?$", TokenListView.as_view(), name="users-me-tokens"),
    re_path(r"^users/me/tokens/(?P<id>[^/]+)/?$", TokenDetailView.as_view(), name="users-me-token-detail"),
]
