"""Assistant routes (included under `/api/v1/`); both slash styles, no redirect."""

from django.urls import URLPattern, URLResolver, include, re_path

from assistant.api.views import AIActivityView

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^users/me/ai-activity/?$", AIActivityView.as_view(), name="users-me-ai-activity"),
    re_path(r"", include("assistant.chat.api.urls")),
]
