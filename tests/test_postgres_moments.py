"""Moments are read by psycopg's C loader (aftercare/postgres.py) exactly as Django's own
loader reads them: aware, in UTC, to the microsecond, far dates included."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from psycopg.types.datetime import TimestamptzLoader

from aftercare.postgres import UtcMomentLoader

pytestmark = pytest.mark.postgres

TEXTS = [
    "2026-12-31 23:59:59.999999+08",
    "2024-02-29 00:00:00+00",
    "0955-03-01 12:00:00+08:05:43",
    "9999-12-31 23:59:59.999999+00",
]


@pytest.mark.django_db
def test_the_c_loader_reads_what_djangos_loader_reads():
    with connection.cursor() as cursor:
        loader = connection.connection.adapters.get_loader(1184, 0)
        assert loader is UtcMomentLoader
        cursor.execute("SELECT " + ", ".join(f"'{text}'::timestamptz" for text in TEXTS))
        read = cursor.fetchone()
    python = TimestamptzLoader(1184, connection.connection)
    for text, value in zip(TEXTS, read, strict=True):
        raw = connection.connection.execute(f"SELECT '{text}'::timestamptz::text").fetchone()[0]
        expected = python.load(raw.encode()).replace(tzinfo=UTC)
        assert value == expected and value.tzinfo is UTC
    assert read[0] == datetime(2026, 12, 31, 15, 59, 59, 999999, tzinfo=UTC)
