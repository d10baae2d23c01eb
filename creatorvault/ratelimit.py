"""Rate limits for the API, with django-ratelimit's counters in the shared cache.

The key is the user DRF authenticated (a Django decorator would only see an anonymous user under
JWT auth); callers without a valid token are counted per client IP. If the cache is unreachable
requests are still served: the failure is logged and the limit is skipped (fail open).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from creatorvault.errors import RateLimitExceeded

logger = logging.getLogger("creatorvault.ratelimit")


def _user_key(group: str, request: HttpRequest) -> str:
    return f"user:{request.ratelimit_user_id}"  # type: ignore[attr-defined]


def client_ip_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key of the client's address (`REMOTE_ADDR`: the proxy must set the real one)."""
    return f"ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"


def enforce_api_rate_limit(request: HttpRequest, *, user_id: str | None) -> None:
    """Count this request; raise `RateLimitExceeded` (429, with Retry-After) when over the limit."""
    if user_id is not None:
        request.ratelimit_user_id = user_id  # type: ignore[attr-defined]
        group, key, rate = "api:user", _user_key, settings.RATELIMIT_USER
    else:
        group, key, rate = "api:anon", client_ip_key, settings.RATELIMIT_ANON
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("rate limit skipped: cache unavailable (%s)", type(exc).__name__)
        return
    if usage is not None and usage["should_limit"]:
        retry_after = int(usage["time_left"]) if usage["time_left"] > 0 else 1
        logger.info(
            "rate limit exceeded", extra={"limit_group": group, "window_end": int(time.time()) + retry_after}
        )
        raise RateLimitExceeded(
            f"Too many requests: the limit is {rate.replace('/m', ' per minute')}. "
            f"Try again in {retry_after} s.",
            retry_after=retry_after,
        )


def client_ip_limit_reached(request: HttpRequest) -> int | None:
    """Seconds to wait when the client's IP has used up its limit for callers without a valid token.

    Counts nothing. Authentication that looks a guessable credential up calls this first, so that
    an address over the limit (each failed attempt counts against it, see `ApiView`) gets no
    further lookups until the window ends: guessing stays slow even for a guess that would work.
    None when under the limit, or when the cache is unreachable (fail open, like the counting).
    """
    try:
        usage = get_usage(
            # The same counter `enforce_api_rate_limit` keeps for callers without a valid token.
            request,
            group="api:anon",
            key=client_ip_key,
            rate=settings.RATELIMIT_ANON,
            increment=False,
        )
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("rate limit check skipped: cache unavailable (%s)", type(exc).__name__)
        return None
    if usage is None or usage["count"] < usage["limit"]:
        return None
    return int(usage["time_left"]) if usage["time_left"] > 0 else 1
