"""A user's page as a moderator works it: what the account holds, Deactivate / Reactivate, no passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from accounts.tests.factories import StaffUserFactory, UserFactory
from ideas.services.trash import idea_trash
from ideas.tests.factories import IdeaFactory

ME = "/api/v1/users/me"


def page_of(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def deactivate_url(user) -> str:
    return reverse("admin:accounts_user_deactivate", args=[user.pk])


def reactivate_url(user) -> str:
    return reverse("admin:accounts_user_reactivate", args=[user.pk])


def test_creator_page_shows_ideas_trash_tokens_and_last_seen(staff_client, owner, issue_token):
    IdeaFactory.create_batch(2, user=owner)
    idea_trash(owner=owner, idea_id=IdeaFactory.create(user=owner).pk)
    body = staff_client.get(page_of(owner)).content.decode()
    assert (
        f'href="/admin/ideas/idea/?user__id__exact={owner.pk}" id="live-ideas-link">2 live idea(s)</a>'
        in body
    )
    assert f'href="/admin/ideas/idea/?user__id__exact={owner.pk}&amp;trash=trashed"' in body
    assert "1 in the trash" in body
    assert "None." in body  # no tokens, and no token table
    assert "live personal access tokens" not in body.lower()
    assert "(idea created or changed)" in body and " UTC (idea" in body
    assert 'id="deactivate-user"' in body

    issued = issue_token(owner, name="Claude Desktop")
    used = timezone.now() + timedelta(minutes=5)
    PersonalAccessToken.objects.filter(pk=issued.token.pk).update(last_used_at=used)
    body = staff_client.get(page_of(owner)).content.decode()
    assert "Claude Desktop" in body and "1 live (listed below)" in body
    assert f"{used:%Y-%m-%d %H:%M} UTC (personal access token used)" in body


def test_creator_without_activity_was_never_seen(staff_client, outsider):
    assert "Never (nothing recorded yet)." in staff_client.get(page_of(outsider)).content.decode()


def test_creator_page_has_no_password_or_backoffice_access_controls(staff_client, owner):
    body = staff_client.get(page_of(owner)).content.decode()
    form = body[body.index('id="user_form"') :]
    assert "password" not in form.lower()
    assert 'name="is_staff"' not in body and 'name="is_superuser"' not in body
    password_page = reverse("admin:auth_user_password_change", args=[owner.pk])
    assert staff_client.get(password_page).status_code == 404
    assert staff_client.post(password_page, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 404
    owner.refresh_from_db()
    assert not owner.has_usable_password()


def test_staff_page_keeps_the_password_and_access_controls(staff_client, staff_user):
    body = staff_client.get(page_of(staff_user)).content.decode()
    assert 'name="is_staff"' in body
    assert "password/" in body  # Django's "Reset password" link
    assert (
        staff_client.get(reverse("admin:auth_user_password_change", args=[staff_user.pk])).status_code == 200
    )


def test_deactivate_goes_through_the_service_is_logged_and_stops_tokens_and_jwts(
    staff_client, superuser, owner, issue_token, client_for
):
    token = issue_token(owner).token_string
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    jwt_client = client_for(owner)
    assert jwt_client.get(ME).status_code == 200

    response = staff_client.post(deactivate_url(owner), follow=True)
    assert response.redirect_chain[-1][0] == page_of(owner)
    body = response.content.decode()
    assert "Deactivated ada@example.com" in body
    assert 'id="reactivate-user"' in body
    owner.refresh_from_db()
    assert not owner.is_active
    entry = LogEntry.objects.get(object_id=owner.pk, action_flag=CHANGE)
    assert (entry.user_id, entry.get_change_message()) == (
        superuser.pk,
        "Deactivated the account (its tokens and sessions now get 403).",
    )
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    assert jwt_client.get(ME).status_code == 403

    response = staff_client.post(reactivate_url(owner), follow=True)
    assert "Reactivated ada@example.com." in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active
    assert LogEntry.objects.filter(object_id=owner.pk, change_message="Reactivated the account.").exists()
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_deactivating_a_staff_member_ends_their_sessions(staff_client, staff_user):
    their_browser = Client()
    their_browser.force_login(staff_user)
    assert their_browser.get(reverse("admin:index")).status_code == 200
    staff_client.post(deactivate_url(staff_user))
    response = their_browser.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_deactivate_twice_says_so_and_logs_once(staff_client, owner):
    staff_client.post(deactivate_url(owner))
    response = staff_client.post(deactivate_url(owner), follow=True)
    assert "was already deactivated" in response.content.decode()
    assert LogEntry.objects.filter(object_id=owner.pk).count() == 1


def test_nobody_deactivates_their_own_account(staff_client, superuser):
    assert 'id="deactivate-user"' not in staff_client.get(page_of(superuser)).content.decode()
    response = staff_client.post(deactivate_url(superuser), follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.is_active


@pytest.mark.parametrize("url", [deactivate_url, reactivate_url])
def test_moderation_urls_take_post_only_and_need_the_change_permission(owner, url):
    from django.contrib.auth.models import Permission

    viewer = StaffUserFactory.create()
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(viewer)
    body = client.get(page_of(owner)).content.decode()
    assert 'id="deactivate-user"' not in body
    assert client.post(url(owner)).status_code == 403
    assert client.get(url(owner)).status_code == 405
    owner.refresh_from_db()
    assert owner.is_active


def test_moderation_of_an_unknown_account_is_404(staff_client):
    assert staff_client.post(deactivate_url(UserFactory.build())).status_code == 404


def test_users_list_has_no_id_column_and_times_carry_their_zone(staff_client, owner):
    response = staff_client.get(reverse("admin:accounts_user_changelist"))
    headers = [str(column["text"]) for column in response.context["result_headers"]][1:]
    assert headers == ["e-mail", "name", "is active", "is staff", "ideas", "created at"]
    assert f"{owner.created_at:%Y-%m-%d %H:%M} UTC" in response.content.decode()
