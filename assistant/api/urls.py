"""Assistant routes (included under `/api/v1/`); both slash styles, no redirect."""

from django.urls import URLPattern, re_path

from assistant.api.views import AIActivityView

urlpatterns: list[URLPattern] = [
    re_path(r"^users/me/ai-activity/?$", AIActivityView.as_view(), name="users-me-ai-activity"),
]
