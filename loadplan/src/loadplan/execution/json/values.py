"""Each scalar value written as JSON text in SQL, exactly as the other modes write it.

The other modes write values with orjson (or pydantic-core, which writes
the same bytes): integers in decimal, ``true``/``false``, strings with
orjson's escapes (the same as PostgreSQL's ``to_json`` and SQLite's
``json_quote``: ``\\"``, ``\\\\``, ``\\b\\f\\n\\r\\t``, other control
characters as lowercase ``\\u00xx``, everything else as UTF-8), dates as
``YYYY-MM-DD``, datetimes as ``YYYY-MM-DDTHH:MM:SS`` with ``.ffffff`` only
when there are microseconds, then ``Z`` for UTC or the offset, enums as
their values. A value is written by an SQL expression only where that
expression gives those bytes for every value the column can hold on the
dialect; anything else makes the plan ineligible (:class:`NotEligible`):

- floats (the dialects' shortest forms differ from orjson's in exponents
  and whole numbers), decimals, UUIDs, times, JSON: never;
- a datetime: when the column type's reading of a stored value gives a
  naive datetime, or an aware one in UTC (a decorated type converting to
  UTC, say), or, on PostgreSQL, the driver's value in the session's zone;
- any value: when its Python type is the type the response writes (an
  integer column for an ``int`` field, not for a ``float`` one).

MariaDB writes its own way (:mod:`loadplan.execution.json.mariadb`); MySQL
itself is not written for: every plan is ineligible there.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Enum, String, Text, case, cast, func, literal, literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine

from loadplan.documents import PLAIN, Form
from loadplan.execution.json import mariadb
from loadplan.execution.json.errors import NotEligible
from loadplan.execution.json.text import Concat
from loadplan.mapping import python_type

__all__ = ["DIALECTS", "Render", "renderer"]

Render = Callable[[ColumnElement[Any]], ColumnElement[str]]
"""Writes a value (an SQL expression) as its JSON text (never NULL)."""

DIALECTS = frozenset({"sqlite", "postgresql", "mariadb"})
"""The dialects the JSON mode writes for, by :func:`~loadplan.execution.json.mariadb.flavour`."""

_NULL = "'null'"


def renderer(
    kind: type,
    column_type: TypeEngine[Any],
    dialect: Dialect,
    form: Form = PLAIN,
    nullable: bool = True,
) -> Render:
    """How a value of ``column_type`` written as ``kind`` in ``form`` is
    written on ``dialect``; raises :class:`NotEligible` where the bytes
    could differ. ``nullable=False``: the value is never NULL (a NOT NULL
    column of a row that is there), and is written without a NULL check
    (SQLite and PostgreSQL; each check costs the database per value)."""
    render = _renderer(kind, column_type, dialect, form)
    if nullable or not isinstance(render, _Writer):
        return render
    return render.present


class _Writer:
    """A value's writer, and its writer for values that are never NULL."""

    def __init__(self, write: Callable[[ColumnElement[Any], bool], ColumnElement[str]]) -> None:
        self.write = write

    def __call__(self, value: ColumnElement[Any]) -> ColumnElement[str]:
        return self.write(value, True)

    def present(self, value: ColumnElement[Any]) -> ColumnElement[str]:
        return self.write(value, False)


def _renderer(kind: type, column_type: TypeEngine[Any], dialect: Dialect, form: Form) -> Render:
    name = mariadb.flavour(dialect)
    if name not in DIALECTS:
        raise NotEligible(f"the {name} dialect is not supported")
    stored = python_type(column_type)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enum(kind, column_type, form)
    if form.text and kind is str and stored is int:
        return _integer_text
    if stored is not kind:
        name = stored.__name__ if stored is not None else "unknown"
        raise NotEligible(f"a {name} value written as {kind.__name__}")
    if kind is bool:
        return _boolean
    if kind is int:
        return _integer
    if kind is str:
        strings: dict[str, Render] = {"sqlite": _sqlite_string, "mariadb": mariadb.string}
        return strings.get(name, _postgresql_string)
    if kind is dt.date:
        dates: dict[str, Render] = {"sqlite": _sqlite_date, "mariadb": mariadb.date}
        return dates.get(name, _postgresql_date)
    if kind is dt.datetime:
        return _datetime(column_type, dialect, form.utc)
    raise NotEligible(f"{kind.__name__} values are not written by the JSON mode")


def _text(value: ColumnElement[Any]) -> ColumnElement[str]:
    return cast(value, Text())


def _or_null(
    value: ColumnElement[Any], written: ColumnElement[str], nullable: bool
) -> ColumnElement[str]:
    if not nullable:
        return written
    return case((value.is_(None), literal_column(_NULL)), else_=written)


