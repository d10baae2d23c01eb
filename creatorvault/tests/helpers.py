"""Helpers of tests that need a real Redis (shared by the frame's and the apps' tests)."""

from __future__ import annotations

import os

import pytest
import redis

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    """Whether Redis answers at `REDIS_URL`."""
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason=f"needs Redis at {REDIS_URL}")
