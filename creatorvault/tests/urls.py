"""Test-only URLs: the real ones plus views that fail on purpose."""

from typing import Any

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.urls import urlpatterns as real_urlpatterns
from creatorvault.api.views import ApiView


class BoomView(ApiView):
    """An API view with a bug."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internals that must not leak")


class DatabaseDownView(ApiView):
    """An API view whose database is gone."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    def get(self, request: Request) -> Response:
        raise OperationalError("connection refused")


class EchoView(ApiView):
    """An API view that echoes a JSON body (for parser tests)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    def post(self, request: Request) -> Response:
        return Response({"received": request.data})


class BadQueryView(ApiView):
    """An API view with an SQL mistake: a bug (500), not an outage (503)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM no_such_table")
        return Response({})


def plain_boom(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A non-DRF view with a bug."""
    raise RuntimeError("secret internals that must not leak")


urlpatterns = [
    re_path(r"^test/boom/?$", BoomView.as_view()),
    re_path(r"^test/db-down/?$", DatabaseDownView.as_view()),
    re_path(r"^test/echo/?$", EchoView.as_view()),
    re_path(r"^test/bad-query/?$", BadQueryView.as_view()),
    re_path(r"^test/plain-boom/?$", plain_boom),
    *real_urlpatterns,
]

handler404 = "creatorvault.views.not_found"
handler500 = "creatorvault.views.server_error"