@_Writer
def _boolean(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    true: ColumnElement[str] = literal_column("'true'")
    false: ColumnElement[str] = literal_column("'false'")
    if not nullable:
        return case((value, true), else_=false)
    return case((value.is_(None), literal_column(_NULL)), (value, true), else_=false)


@_Writer
def _integer(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    if not nullable:
        return _text(value)
    return func.coalesce(_text(value), literal_column(_NULL))


@_Writer
def _integer_text(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    return _or_null(value, _quoted(_text(value)), nullable)


def _sqlite_string(value: ColumnElement[Any]) -> ColumnElement[str]:
    quoted: ColumnElement[str] = func.json_quote(value, type_=String())
    return quoted


@_Writer
def _postgresql_string(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    if not nullable:
        return _text(func.to_json(value))
    return func.coalesce(_text(func.to_json(value)), literal_column(_NULL))


def _quoted(text: ColumnElement[Any]) -> ColumnElement[str]:
    return Concat(literal_column("'\"'"), text, literal_column("'\"'"))


@_Writer
def _sqlite_date(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    # SQLAlchemy stores a date on SQLite as its ISO text.
    return _or_null(value, _quoted(value), nullable)


@_Writer
def _postgresql_date(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
    written = _quoted(func.to_char(value, literal_column("'YYYY-MM-DD'")))
    return _or_null(value, written, nullable)


_SQLITE_STORED = "2001-02-03 04:05:06.000007"
_NAIVE = dt.datetime(2001, 2, 3, 4, 5, 6, 7)
_ELSEWHERE = dt.datetime(2001, 2, 3, 6, 5, 6, 7, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def _reading(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any]:
    processor = column_type.dialect_impl(dialect).result_processor(dialect, None)
    if isinstance(column_type, TypeDecorator):
        outer = column_type.result_processor(dialect, None)
        processor = outer if outer is not None else processor
    return processor if processor is not None else (lambda value: value)


def _zone(column_type: TypeEngine[Any], dialect: Dialect) -> str:
    """How values of a datetime column come out: ``naive``, ``utc`` (aware,
    in UTC) or ``session`` (PostgreSQL's aware values in the session's zone),
    found by reading a probe value as the column type reads stored ones."""
    read = _reading(column_type, dialect)
    if mariadb.flavour(dialect) == "mariadb":
        # MariaDB's datetimes have no zone: the driver reads them naive.
        found = read(_NAIVE)
        if found == _NAIVE and found.tzinfo is None:
            return "naive"
        utc = found.tzinfo is not None and found.utcoffset() == dt.timedelta(0)
        if utc and found == _NAIVE.replace(tzinfo=dt.UTC):
            return "utc"
        raise NotEligible("a datetime type that reads stored values its own way")
    if dialect.name == "sqlite":
        found = read(_SQLITE_STORED)
        if found == _NAIVE and found.tzinfo is None:
            return "naive"
        utc = found.tzinfo is not None and found.utcoffset() == dt.timedelta(0)
        if utc and found == _NAIVE.replace(tzinfo=dt.UTC):
            return "utc"
        raise NotEligible("a datetime type that reads stored values its own way")
    impl = column_type
    while isinstance(impl, TypeDecorator):
        impl = impl.impl_instance
    if not isinstance(impl, DateTime) or not impl.timezone:
        if read(_NAIVE) == _NAIVE:
            return "naive"
        raise NotEligible("a datetime type that reads stored values its own way")
    found = read(_ELSEWHERE)
    if found == _ELSEWHERE and found.utcoffset() == dt.timedelta(0):
        return "utc"
    if found is _ELSEWHERE or (found == _ELSEWHERE and found.utcoffset() == _ELSEWHERE.utcoffset()):
        return "session"
    raise NotEligible("a datetime type that reads stored values its own way")


def _datetime(column_type: TypeEngine[Any], dialect: Dialect, utc: str) -> Render:
    if utc not in ("Z", "+00:00"):
        raise NotEligible(f"a UTC datetime written with {utc!r}")
    zone = _zone(column_type, dialect)
    if mariadb.flavour(dialect) == "mariadb":
        return mariadb.datetime(utc if zone == "utc" else "")
    if dialect.name == "sqlite":
        suffix = utc if zone == "utc" else ""

        @_Writer
        def sqlite(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
            # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
            fraction = func.substr(value, 21)
            micro = case(
                (fraction.in_(["", "000000"]), literal_column("''")),
                else_=Concat(literal_column("'.'"), func.substr(value, 21, 6)),
            )
            written = Concat(
                literal_column("'\"'"),
                func.substr(value, 1, 10),
                literal_column("'T'"),
                func.substr(value, 12, 8),
                micro,
                literal_column(f"'{suffix}\"'"),
            )
            return _or_null(value, written, nullable)

        return sqlite

    @_Writer
    def postgresql(value: ColumnElement[Any], nullable: bool) -> ColumnElement[str]:
        local = func.timezone(literal("UTC"), value) if zone == "utc" else value
        offset = func.to_char(value, literal_column("'TZH:TZM'"))
        if zone == "utc":
            suffix: ColumnElement[str] = literal_column(f"'{utc}'")
        elif zone == "session":
            suffix = case((offset == "+00:00", literal_column(f"'{utc}'")), else_=offset)
        else:
            suffix = literal_column("''")
        # One to_char with the microseconds, dropped when they are zero: the
        # text holds no other '.', and formatting the value once per part
        # cost a grid of a thousand rows several milliseconds.
        whole = func.to_char(local, literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS.US'"))
        written = Concat(
            literal_column("'\"'"),
            func.replace(whole, literal_column("'.000000'"), literal_column("''")),
            suffix,
            literal_column("'\"'"),
        )
        return _or_null(value, written, nullable)

    return postgresql


def _enum(kind: type[enum.Enum], column_type: TypeEngine[Any], form: Form) -> Render:
    inner = column_type
    while isinstance(inner, TypeDecorator):
        inner = inner.impl_instance
    if not isinstance(inner, Enum) or inner.enum_class is not kind:
        raise NotEligible(f"a {kind.__name__} value not read from its enum column")
    stored: dict[Any, str] = getattr(inner, "_valid_lookup", {})
    labels = dict(form.labels) if form.labels is not None else None
    whens: dict[str, str] = {}
    for member in kind:
        written = member.value if labels is None else labels.get(member)
        if type(written) not in (str, int) or member not in stored:
            raise NotEligible(f"{kind.__name__} has a value the JSON mode does not write")
        whens[stored[member]] = json.dumps(written, ensure_ascii=False)

    def write(value: ColumnElement[Any]) -> ColumnElement[str]:
        as_text = cast(value, String())
        return case(
            *((as_text == literal(name), literal(text)) for name, text in whens.items()),
            else_=literal_column(_NULL),
        )

    return write
