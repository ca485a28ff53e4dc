"""Date arithmetic in SQL that reads the same on SQLite, PostgreSQL and MariaDB.

Each database subtracts dates its own way (``julianday`` in SQLite, ``-`` on
PostgreSQL, ``TO_DAYS`` on MariaDB), and SQLite has no ``GREATEST`` or
``LEAST`` (its ``max``/``min`` of several arguments do the same). The
functions below compile to each dialect's form, so a statement like the
schedule's workload is written once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement, GenericFunction


class day_number(GenericFunction[int]):
    """A date as a whole number of days since some fixed day of the dialect:
    only differences between two day numbers mean anything."""

    type = Integer()
    inherit_cache = True


class greatest(GenericFunction[Any]):
    """The largest of its (non-null) arguments."""

    inherit_cache = True


class least(GenericFunction[Any]):
    """The smallest of its (non-null) arguments."""

    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({_arguments(element, compiler, **kw)}) AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_arguments(element, compiler, **kw)} - DATE '1970-01-01')"


@compiles(day_number, "mysql")
def _day_number_mysql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"TO_DAYS({_arguments(element, compiler, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({_arguments(element, compiler, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({_arguments(element, compiler, **kw)})"
