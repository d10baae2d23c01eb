"""Users come from tokens: created on first sight, kept current, refused when deactivated."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import ME
from accounts.tests.tokens import better_auth_claims, mint_test_token, sign

pytestmark = pytest.mark.django_db

NEW_ID = "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ"


def test_first_token_of_an_unknown_sub_creates_the_user(call_me):
    response = call_me(sign(better_auth_claims(email="Ada@Example.com", name="  Ada Lovelace ")))

    assert response.status_code == 200, response.content
    user = User.objects.get(pk=NEW_ID)
    assert user.email == "ada@example.com"
    assert user.name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff
    assert response.json()["data"]["id"] == NEW_ID


def test_known_user_costs_one_query_and_no_write(owner, call_me, django_assert_num_queries):
    token = mint_test_token(owner)
    before = User.objects.get(pk=owner.pk).updated_at

    with django_assert_num_queries(1):
        assert call_me(token).status_code == 200

    assert User.objects.count() == 1
    assert User.objects.get(pk=owner.pk).updated_at == before


def test_a_changed_email_is_written_once(owner, call_me, django_assert_num_queries):
    token = mint_test_token(owner, email="ada.king@example.com")

    with django_assert_num_queries(4):  # select, savepoint, update, release
        assert call_me(token).status_code == 200
    owner.refresh_from_db()
    assert owner.email == "ada.king@example.com"

    # The change is made: the same token writes nothing, and the account now comes from the
    # caller cache (accounts.caller_cache), refreshed after the write.
    with django_assert_num_queries(0):
        assert call_me(token).status_code == 200


def test_token_issued_before_a_profile_edit_does_not_undo_it(owner, call_me):
    old_token = mint_test_token(owner, iat=int(time.time()) - 60)
    assert call_me(old_token, "patch", data={"name": "Countess of Lovelace"}).status_code == 200

    assert call_me(old_token).json()["data"]["name"] == "Countess of Lovelace"
    owner.refresh_from_db()
    assert owner.name == "Countess of Lovelace"


def test_a_name_changed_here_survives_every_later_token(owner, call_me, django_assert_num_queries):
    """The profile name is the creator's, edited here: Better Auth's `name` claim never reverts it."""
    assert call_me(mint_test_token(owner), "patch", data={"name": "Ada King"}).status_code == 200
    User.objects.filter(pk=owner.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    with django_assert_num_queries(1):  # nothing to write
        response = call_me(mint_test_token(owner, name="Ada Lovelace"))

    assert response.json()["data"]["name"] == "Ada King"
    owner.refresh_from_db()
    assert owner.name == "Ada King"


def test_the_name_claim_fills_only_an_empty_profile_name(owner, call_me):
    User.objects.filter(pk=owner.pk).update(name="", updated_at=timezone.now() - timedelta(minutes=5))

    response = call_me(mint_test_token(owner, name="Name From Better Auth"))

    assert response.json()["data"]["name"] == "Name From Better Auth"


def test_token_issued_after_the_last_change_wins_for_the_email(owner, call_me):
    User.objects.filter(pk=owner.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    response = call_me(mint_test_token(owner, email="countess@example.com"))

    assert response.json()["data"]["email"] == "countess@example.com"


def test_email_taken_by_another_account_is_a_conflict(owner, call_me):
    response = call_me(sign(better_auth_claims(email=owner.email)))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert not User.objects.filter(pk=NEW_ID).exists()


def test_email_change_to_another_accounts_email_is_a_conflict(owner, outsider, call_me):
    response = call_me(mint_test_token(owner, email=outsider.email))

    assert response.status_code == 409
    owner.refresh_from_db()
    assert owner.email == "ada@example.com"


def test_deactivated_user_gets_403_even_with_a_valid_token(call_me):
    user = UserFactory(is_active=False, name="Old Name")

    response = call_me(mint_test_token(user, name="New Name"))

    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "FORBIDDEN"
    assert "disabled" in body["error"]["message"].lower()
    user.refresh_from_db()
    assert user.name == "Old Name"  # no write for a disabled account


def _hold_insert_then_commit(user_id: str, inserted: threading.Event, errors: list[BaseException]) -> None:
    try:
        with transaction.atomic():
            User.objects.create(id=user_id, email="race@example.com", name="Race Winner")
            inserted.set()
            time.sleep(0.5)  # the HTTP request meanwhile misses the row and blocks on the insert
    except BaseException as error:
        errors.append(error)
        inserted.set()
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_request_racing_another_creation_succeeds_with_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the insert race cannot happen")
    inserted, errors = threading.Event(), []
    winner = threading.Thread(target=_hold_insert_then_commit, args=(NEW_ID, inserted, errors))
    winner.start()
    assert inserted.wait(5)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(better_auth_claims(email='race@example.com'))}")

    response = client.get(ME)

    winner.join(5)
    assert not errors
    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == "Race Winner"
    assert User.objects.filter(pk=NEW_ID).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_of_a_new_user_all_succeed(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the insert race cannot happen")
    settings.RATELIMIT_ENABLE = False
    token = sign(better_auth_claims())
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def first_request() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait(5)
            statuses.append(client.get(ME).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert statuses == [200] * 8
    assert User.objects.filter(pk=NEW_ID).count() == 1
