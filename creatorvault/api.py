"""The base of every API view: authentication, then the rate limit, then permissions."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from creatorvault.context import user_id_var
from creatorvault.ratelimit import enforce_api_rate_limit


class ApiView(APIView):
    """`APIView` that rate-limits by the DRF-authenticated user (or by IP without a valid token)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            user = request.user  # runs the JWT authentication
        except exceptions.APIException:
            # A bad token counts against the caller's IP, so guessing tokens is limited too.
            enforce_api_rate_limit(request._request, user_id=None)
            raise
        user_id = str(user.pk) if user is not None and user.is_authenticated else None
        user_id_var.set(user_id)
        enforce_api_rate_limit(request._request, user_id=user_id)
        super().initial(request, *args, **kwargs)
