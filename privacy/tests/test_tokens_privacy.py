"""Personal access tokens and privacy: exported as metadata (never a secret), gone with erasure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken, User
from creatorvault.errors import ValidationFailed
from ideas.tests.helpers import EXPORT, ME, create_idea
from privacy.document import TOKEN_FIELDS, TOKENS_LABEL
from privacy.services import user_data_import

pytestmark = pytest.mark.django_db


def bearer(token_string: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_string}")
    return client


@pytest.fixture
def tokens(owner, owner_client, issue_token):
    """Two tokens of the owner's (one used, one revoked) and one of the outsider's."""
    used = issue_token(owner, ["ideas:read", "notes:read"], name="Claude Desktop")
    revoked = issue_token(owner, ["ideas:write"], name="old cron job")
    assert bearer(used.token_string).get(ME).status_code == 200
    assert owner_client.delete(f"/api/v1/users/me/tokens/{revoked.token.pk}").status_code == 204
    return used, revoked


def test_the_export_carries_token_metadata_never_a_secret(owner_client, tokens, outsider, issue_token):
    theirs = issue_token(outsider, name="outsider's token")
    document = owner_client.get(EXPORT).json()["data"]

    exported = document["related"][TOKENS_LABEL]
    assert [t["name"] for t in exported] == ["Claude Desktop", "old cron job"]
    for row, issued in zip(exported, tokens, strict=True):
        assert set(row) == set(TOKEN_FIELDS)
        assert row["id"] == issued.token.pk and row["prefix"] == f"cvp_{issued.token.pk}"
    assert exported[0]["scopes"] == ["ideas:read", "notes:read"] and exported[0]["last_used_at"]
    assert exported[1]["revoked_at"] is not None
    text = json.dumps(document)
    for issued in tokens:
        assert issued.token_string[17:60] not in text  # the secret
        assert PersonalAccessToken.objects.get(pk=issued.token.pk).secret_hash not in text
    assert theirs.token.pk not in text and "outsider's token" not in text


def test_exported_tokens_carry_exactly_the_documented_fields(owner_client, tokens, client):
    schema = client.get("/api/schema", {"format": "json"}).json()["components"]["schemas"]
    documented = schema["ExportToken"]
    related = schema["ExportRelated"]
    assert related["properties"][TOKENS_LABEL]["items"]["$ref"].endswith("/ExportToken")

    for row in owner_client.get(EXPORT).json()["data"]["related"][TOKENS_LABEL]:
        assert set(row) == set(documented["properties"]) == set(documented["required"])


def test_a_token_cannot_export(owner, token_client):
    response = token_client(owner, "ideas:read", "notes:read").get(EXPORT)

    assert response.status_code == 403


def test_import_takes_exports_with_tokens_and_without_but_restores_no_token(owner, owner_client, tokens):
    create_idea(owner_client, title="Kept")
    document = owner_client.get(EXPORT).json()["data"]
    assert owner_client.delete(ME).status_code == 204

    summary = user_data_import(document=document)

    assert summary.ideas_imported == 1
    assert not PersonalAccessToken.objects.exists()  # credentials never come back from a file
    for issued in tokens:
        assert bearer(issued.token_string).get(ME).status_code == 401
    # An export made before tokens existed has no such section: it still imports.
    del document["related"][TOKENS_LABEL]
    assert user_data_import(document=document).ideas_imported == 1
    document["related"][TOKENS_LABEL] = {"not": "a list"}
    with pytest.raises(ValidationFailed):
        user_data_import(document=document)


def test_erasure_removes_the_tokens_and_the_admin_log_about_them(owner, owner_client, tokens, staff_user):
    used, revoked = tokens
    LogEntry.objects.create(
        user=staff_user,
        content_type=ContentType.objects.get_for_model(PersonalAccessToken),
        object_id=revoked.token.pk,
        object_repr=str(revoked.token),
        action_flag=CHANGE,
        change_message="Revoked the personal access token.",
    )

    assert owner_client.delete(ME).status_code == 204

    assert not PersonalAccessToken.objects.exists()
    assert not LogEntry.objects.filter(object_repr__icontains="old cron job").exists()
    response = bearer(used.token_string).get(ME)
    assert response.status_code == 401  # gone: not recognised, and never re-creates the account
    assert not User.objects.filter(pk=owner.pk).exists()


def test_erase_user_reports_the_tokens(owner, tokens):
    out = StringIO()
    call_command("erase_user", owner.pk, "--yes", stdout=out)

    assert "2 personal access token(s)" in out.getvalue()
    assert not PersonalAccessToken.objects.exists()
