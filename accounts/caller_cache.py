"""A short-lived copy of the caller's account in the shared cache, so a request needs no user query.

Authentication still verifies every token's signature; only the account row is cached, keyed by
the user id, for at most `CALLER_CACHE_SECONDS`. The read rides along with the rate-limit count
(`creatorvault.ratelimit.count_user_request`: one cache round trip for both).

Every write of a user through the ORM forgets the copy in every worker at once (the cache is
shared): `save()` and `delete()` through signals, `User.objects.filter(...).update()` and
`bulk_update()` through `UserQuerySet`, again when the transaction commits (so a request racing
the write cannot put the old row back). A deactivated account is therefore refused on its very
next request. Writes that bypass the ORM (raw SQL) are seen when the copy expires.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("accounts.caller_cache")

# Bump when the cached shape changes, so workers of two releases never read each other's copies.
_VERSION = 1


def caller_cache_key(user_id: str) -> str:
    """The cache key of the account copy of `user_id` (before the cache's own prefix)."""
    return f"caller:v{_VERSION}:{user_id}"


def caller_from_cache(value: Any) -> Any:
    """The account a cached copy holds, as a model instance loaded from the database; None if unusable.

    (The user model comes from the app registry: `accounts.models` imports this module.)
    """
    User = get_user_model()  # noqa: N806 - a model class
    if not isinstance(value, dict) or value.get("v") != _VERSION:
        return None
    names = [field.attname for field in User._meta.concrete_fields]
    try:
        values = [value["f"][name] for name in names]
    except (KeyError, TypeError):
        return None
    return User.from_db("default", names, values)


def caller_remember(user: AbstractBaseUser) -> None:
    """Cache a copy of `user` (fails open: a cache that is down only costs the query next time)."""
    seconds: int = settings.CALLER_CACHE_SECONDS
    if seconds <= 0 or user.has_usable_password():
        # Staff accounts (the only ones with a password) are always read from the database, so
        # no password hash ever sits in the cache.
        return
    fields = {field.attname: getattr(user, field.attname) for field in type(user)._meta.concrete_fields}
    try:
        cache.set(caller_cache_key(str(user.pk)), {"v": _VERSION, "f": fields}, timeout=seconds)
    except Exception as exc:  # noqa: BLE001 - the cache being down must never fail a request
        logger.warning("caller cache skipped: cache unavailable (%s)", type(exc).__name__)


def caller_forget(user_ids: list[Any]) -> None:
    """Forget the copies of these accounts now and again when the current transaction commits."""
    keys = [caller_cache_key(str(user_id)) for user_id in user_ids]
    if not keys:
        return

    def forget() -> None:
        try:
            cache.delete_many(keys)
        except Exception:  # while the cache is down no copy is read either
            logger.exception("caller cache could not be invalidated")

    forget()
    transaction.on_commit(forget)


def forget_saved_user(sender: Any, instance: AbstractBaseUser, **kwargs: Any) -> None:
    """`post_save` / `post_delete` receiver: forget the account's cached copy."""
    caller_forget([instance.pk])
