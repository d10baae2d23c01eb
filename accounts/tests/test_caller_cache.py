"""The caller cache: a JWT request reads the account from the shared cache, and any change of the
account (deactivation above all) is seen on the very next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.caller_cache import caller_cache_key
from accounts.models import User
from accounts.services import user_deactivate, user_reactivate
from accounts.tests.factories import StaffUserFactory
from accounts.tests.tokens import mint_test_token
from creatorvault.tests.helpers import REDIS_URL, needs_redis

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def test_a_known_caller_costs_no_query_once_cached(owner, call_me, django_assert_num_queries):
    token = mint_test_token(owner)
    with django_assert_num_queries(1):
        assert call_me(token).status_code == 200
    with django_assert_num_queries(0):
        response = call_me(token)
    assert response.status_code == 200
    assert response.json()["data"]["email"] == owner.email


def test_deactivation_is_refused_on_the_next_request(owner, call_me):
    token = mint_test_token(owner)
    assert call_me(token).status_code == 200
    assert cache.get(caller_cache_key(owner.pk)) is not None

    user_deactivate(user=User.objects.get(pk=owner.pk))

    assert call_me(token).status_code == 403
    user_reactivate(user=User.objects.get(pk=owner.pk))
    assert call_me(token).status_code == 200


def test_a_bulk_update_is_seen_on_the_next_request(owner, call_me):
    token = mint_test_token(owner)
    assert call_me(token).status_code == 200

    User.objects.filter(pk=owner.pk).update(is_active=False)

    response = call_me(token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_a_saved_change_is_seen_on_the_next_request(owner, call_me):
    token = mint_test_token(owner)
    assert call_me(token).status_code == 200
    user = User.objects.get(pk=owner.pk)
    user.is_active = False
    user.save()
    assert call_me(token).status_code == 403


def test_new_claims_still_reach_the_account(owner, call_me):
    # The account last changed well before the tokens (claims older than a change never win).
    User.objects.filter(pk=owner.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert call_me(mint_test_token(owner)).status_code == 200

    response = call_me(mint_test_token(owner, email="ada.king@example.com"))

    assert response.json()["data"]["email"] == "ada.king@example.com"
    assert User.objects.get(pk=owner.pk).email == "ada.king@example.com"
    again = call_me(mint_test_token(owner, email="ada.king@example.com"))
    assert again.json()["data"]["email"] == "ada.king@example.com"


def test_a_renamed_profile_stays_cached_under_tokens_with_the_old_name(
    owner, call_me, django_assert_num_queries
):
    """The profile's name wins over the claim (accounts.services), so the copy still matches."""
    assert call_me(mint_test_token(owner)).status_code == 200
    assert call_me(mint_test_token(owner), "patch", data={"name": "Countess"}).status_code == 200
    call_me(mint_test_token(owner))
    with django_assert_num_queries(0):
        response = call_me(mint_test_token(owner))
    assert response.json()["data"]["name"] == "Countess"


def test_accounts_with_a_password_are_never_cached(call_me, django_assert_num_queries):
    staff = StaffUserFactory()
    assert staff.has_usable_password()
    token = mint_test_token(staff)
    call_me(token)
    assert cache.get(caller_cache_key(staff.pk)) is None
    with django_assert_num_queries(1):
        call_me(token)


def test_the_cache_can_be_turned_off(owner, call_me, settings, django_assert_num_queries):
    settings.CALLER_CACHE_SECONDS = 0
    token = mint_test_token(owner)
    call_me(token)
    with django_assert_num_queries(1):
        assert call_me(token).status_code == 200
    assert cache.get(caller_cache_key(owner.pk)) is None


def test_a_copy_of_another_shape_is_ignored(owner, call_me, django_assert_num_queries):
    cache.set(caller_cache_key(owner.pk), {"v": 0, "f": {"is_active": True}})
    with django_assert_num_queries(1):
        assert call_me(mint_test_token(owner)).status_code == 200


def test_the_copy_holds_no_password_hash_and_no_more_than_the_row(owner, call_me):
    call_me(mint_test_token(owner))
    copy = cache.get(caller_cache_key(owner.pk))
    assert set(copy["f"]) == {field.attname for field in User._meta.concrete_fields}
    assert not User(password=copy["f"]["password"]).has_usable_password()


@pytest.fixture
def shared_redis_cache(settings):
    """The default cache on Redis, as production runs (a prefix of its own)."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cv-test-trip",
        },
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@needs_redis
def test_a_known_caller_costs_one_redis_round_trip(
    client_for, owner, shared_redis_cache, django_assert_num_queries, settings
) -> None:
    """The rate-limit count and the caller's account come back in one trip (no user query)."""
    from redis.connection import Connection

    settings.LIST_TOTALS_CACHE_SECONDS = 0  # the list's remembered total is a trip of its own

    client = client_for(owner)
    assert client.get("/api/v1/ideas").status_code == 200  # loads the caller cache
    sent: list[object] = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):  # type: ignore[no-untyped-def]
        sent.append(command)
        return original(self, command, check_health)

    Connection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        with django_assert_num_queries(1):  # the count only (the caller has no ideas to fetch)
            response = client.get("/api/v1/ideas")
    finally:
        Connection.send_packed_command = original  # type: ignore[method-assign]
    assert response.status_code == 200
    assert len(sent) == 1, sent
    assert int(response["RateLimit-Remaining"]) >= 0


@needs_redis
def test_a_deactivation_in_one_worker_is_refused_by_another_at_once(
    client_for, owner, shared_redis_cache
) -> None:
    """Two workers, two clients of one Redis: the caller cache is forgotten for both."""
    from django.core.cache import caches

    client = client_for(owner)
    other_worker = caches.create_connection("default")
    assert client.get(ME).status_code == 200
    previous = caches["default"]
    caches._connections.default = other_worker  # type: ignore[attr-defined]
    try:
        assert client.get(ME).status_code == 200
        user_deactivate(user=owner)
    finally:
        caches._connections.default = previous  # type: ignore[attr-defined]
    assert client.get(ME).status_code == 403
