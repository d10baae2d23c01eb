"""The base of every API view: authentication, the rate limit, then the API-wide policies.

Permissions are the project's defaults plus `RequiredScope`: a credential limited to scopes (a
personal access token) must carry the scope the view declares in `required_scope`
(`creatorvault.api.scopes`; undeclared means full access only). After authentication and
permissions, every view checks that a `{user_id}` in its path is the caller's (403 `FORBIDDEN`
otherwise, before any data is touched) and refuses query parameters it does not read (a view
that reads them sets `reads_query_parameters` and parses them itself with
`creatorvault.api.params`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creatorvault.api.conditional import etag_of, none_match, orjson_payload, weak_etag
from creatorvault.api.params import refuse_query_parameters
from creatorvault.api.renderers import ENCODED_DATA_ATTRIBUTE
from creatorvault.api.scopes import Access, RequiredScope, ScopeDeclaration
from creatorvault.context import user_id_var
from creatorvault.errors import Forbidden
from creatorvault.ratelimit import enforce_api_rate_limit, rate_limit_headers


class ApiView(APIView):
    """`APIView` that rate-limits by the DRF-authenticated user (or by IP without a valid token)."""

    #: Whether the view reads query parameters (and so checks them itself).
    reads_query_parameters = False
    #: What a credential limited to scopes needs to call this view (`creatorvault.api.scopes`).
    required_scope: ScopeDeclaration = Access.FULL_ACCESS_ONLY

    def get_permissions(self) -> Sequence[Any]:
        """The configured permissions, then the scope this view declares for the method."""
        return [*super().get_permissions(), RequiredScope()]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Authenticate, count the request, check permissions, then the path's user id and the query."""
        try:
            user = request.user  # runs the authentication
        except exceptions.APIException:
            # A bad token counts against the caller's IP, so guessing tokens is limited too.
            enforce_api_rate_limit(request._request, user_id=None)
            raise
        user_id = str(user.pk) if user is not None and user.is_authenticated else None
        user_id_var.set(user_id)
        enforce_api_rate_limit(request._request, user_id=user_id)
        super().initial(request, *args, **kwargs)
        path_user_id = kwargs.get("user_id")
        if path_user_id is not None and path_user_id != str(request.user.pk):
            raise Forbidden("The user id in the path is not the caller's.")
        if not self.reads_query_parameters:
            refuse_query_parameters(request.query_params)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """DRF's, plus the `RateLimit-*` headers of this request's count (no extra cache trip)."""
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in rate_limit_headers(request._request).items():
            response[name] = value
        return response

    @property
    def caller(self) -> Any:
        """The authenticated user (permissions have run, so never anonymous here)."""
        return cast(AbstractBaseUser, self.request.user)

    def if_match(self) -> str | None:
        """The request's `If-Match` header, if any."""
        return self.request.META.get("HTTP_IF_MATCH")  # not `headers`: it would copy every header

    def not_modified(self, etag: str) -> Response | None:
        """304 Not Modified (no body, the `ETag`) when the request's `If-None-Match` names `etag`."""
        if none_match(self.request.META.get("HTTP_IF_NONE_MATCH"), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return None

    def list_response(self, data: Any) -> Response:
        """A list page with its weak `ETag` (a digest of the page), or 304 when it is unchanged.

        The page is encoded once: the digest's bytes are the ones the renderer puts in the body.
        """
        encoded = orjson_payload(data)
        etag = weak_etag(data) if encoded is None else etag_of(encoded)
        unchanged = self.not_modified(etag)
        if unchanged is not None:
            return unchanged
        response = Response(data, headers={"ETag": etag})
        if encoded is not None:
            setattr(response, ENCODED_DATA_ATTRIBUTE, (data, encoded))
        return response


def user_path_variant(view: type[ApiView]) -> type[ApiView]:
    """The same view under `/api/v1/{user_id}/…`, left out of the OpenAPI document.

    The document describes each operation once, under its plain path, and says in its description
    that the `{user_id}` paths exist (twins would give generated clients duplicate operations).
    """
    variant = type(f"User{view.__name__}", (view,), {"__doc__": f"{view.__doc__} (user id in the path)"})
    methods = [method for method in view.http_method_names if method != "options" and hasattr(view, method)]
    return cast(
        type[ApiView], extend_schema_view(**{m: extend_schema(exclude=True) for m in methods})(variant)
    )
