"""The chat's limits, kept in the shared cache so every worker sees the same counts.

* a per-creator rate limit of chat requests (`CHAT_RATELIMIT`, e.g. `20/m`): 429 with Retry-After;
* at most `CHAT_MAX_STREAMS` streams open at once per creator: 409 `CONFLICT` beyond. A stream
  holds a slot (an atomic `cache.add`) that it frees when it ends, and that expires by itself
  after `CHAT_STREAM_MAX_SECONDS` if a worker dies mid-stream;
* a daily token budget per creator (`CHAT_DAILY_TOKENS`, tokens in + out, UTC day): 429 with
  Retry-After (until midnight UTC) once spent.

If the cache is unreachable the limits are skipped (logged), like the API's rate limit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache

from creatorvault import metrics, ratelimit
from creatorvault.errors import Conflict, RateLimitExceeded

logger = logging.getLogger("assistant.chat.limits")


def chat_rate_limit(*, user_id: str) -> None:
    """Count one chat request of the creator; `RateLimitExceeded` past `CHAT_RATELIMIT`.

    The frame's counter (one cache round trip, behind the Redis circuit breaker), in its own group.
    """
    if not settings.RATELIMIT_ENABLE:
        return
    try:
        usage, _ = ratelimit.count(group="chat:user", ident=f"user:{user_id}", rate=settings.CHAT_RATELIMIT)
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("chat rate limit skipped: cache unavailable (%s)", type(exc).__name__)
        return
    if usage.exceeded:
        metrics.count_rate_limit_refusal("chat:user")
        raise RateLimitExceeded(
            f"Too many chat messages. Try again in {usage.reset} s.", retry_after=usage.reset
        )


def _day_key(user_id: str, now: datetime) -> str:
    return f"chat:tokens:{user_id}:{now:%Y%m%d}"


def _until_midnight(now: datetime) -> int:
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


def tokens_check(*, user_id: str) -> None:
    """`RateLimitExceeded` (Retry-After: until midnight UTC) when today's token budget is spent."""
    now = datetime.now(UTC)
    try:
        used = int(cache.get(_day_key(user_id, now)) or 0)
    except Exception as exc:  # noqa: BLE001
        logger.warning("chat token budget skipped: cache unavailable (%s)", type(exc).__name__)
        return
    if used >= settings.CHAT_DAILY_TOKENS:
        raise RateLimitExceeded(
            "Today's chat token budget is spent; it renews at midnight UTC.", retry_after=_until_midnight(now)
        )


def tokens_spend(*, user_id: str, tokens: int) -> None:
    """Add a turn's tokens to today's count."""
    if tokens <= 0:
        return
    now = datetime.now(UTC)
    key = _day_key(user_id, now)
    try:
        if cache.add(key, tokens, timeout=_until_midnight(now) + 60):
            return
        cache.incr(key, tokens)
    except ValueError:  # expired between add and incr
        cache.add(key, tokens, timeout=_until_midnight(now) + 60)
    except Exception as exc:  # noqa: BLE001
        logger.warning("chat token budget not counted: cache unavailable (%s)", type(exc).__name__)


def stream_acquire(*, user_id: str) -> str | None:
    """Take one of the creator's stream slots; `Conflict` when all are in use. Returns its key."""
    token = uuid.uuid4().hex
    try:
        for slot in range(settings.CHAT_MAX_STREAMS):
            key = f"chat:stream:{user_id}:{slot}"
            if cache.add(key, token, timeout=settings.CHAT_STREAM_MAX_SECONDS):
                return key
    except Exception as exc:  # noqa: BLE001
        logger.warning("chat stream limit skipped: cache unavailable (%s)", type(exc).__name__)
        return None
    raise Conflict(f"You already have {settings.CHAT_MAX_STREAMS} answers streaming; wait for one to finish.")


def stream_release(key: str | None) -> None:
    """Give the slot back."""
    if key is None:
        return
    try:
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        logger.warning("chat stream slot not released: cache unavailable (%s)", type(exc).__name__)
