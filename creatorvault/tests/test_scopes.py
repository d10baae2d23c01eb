"""The frame's scope check: what a credential limited to scopes may call, decided by `required_scope`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from creatorvault.api.scopes import Access, by_method, credential_scopes, required_scope_for
from creatorvault.api.views import ApiView

pytestmark = pytest.mark.django_db


@dataclass
class Credential:
    """A credential limited to scopes, as the frame sees one."""

    scopes: list[str]


class _User(AnonymousUser):
    pk = "frame-test-user"  # type: ignore[assignment]

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


def authenticating(scopes: list[str] | None) -> type[BaseAuthentication]:
    class Fixed(BaseAuthentication):
        def authenticate(self, request: Request):
            return _User(), (object() if scopes is None else Credential(scopes))

    return Fixed


class Undeclared(ApiView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class Declared(Undeclared):
    required_scope = by_method(read="things:read", write="things:write")

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


class Open(Undeclared):
    required_scope = Access.ANY_CREDENTIAL


def call(view: type[ApiView], method: str, scopes: list[str] | None):
    request = getattr(APIRequestFactory(), method)("/x")
    return view.as_view(authentication_classes=[authenticating(scopes)])(request)


def test_an_undeclared_view_refuses_every_scoped_credential_but_not_full_access():
    refused = call(Undeclared, "get", ["things:read", "things:write"])

    assert refused.status_code == 403
    assert "session" in refused.data["error"]["message"]
    assert call(Undeclared, "get", None).status_code == 200


def test_a_declared_scope_is_needed_and_named():
    assert call(Declared, "get", ["things:read"]).status_code == 200
    refused = call(Declared, "post", ["things:read"])

    assert refused.status_code == 403
    assert refused.data["error"]["code"] == "FORBIDDEN"
    assert "things:write" in refused.data["error"]["message"]
    assert refused["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="things:write"'
    assert call(Declared, "post", ["things:write"]).status_code == 200
    assert call(Declared, "post", None).status_code == 200  # full access


def test_head_needs_what_get_needs_and_unserved_methods_are_405_not_403():
    assert call(Declared, "head", ["things:write"]).status_code == 403
    assert call(Declared, "head", ["things:read"]).status_code == 200
    assert call(Declared, "delete", ["things:read"]).status_code == 405
    assert call(Declared, "options", ["things:write"]).status_code == 200


def test_any_credential_means_any_scopes():
    assert call(Open, "get", ["unrelated"]).status_code == 200


def test_requirements_by_method():
    assert required_scope_for(Declared, "GET") == "things:read"
    assert required_scope_for(Declared, "PATCH") == "things:write"
    assert required_scope_for(Declared, "TRACE") is Access.FULL_ACCESS_ONLY
    assert required_scope_for(Undeclared, "GET") is Access.FULL_ACCESS_ONLY
    assert credential_scopes(object()) is None
    assert credential_scopes(Credential(["a", "a"])) == frozenset({"a"})
