"""UTCDateTime on SQLite, where timestamps are text: every form reads as aware UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from shotline.sqltypes import UTCDateTime

stamps = Table(
    "stamps",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime()),
)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        # What Shotline writes: naive UTC with microseconds.
        ("2025-06-01 12:30:15.123456", dt.datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)),
        # What CURRENT_TIMESTAMP writes.
        ("2025-06-01 12:30:15", dt.datetime(2025, 6, 1, 12, 30, 15, tzinfo=dt.UTC)),
        # Text another writer left with an offset of its own, or a bare date.
        ("2025-06-01T14:30:15.5+02:00", dt.datetime(2025, 6, 1, 12, 30, 15, 500000, tzinfo=dt.UTC)),
        ("2025-06-01", dt.datetime(2025, 6, 1, tzinfo=dt.UTC)),
        (None, None),
    ],
)
def test_stored_text_reads_as_aware_utc(stored: str | None, expected: dt.datetime | None) -> None:
    engine = create_engine("sqlite://")
    stamps.create(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO stamps (id, at) VALUES (1, :at)"), {"at": stored})
        value = connection.scalar(select(stamps.c.at))

    assert value == expected
    assert value is None or value.tzinfo is dt.UTC


def test_an_aware_value_round_trips_as_utc() -> None:
    engine = create_engine("sqlite://")
    stamps.create(engine)
    paris = dt.timezone(dt.timedelta(hours=2))
    with engine.begin() as connection:
        connection.execute(
            insert(stamps), {"id": 1, "at": dt.datetime(2025, 6, 1, 14, 30, tzinfo=paris)}
        )
        stored = connection.scalar(text("SELECT at FROM stamps"))
        value = connection.scalar(select(stamps.c.at))

    assert stored == "2025-06-01 12:30:00.000000"
    assert value == dt.datetime(2025, 6, 1, 12, 30, tzinfo=dt.UTC)
    assert value.tzinfo is dt.UTC
