"""Values written by the database exactly as the other modes write them."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from sqlalchemy import Date, DateTime, Engine, String, cast, literal, select
from sqlalchemy.dialects import mysql

from loadplan.execution.json.values import renderer

MOMENTS = [
    dt.datetime(2026, 1, 2, 3, 4, 5),
    dt.datetime(2026, 1, 2, 3, 4, 5, 600),
    dt.datetime(2026, 12, 31, 23, 59, 59, 999999),
    dt.datetime(1999, 7, 8, 0, 0, 0, 100000),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_a_datetime_has_its_microseconds_only_when_it_has_some(
    engine: Engine, moment: dt.datetime
) -> None:
    with engine.connect() as connection:
        # Connected: the dialect knows it is MariaDB's.
        write = renderer(dt.datetime, DateTime(), engine.dialect)
        written = connection.execute(select(write(literal(moment, DateTime())))).scalar_one()
    assert written == orjson.dumps(moment).decode()


STRINGS = [
    "",
    "plain",
    'quote " backslash \\ slash /',
    "".join(map(chr, range(1, 32))),  # NUL: no PostgreSQL text holds it
    "\\u000B, escaped already",
    "accents é, euro €, a four-byte 😀, separators \u2028\u2029, delete \x7f",
]


@pytest.mark.parametrize("text", STRINGS, ids=range(len(STRINGS)))
def test_a_string_has_orjsons_escapes(engine: Engine, text: str) -> None:
    with engine.connect() as connection:
        write = renderer(str, String(), engine.dialect)
        written = connection.execute(select(write(literal(text, String())))).scalar_one()
    assert written == orjson.dumps(text).decode()


@pytest.mark.parametrize("day", [dt.date(2026, 1, 2), dt.date(5, 12, 31)], ids=str)
def test_a_date_is_iso(engine: Engine, day: dt.date) -> None:
    with engine.connect() as connection:
        write = renderer(dt.date, Date(), engine.dialect)
        written = connection.execute(select(write(literal(day, Date())))).scalar_one()
    assert written == orjson.dumps(day).decode()


def test_a_string_of_another_character_set_is_written_in_utf8mb4(engine: Engine) -> None:
    if engine.dialect.name != "mysql":
        pytest.skip("character sets per column are MariaDB's")
    text = 'é " \\'
    with engine.connect() as connection:
        write = renderer(str, String(), engine.dialect)
        latin1 = cast(literal(text, String()), mysql.CHAR(charset="latin1"))
        written = connection.execute(select(write(latin1))).scalar_one()
    assert written == orjson.dumps(text).decode()
