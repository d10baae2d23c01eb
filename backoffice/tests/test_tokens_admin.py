"""Personal access tokens in the backoffice: a creator's tokens listed, revoked, each revocation logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from accounts.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_personalaccesstoken_changelist")


def user_page(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def token_page(token) -> str:
    return reverse("admin:accounts_personalaccesstoken_change", args=[token.pk])


def revoke_url(token) -> str:
    return reverse("admin:accounts_personalaccesstoken_revoke", args=[token.pk])


def works(token_string: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_string}")
    return client.get("/api/v1/users/me").status_code == 200


@pytest.fixture
def tokens(owner, outsider, issue_token):
    """The owner's live, revoked and expired tokens, and an outsider's."""
    live = issue_token(owner, ["ideas:read", "notes:read"], name="Claude Desktop")
    assert works(live.token_string)  # it has a last-used time now
    revoked = issue_token(owner, name="retired script")
    PersonalAccessToken.objects.filter(pk=revoked.token.pk).update(revoked_at=timezone.now())
    expired = issue_token(owner, name="expired cron")
    PersonalAccessToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    theirs = issue_token(outsider, name="outsider tool")
    return {"live": live, "revoked": revoked, "expired": expired, "theirs": theirs}


def test_the_users_page_lists_the_creators_live_tokens(staff_client, owner, tokens):
    response = staff_client.get(user_page(owner))

    assert response.status_code == 200
    body = response.content.decode()
    live = PersonalAccessToken.objects.get(pk=tokens["live"].token.pk)
    for text in (live.prefix, "Claude Desktop", "ideas:read, notes:read", token_page(live)):
        assert text in body, text
    assert live.last_used_at is not None
    assert "retired script" not in body and "expired cron" not in body and "outsider tool" not in body
    assert f"{CHANGELIST}?owner__id__exact={owner.pk}" in body


def test_the_token_list_of_one_creator_shows_them_all(staff_client, owner, tokens):
    response = staff_client.get(CHANGELIST, {"owner__id__exact": owner.pk})

    assert response.status_code == 200
    names = {token.name for token in response.context["cl"].result_list}
    assert names == {"Claude Desktop", "retired script", "expired cron"}
    revoked = staff_client.get(CHANGELIST, {"status": "revoked"}).context["cl"].result_list
    assert [t.name for t in revoked] == ["retired script"]


@pytest.mark.parametrize("term", ["prefix", "whole token", "Claude"])
def test_search_by_prefix_whole_token_or_name(staff_client, tokens, term):
    live = tokens["live"]
    query = {"prefix": live.token.prefix, "whole token": live.token_string}.get(term, term)

    result = staff_client.get(CHANGELIST, {"q": query}).context["cl"].result_list

    assert [t.pk for t in result] == [live.token.pk]


def test_search_by_the_owners_email(staff_client, owner, tokens):
    result = staff_client.get(CHANGELIST, {"q": "ADA@example.com"}).context["cl"].result_list

    assert {t.pk for t in result} == {tokens[k].token.pk for k in ("live", "revoked", "expired")}


def test_revoking_from_the_token_page_is_logged_and_fails_the_token_at_once(staff_client, superuser, tokens):
    live = tokens["live"]
    page = staff_client.get(token_page(live.token))
    assert page.status_code == 200 and revoke_url(live.token) in page.content.decode()

    response = staff_client.post(revoke_url(live.token))

    assert response.status_code == 302 and response["Location"] == token_page(live.token)
    assert not works(live.token_string)
    assert PersonalAccessToken.objects.get(pk=live.token.pk).revoked_at is not None
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(PersonalAccessToken))
    assert (entry.user, entry.object_id, entry.action_flag) == (superuser, live.token.pk, CHANGE)
    assert "Revoked" in entry.get_change_message()
    # The page no longer offers it; revoking again changes and logs nothing.
    assert revoke_url(live.token) not in staff_client.get(token_page(live.token)).content.decode()
    staff_client.post(revoke_url(live.token))
    assert LogEntry.objects.count() == 1


def test_the_revoke_action_revokes_each_selected_token_and_logs_each(staff_client, tokens):
    chosen = [tokens["live"].token.pk, tokens["theirs"].token.pk, tokens["revoked"].token.pk]

    response = staff_client.post(CHANGELIST, {"action": "revoke_tokens", "_selected_action": chosen})

    assert response.status_code == 302
    assert not works(tokens["live"].token_string) and not works(tokens["theirs"].token_string)
    logged = set(LogEntry.objects.values_list("object_id", flat=True))
    assert logged == {tokens["live"].token.pk, tokens["theirs"].token.pk}  # not the one already revoked


def test_revoking_needs_the_change_permission(tokens):
    viewer = StaffUserFactory.create()
    viewer.user_permissions.add(Permission.objects.get(codename="view_personalaccesstoken"))
    client = Client()
    client.force_login(viewer)
    live = tokens["live"]

    page = client.get(token_page(live.token))
    assert page.status_code == 200 and revoke_url(live.token) not in page.content.decode()
    assert client.post(revoke_url(live.token)).status_code == 403
    client.post(CHANGELIST, {"action": "revoke_tokens", "_selected_action": [live.token.pk]})

    assert works(live.token_string)
    assert not LogEntry.objects.exists()


def test_revoke_is_post_only(staff_client, tokens):
    assert staff_client.get(revoke_url(tokens["live"].token)).status_code == 405
    assert works(tokens["live"].token_string)


def test_staff_cannot_add_edit_or_delete_tokens(staff_client, tokens):
    live = tokens["live"].token
    assert staff_client.get(reverse("admin:accounts_personalaccesstoken_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:accounts_personalaccesstoken_delete", args=[live.pk])).status_code
        == 403
    )
    staff_client.post(token_page(live), {"name": "renamed"})
    assert PersonalAccessToken.objects.get(pk=live.pk).name == "Claude Desktop"


def test_no_admin_page_shows_a_secret_or_its_hash(staff_client, owner, tokens):
    pages = [
        staff_client.get(user_page(owner)),
        staff_client.get(CHANGELIST),
        staff_client.get(token_page(tokens["live"].token)),
    ]

    for issued in tokens.values():
        secret = issued.token_string[17:60]
        stored = PersonalAccessToken.objects.get(pk=issued.token.pk).secret_hash
        for page in pages:
            assert page.status_code == 200
            assert secret not in page.content.decode() and stored not in page.content.decode()


def test_the_changelist_query_count_does_not_grow_with_tokens(
    staff_client, owner, issue_token, django_assert_max_num_queries
):
    issue_token(owner)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(CHANGELIST)
    for n in range(20):
        issue_token(owner, name=f"t{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(CHANGELIST).status_code == 200
