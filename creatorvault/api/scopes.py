"""Scoped credentials: which scope each API operation needs, checked in one place.

Some credentials can do less than the account they belong to: they carry a set of scopes (a
credential object in `request.auth` with a `scopes` attribute). Others, such as the Better Auth
session JWT, have no `scopes` attribute and keep full access. The frame knows only this
concept, never which scopes exist or what issues them.

Every API view declares what a scoped credential needs to call it, in `required_scope`:

* a scope name (`"ideas:read"`): the credential must carry it;
* `Access.ANY_CREDENTIAL`: any valid credential, whatever its scopes;
* `Access.FULL_ACCESS_ONLY`: never a scoped credential (the frame's default, so a view that
  forgets to declare fails closed);
* or a mapping of HTTP method to one of those (`by_method(read=..., write=...)`).

`RequiredScope`, a DRF permission every `ApiView` runs, refuses a scoped credential that lacks the
operation's scope with 403 `FORBIDDEN` naming it (and RFC 6750's `WWW-Authenticate: Bearer
error="insufficient_scope"`).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from creatorvault.errors import Forbidden, ScopeMissing


class Access(enum.Enum):
    """The requirements of an operation that are not one scope."""

    ANY_CREDENTIAL = "any credential"
    FULL_ACCESS_ONLY = "full access only"


Requirement = str | Access
#: What a view's `required_scope` holds: one requirement, or one per HTTP method.
ScopeDeclaration = Requirement | Mapping[str, Requirement]

READ_METHODS = ("GET", "HEAD")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def by_method(*, read: Requirement, write: Requirement) -> dict[str, Requirement]:
    """`required_scope` of a view whose reads need `read` and whose writes need `write`."""
    return {**dict.fromkeys(READ_METHODS, read), **dict.fromkeys(WRITE_METHODS, write)}


def credential_scopes(auth: Any) -> frozenset[str] | None:
    """The scopes a request's credential is limited to; None when it is not limited (full access)."""
    scopes: Collection[str] | None = getattr(auth, "scopes", None)
    return None if scopes is None else frozenset(scopes)


def has_scope(request: Request, scope: str) -> bool:
    """Whether the request's credential may do what `scope` allows (always, with full access)."""
    scopes = credential_scopes(request.auth)
    return scopes is None or scope in scopes


def required_scope_for(view: Any, method: str) -> Requirement:
    """What a scoped credential needs to call `method` on `view` (a view class or instance).

    HEAD needs what GET needs; OPTIONS (the method list, no data) any credential; a method the
    mapping does not name, full access.
    """
    declared: ScopeDeclaration = getattr(view, "required_scope", Access.FULL_ACCESS_ONLY)
    method = method.upper()
    if not isinstance(declared, Mapping):
        return declared
    if method == "OPTIONS":
        return declared.get(method, Access.ANY_CREDENTIAL)
    if method == "HEAD":
        method = "GET"
    return declared.get(method, Access.FULL_ACCESS_ONLY)


def check_required_scope(request: Request, view: Any) -> None:
    """Raise `ScopeMissing` / `Forbidden` when the request's credential cannot call this operation."""
    scopes = credential_scopes(request.auth)
    if scopes is None:
        return
    method = (request.method or "GET").lower()
    if method not in getattr(view, "http_method_names", ()) or not hasattr(view, method):
        return  # not served here: the 405 says so, not a 403
    requirement = required_scope_for(view, method)
    if requirement is Access.ANY_CREDENTIAL:
        return
    if requirement is Access.FULL_ACCESS_ONLY:
        raise Forbidden(
            "A token limited to scopes cannot call this operation: it needs a signed-in session "
            "(a Better Auth JWT)."
        )
    if requirement not in scopes:
        raise ScopeMissing(requirement)


class RequiredScope(BasePermission):
    """DRF permission: the credential carries the scope the view declares for this method."""

    def has_permission(self, request: Request, view: Any) -> bool:
        """True, or raise the 403 naming what is missing (so the envelope can name the scope)."""
        check_required_scope(request, view)
        return True
