"""Portability and erasure: export round-trips every field; erasure leaves no row of the user."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from accounts.models import User
from audit.models import NoteReveal
from audit.services import ERASED_REASON, note_reveal_record
from ideas.models import Idea, IdeaNoteToken, IdeaRevision
from ideas.tests.factories import IdeaFactory
from ideas.tests.helpers import EXPORT, IDEAS, ME, create_idea, search_titles
from privacy.document import TOKENS_LABEL, idea_child_models
from privacy.services import user_data_import, user_erase


@pytest.fixture
def owner_with_ideas(owner, outsider, client_for, sealing_keys):
    client = client_for(owner)
    first = create_idea(
        client,
        title="AI Content Tools Research",
        notes="Compare tools; interview editors.\nSecond line ✓",
        stage="outline",
        tags=["blog", "research"],
        priority="high",
        due_date="2026-03-01T09:30:00Z",
    )
    client.patch(f"{IDEAS}/{first['id']}", {"stage": "draft"}, format="json")  # version 2
    create_idea(client, title="Bare idea")
    create_idea(client_for(outsider), title="Not theirs", notes="outsider words")
    return owner


def without_time(document):
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_export_holds_every_field_with_plain_notes(owner_with_ideas, client_for):
    response = client_for(owner_with_ideas).get(EXPORT)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    document = response.json()["data"]
    assert document["format"] == "creatorvault.user-export" and document["version"] == 1
    assert document["user"]["email"] == "ada@example.com"
    assert [i["title"] for i in document["ideas"]] == ["AI Content Tools Research", "Bare idea"]
    first = document["ideas"][0]
    api_view = client_for(owner_with_ideas).get(f"{IDEAS}/{first['id']}").json()["data"]
    for field in (
        "id",
        "title",
        "notes",
        "stage",
        "tags",
        "priority",
        "due_date",
        "created_at",
        "updated_at",
    ):
        assert first[field] == api_view[field], field
    assert first["version"] == 2
    assert "notes_sealed" not in first and "outsider" not in json.dumps(document)


def test_export_round_trips_through_erase_and_import(owner_with_ideas, client_for, tmp_path):
    user_id = owner_with_ideas.pk
    exported = client_for(owner_with_ideas).get(EXPORT).json()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported))  # the API's envelope, as a browser would save it
    assert client_for(owner_with_ideas).delete(ME).status_code == 204
    assert not User.objects.filter(pk=user_id).exists()

    call_command("import_user_data", str(path), "--dry-run", stdout=StringIO())
    assert not User.objects.filter(pk=user_id).exists()
    out = StringIO()
    call_command("import_user_data", str(path), stdout=out)
    assert "Created user" in out.getvalue() and "2 idea(s)" in out.getvalue()
    user = User.objects.get(pk=user_id)
    again = client_for(user).get(EXPORT).json()["data"]
    assert without_time(again) == without_time(exported["data"])
    # Rows hanging off the ideas (revisions, once they exist) travel too.
    assert set(again["related"]) == {model._meta.label for model in idea_child_models()} | {TOKENS_LABEL}
    # Imported notes are sealed and searchable again.
    assert search_titles(client_for(user), "editors") == ["AI Content Tools Research"]
    assert not Idea.objects.filter(notes_sealed__contains="editors").exists()


def test_export_command_writes_a_private_file(owner_with_ideas, tmp_path):
    path = tmp_path / "out.json"
    out = StringIO()
    call_command("export_user_data", "ADA@example.com", "--output", str(path), stdout=out)
    assert path.stat().st_mode & 0o777 == 0o600
    document = json.loads(path.read_text())
    assert len(document["ideas"]) == 2
    assert f"Exported user {owner_with_ideas.pk} with 2 idea(s)" in out.getvalue()


def test_export_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("export_user_data", "nobody@example.com")


def rows_pointing_at(user_id: str, idea_ids: list[str]) -> list[str]:
    """Every row of every table that references the user or one of their ideas."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model
            rows = model._default_manager
            if target is User and rows.filter(**{field.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{field.name}")
            if target is Idea and rows.filter(**{f"{field.attname}__in": idea_ids}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def text_rows_mentioning(needles: list[str]) -> list[str]:
    """Every text column of every table that still holds one of `needles`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.attname}__icontains": needle}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_erasure_leaves_no_row_of_the_user(owner_with_ideas, outsider, staff_user, client_for):
    user_id = owner_with_ideas.pk
    idea_ids = [str(pk) for pk in Idea.objects.for_owner(owner_with_ideas).values_list("pk", flat=True)]
    assert rows_pointing_at(user_id, idea_ids)
    # Staff moderated this user and one of their ideas: those log lines carry the e-mail and a title.
    for obj in (owner_with_ideas, Idea.objects.get(pk=idea_ids[0])):
        LogEntry.objects.create(
            user=staff_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
        )

    response = client_for(owner_with_ideas).delete(ME)
    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=user_id).exists()
    assert rows_pointing_at(user_id, idea_ids) == []
    assert text_rows_mentioning([user_id, "ada@example.com", "AI Content Tools Research"]) == []
    assert not LogEntry.objects.filter(
        object_repr__in=["ada@example.com", "AI Content Tools Research"]
    ).exists()
    # Nobody else lost anything.
    assert Idea.objects.for_owner(outsider).count() == 1
    assert IdeaNoteToken.objects.filter(owner=outsider).exists()
    assert search_titles(client_for(outsider), "outsider") == ["Not theirs"]


def test_erase_user_command(owner_with_ideas, monkeypatch):
    out = StringIO()
    call_command("erase_user", owner_with_ideas.email, "--dry-run", stdout=out)
    assert User.objects.filter(pk=owner_with_ideas.pk).exists()
    monkeypatch.setattr("sys.stdin", StringIO(""))  # not a terminal: no one to ask
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_user", owner_with_ideas.email)
    call_command("erase_user", owner_with_ideas.pk, "--yes", stdout=out)
    assert "Erased user" in out.getvalue() and "2 idea(s)" in out.getvalue()
    assert not User.objects.filter(pk=owner_with_ideas.pk).exists()
    assert not Idea.objects.filter(user_id=owner_with_ideas.pk).exists()


def test_export_and_erase_are_documented(client):
    schema = client.get("/api/schema", {"format": "json"}).json()
    paths = {p.rstrip("/"): ops for p, ops in schema["paths"].items()}
    assert "get" in paths["/api/v1/users/me/export"]
    assert "204" in paths["/api/v1/users/me"]["delete"]["responses"]


def test_import_never_touches_another_users_rows_by_their_database_number(
    owner_with_ideas, outsider, client_for
):
    """Revision rows travel without this database's serial ids; an import matches them by (idea, number)."""
    document = client_for(owner_with_ideas).get(EXPORT).json()["data"]
    (exported_revision,) = document["related"]["ideas.IdeaRevision"]
    assert "id" not in exported_revision
    assert client_for(owner_with_ideas).delete(ME).status_code == 204
    outsiders_idea = Idea.objects.get(user=outsider)
    client_for(outsider).patch(f"{IDEAS}/{outsiders_idea.pk}", {"notes": "changed"}, format="json")
    theirs = IdeaRevision.objects.get(owner=outsider)
    # A document from another database (or an older export) numbering its row like the outsider's.
    exported_revision["id"] = theirs.pk

    user_data_import(document=document)
    user_data_import(document=document)  # importing again replaces the rows, never duplicates them

    assert IdeaRevision.objects.filter(pk=theirs.pk, owner=outsider).exists()
    assert IdeaRevision.objects.filter(owner_id=owner_with_ideas.pk).count() == 1
    # New revisions still get free ids (an imported id would collide with the sequence).
    response = client_for(outsider).patch(f"{IDEAS}/{outsiders_idea.pk}", {"notes": "again"}, format="json")
    assert response.status_code == 200
    assert IdeaRevision.objects.filter(owner=outsider).count() == 2


def test_export_ideas_carry_exactly_the_documented_fields(owner_with_ideas, client_for):
    client = client_for(owner_with_ideas)
    trashed = Idea.objects.filter(user=owner_with_ideas, title="Bare idea").get()
    assert client.delete(f"{IDEAS}/{trashed.pk}").status_code == 204
    schema = client.get("/api/schema", {"format": "json"}).json()
    documented = schema["components"]["schemas"]["ExportIdea"]
    ideas = {idea["title"]: idea for idea in client.get(EXPORT).json()["data"]["ideas"]}
    for idea in ideas.values():
        assert set(idea) == set(documented["properties"]) == set(documented["required"])
    assert ideas["Bare idea"]["trashed_at"].endswith("Z")
    assert ideas["AI Content Tools Research"]["trashed_at"] is None


def test_erasing_the_creator_keeps_the_fact_but_drops_the_reason(staff_user, owner, outsider):
    theirs = IdeaFactory.create(user=owner)
    other = IdeaFactory.create(user=outsider)
    note_reveal_record(staff=staff_user, idea_id=theirs.pk, reason="Ada Lovelace reported by ada@example.com")
    note_reveal_record(staff=staff_user, idea_id=other.pk, reason="Case 9")

    user_erase(user=owner)

    kept = NoteReveal.objects.get(idea_id=theirs.pk)
    assert (kept.staff, kept.reason) == (staff_user, ERASED_REASON)
    assert NoteReveal.objects.get(idea_id=other.pk).reason == "Case 9"
    assert not NoteReveal.objects.filter(reason__icontains="ada").exists()
