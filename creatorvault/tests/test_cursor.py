"""Keyset cursors: exact round trips, refusal of anything not issued for the listing, stable pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import F

from creatorvault.api.cursor import SortKey, cursor_decode, cursor_encode, cursor_page
from creatorvault.errors import ValidationFailed


def test_values_round_trip_exactly():
    values = [
        datetime(2026, 1, 4, 10, 30, 0, 123456, tzinfo=UTC),
        uuid.UUID("0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b"),
        42,
        "Über",
        None,
        True,
        Decimal("1.50"),
    ]
    assert cursor_decode("list", cursor_encode("list", values), size=len(values)) == values


@pytest.mark.parametrize("cursor", ["", "x" * 3000, "abc", "eyJ9:1:2"])
def test_anything_not_issued_here_is_refused(cursor):
    with pytest.raises(ValidationFailed) as raised:
        cursor_decode("list", cursor, size=1)
    assert raised.value.details[0]["field"] == "cursor"
    assert raised.value.details[0]["type"] == "invalid_cursor"


def test_a_tampered_or_foreign_cursor_is_refused():
    cursor = cursor_encode("list:a", [1])
    with pytest.raises(ValidationFailed, match="not a cursor this server issued"):
        cursor_decode("list:a", cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB"), size=1)
    with pytest.raises(ValidationFailed, match="different list"):
        cursor_decode("list:b", cursor, size=1)
    with pytest.raises(ValidationFailed):
        cursor_decode("list:a", cursor, size=2)


def test_cursors_are_django_signed_values_that_survive_a_key_rotation(settings):
    """The format is `signing.dumps(..., salt=...)`'s: cursors issued before a release stay valid,
    a rotated SECRET_KEY still accepts them through SECRET_KEY_FALLBACKS, and a dropped key does not."""
    settings.SECRET_KEY = "first-key-" + "f" * 50
    issued = cursor_encode("list", [7, "seven"])
    payload = signing.loads(issued, salt="creatorvault.api.cursor")
    assert payload["k"] == [["i", 7], ["s", "seven"]]
    earlier = signing.dumps(payload, salt="creatorvault.api.cursor", compress=True)
    assert cursor_decode("list", earlier, size=2) == [7, "seven"]

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "second-key-" + "s" * 50, ["first-key-" + "f" * 50]
    assert cursor_decode("list", issued, size=2) == [7, "seven"]
    assert signing.loads(cursor_encode("list", [8]), salt="creatorvault.api.cursor")["k"] == [["i", 8]]

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValidationFailed, match="not a cursor this server issued"):
        cursor_decode("list", issued, size=2)


@pytest.mark.django_db
@pytest.mark.parametrize("descending", [False, True])
def test_pages_cover_the_list_once_with_ties_broken_by_id(descending):
    # Many content types share an app label: the id decides among them.
    everything = list(
        ContentType.objects.order_by(*(("-app_label", "-pk") if descending else ("app_label", "pk")))
    )
    keys = [SortKey(F("app_label"), descending=descending)]
    seen, cursor = [], None
    while True:
        page = cursor_page(ContentType.objects.all(), keys=keys, limit=3, cursor=cursor, listing="types")
        seen += page.items
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert seen == everything
    assert page.next_cursor is None
