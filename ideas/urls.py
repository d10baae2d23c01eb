"""Ideas API routes (filled in by the ideas API)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
