"""New ideas' ids: UUIDs that cluster by owner in the indexes keyed by id, and stay unguessable."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from ideas.models import IdeaNoteToken
from ideas.models.idea import OWNER_PREFIX_BYTES

pytestmark = pytest.mark.django_db


def _create(client, n: int, notes: str = "") -> list[uuid.UUID]:
    ids = []
    for i in range(n):
        response = client.post("/api/v1/ideas", {"title": f"Idea {i}", "notes": notes}, format="json")
        assert response.status_code == 201, response.content
        ids.append(uuid.UUID(response.json()["data"]["id"]))
    return ids


def test_an_owners_new_ideas_share_a_prefix_and_others_do_not(owner, outsider, client_for):
    mine = _create(client_for(owner), 4)
    theirs = _create(client_for(outsider), 2)
    prefixes = {i.bytes[:OWNER_PREFIX_BYTES] for i in mine}
    assert len(prefixes) == 1
    assert {i.bytes[:OWNER_PREFIX_BYTES] for i in theirs} != prefixes
    # Sorted as the id indexes sort them, one owner's ideas are neighbours.
    in_key_order = [i in mine for i in sorted(mine + theirs, key=lambda i: i.bytes)]
    assert in_key_order in ([True] * 4 + [False] * 2, [False] * 2 + [True] * 4)


def test_ids_are_rfc_9562_version_8_with_98_random_bits(owner, client_for):
    ids = _create(client_for(owner), 6)
    assert all(i.version == 8 and i.variant == uuid.RFC_4122 for i in ids)
    assert len({i.bytes[OWNER_PREFIX_BYTES:] for i in ids}) == 6
    # Past the prefix, 98 bits are random (all but the 6 of version and variant): across six ids
    # nearly every one of them takes both values; a counter or a timestamp would leave most fixed.
    rest = [int.from_bytes(i.bytes[OWNER_PREFIX_BYTES:], "big") for i in ids]
    varying = 0
    for value in rest[1:]:
        varying |= value ^ rest[0]
    assert bin(varying).count("1") > 85


def test_the_prefix_is_keyed_by_the_sites_secret(owner, client_for, settings):
    before = _create(client_for(owner), 1)[0]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    after = _create(client_for(owner), 1)[0]
    assert before.bytes[:OWNER_PREFIX_BYTES] != after.bytes[:OWNER_PREFIX_BYTES]


def test_the_id_reaches_the_word_index_and_the_detail(owner, client_for):
    client = client_for(owner)
    (idea_id,) = _create(client, 1, notes="clustered words in the index")
    assert set(IdeaNoteToken.objects.filter(owner=owner).values_list("idea_id", flat=True)) == {idea_id}
    response = client.get(f"/api/v1/ideas/{idea_id}")
    assert response.status_code == 200
    assert response.json()["data"]["notes"] == "clustered words in the index"
    found = client.get("/api/v1/ideas", {"search": "clustered"})
    assert [row["id"] for row in found.json()["data"]["ideas"]] == [str(idea_id)]


@pytest.mark.postgres
def test_postgresql_orders_an_owners_ids_together(owner, outsider, client_for):
    mine = _create(client_for(owner), 3)
    theirs = _create(client_for(outsider), 3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM ideas_idea ORDER BY id")
        owners = [row[0] for row in cursor.fetchall()]
    assert len(mine) == len(theirs) == 3
    assert owners in ([owner.pk] * 3 + [outsider.pk] * 3, [outsider.pk] * 3 + [owner.pk] * 3)
