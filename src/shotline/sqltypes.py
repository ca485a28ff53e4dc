"""Column types that behave the same on SQLite, PostgreSQL and MariaDB.

Kept out of the models package so that :mod:`shotline.softdelete` can use them
without importing every model (the models import the soft-delete mixin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

# JSONB on PostgreSQL: smaller, indexable and comparable, which plain JSON is not.
JSONData = JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, for Python-side column defaults."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always an aware UTC ``datetime`` in Python.

    PostgreSQL keeps the offset, but SQLite and MariaDB store naive values and
    hand them back naive, so without this the same model would return aware
    datetimes on one dialect and naive ones on the others. Naive values are
    refused on the way in because their zone cannot be known. MariaDB gets
    microsecond precision, which its plain ``DATETIME`` drops (ties would make
    "newest first" orderings arbitrary).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in {"mysql", "mariadb"}:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a timezone (UTC)")
        value = value.astimezone(dt.UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], dt.datetime | None] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # SQLite hands back the stored text, naive UTC. Parsing it with the
        # offset appended gives the aware value in one call; the generic chain
        # (the type's parser, then process_result_value's replace(), about
        # 2 µs on CPython 3.11) cost a grid a millisecond per 500 timestamps.
        parse = dt.datetime.fromisoformat

        def process(value: str | None) -> dt.datetime | None:
            if value is None:
                return None
            try:
                found = parse(value + "+00:00")
            except ValueError:
                found = None
            if found is None or found.tzinfo is None:
                # Text written elsewhere: with an offset of its own, or a bare
                # date (whose "+" the parser takes for the time separator).
                return self.process_result_value(parse(value), dialect)
            return found

        return process

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None or value.tzinfo is dt.UTC:
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
