"""PostgreSQL timestamps come back as Django's own loader gives them: same instant, `timezone.utc`."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timestamptz loader"),
]

UTC = datetime.UTC


def test_timestamps_read_by_sql_are_utc_with_every_microsecond() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '2024-01-02 03:04:05.123456+05'::timestamptz,"
            " '1999-12-31 23:59:59.999999-08:30'::timestamptz,"
            " '0001-01-01 00:00:00+00'::timestamptz, NULL::timestamptz"
        )
        first, second, earliest, missing = cursor.fetchone()
    assert first == datetime.datetime(2024, 1, 1, 22, 4, 5, 123456, tzinfo=UTC)
    assert second == datetime.datetime(2000, 1, 1, 8, 29, 59, 999999, tzinfo=UTC)
    assert earliest == datetime.datetime(1, 1, 1, tzinfo=UTC)
    assert missing is None
    assert first.tzinfo is UTC and second.tzinfo is UTC  # not merely an equal zone


def test_a_model_reads_back_the_aware_datetime_it_saved() -> None:
    moment = datetime.datetime(
        2031, 7, 4, 12, 30, 15, 654321, tzinfo=datetime.timezone(datetime.timedelta(hours=-4))
    )
    Session.objects.create(session_key="timestamps-test", session_data="", expire_date=moment)
    stored = Session.objects.get(session_key="timestamps-test").expire_date
    assert stored == moment
    assert stored.tzinfo is UTC
    assert stored.isoformat() == "2031-07-04T16:30:15.654321+00:00"


def test_the_parsing_is_psycopg_s_own_loader() -> None:
    from psycopg.pq import Format

    from creatorvault.postgresql.base import UtcTimestamptzLoader

    connection.ensure_connection()
    adapters = connection.connection.adapters
    oid = adapters.types["timestamptz"].oid
    assert adapters.get_loader(oid, Format.TEXT) is UtcTimestamptzLoader
