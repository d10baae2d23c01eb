"""`search` finds notes by whole word through the keyed index, for the owner only."""

from __future__ import annotations

import pytest

from ideas.models import IdeaNoteToken
from ideas.tests.helpers import IDEAS, create_idea, search_titles


@pytest.fixture
def owner_client(owner, client_for, sealing_keys):
    return client_for(owner)


def test_search_finds_a_whole_word_of_the_notes(owner_client):
    create_idea(owner_client, title="Bees", notes="Interview the Beekeepers, about honey!")
    create_idea(owner_client, title="Cars", notes="Electric motors")
    assert search_titles(owner_client, "beekeepers") == ["Bees"]
    assert search_titles(owner_client, "HONEY") == ["Bees"]
    assert search_titles(owner_client, "honey interview") == ["Bees"]  # every word, any order
    assert search_titles(owner_client, "honey motors") == []
    # Notes match whole words only: no substrings of words.
    assert search_titles(owner_client, "keeper") == []


def test_search_still_matches_title_substrings(owner_client):
    create_idea(owner_client, title="Beekeeping basics", notes="")
    assert search_titles(owner_client, "KEEP") == ["Beekeeping basics"]


def test_search_normalises_unicode(owner_client):
    create_idea(owner_client, title="Cafe", notes="Ｃafé Straße")
    assert search_titles(owner_client, "CAFÉ") == ["Cafe"]
    assert search_titles(owner_client, "strasse") == ["Cafe"]


def test_search_by_note_word_is_for_the_owner_only(owner, outsider, client_for, sealing_keys):
    create_idea(client_for(owner), title="Mine", notes="zeppelin")
    create_idea(client_for(outsider), title="Theirs", notes="zeppelin")
    assert search_titles(client_for(owner), "zeppelin") == ["Mine"]
    assert search_titles(client_for(outsider), "zeppelin") == ["Theirs"]
    # Equal words of two users are indexed under unrelated hashes.
    mine = set(IdeaNoteToken.objects.filter(owner=owner).values_list("token_hash", flat=True))
    theirs = set(IdeaNoteToken.objects.filter(owner=outsider).values_list("token_hash", flat=True))
    assert mine and theirs and not {bytes(h) for h in mine} & {bytes(h) for h in theirs}


def test_index_follows_every_write(owner_client):
    idea = create_idea(owner_client, title="Draft", notes="walrus")
    url = f"{IDEAS}/{idea['id']}"
    assert owner_client.patch(url, {"notes": "narwhal"}, format="json").status_code == 200
    assert search_titles(owner_client, "walrus") == []
    assert search_titles(owner_client, "narwhal") == ["Draft"]
    # A change that leaves the notes alone keeps their index.
    assert owner_client.patch(url, {"title": "Draft 2"}, format="json").status_code == 200
    assert search_titles(owner_client, "narwhal") == ["Draft 2"]
    body = {"title": "Draft 3", "notes": "orca"}
    assert owner_client.put(url, body, format="json").status_code == 200
    assert search_titles(owner_client, "orca") == ["Draft 3"]
    assert owner_client.patch(url, {"notes": ""}, format="json").status_code == 200
    assert search_titles(owner_client, "orca") == []
    assert not IdeaNoteToken.objects.exists()
    create_idea(owner_client, title="Other", notes="orca")
    assert owner_client.delete(url).status_code == 204
    assert IdeaNoteToken.objects.count() == 1


def test_search_parameter_documents_the_difference(client):
    schema = client.get("/api/schema", {"format": "json"}).json()
    (path,) = [p for p in schema["paths"] if p.rstrip("/") == "/api/v1/ideas"]
    params = schema["paths"][path]["get"]["parameters"]
    (search,) = [p for p in params if p["name"] == "search"]
    assert "whole word" in search["description"].lower()
