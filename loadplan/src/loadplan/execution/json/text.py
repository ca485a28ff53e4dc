"""SQL that writes JSON text: fixed pieces, concatenation, arrays of rows.

The JSON mode writes its text piece by piece rather than with a dialect's
JSON object builder: PostgreSQL's ``json_build_object`` and ``json_agg``
and MariaDB's ``JSON_OBJECT`` put spaces and line breaks of their own
between members and items, and the bytes must be those every other mode
writes (compact, orjson's). Each value is written by its own expression
(:mod:`loadplan.execution.json.values`), the keys and punctuation are
literals, and lists are the items' texts joined with commas in the list's
order.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from loadplan.execution.json.errors import NotEligible

__all__ = ["ArrayText", "Concat", "fixed", "text_of_rows"]

_SAFE = re.compile(r"[A-Za-z0-9_ @.,:{}\[\]\"-]*")
"""What a fixed piece may hold: enough for keys and punctuation, and
nothing a driver's parameter syntax (``%``, ``?``) or SQL quoting could take."""


def fixed(text: str) -> ColumnElement[str]:
    """``text`` as an SQL string literal."""
    if not _SAFE.fullmatch(text):
        raise NotEligible(f"the key in {text!r} has characters the JSON mode does not write")
    return literal_column(f"'{text}'", String())


class Concat(ColumnElement[str]):
    """Texts joined end to end (none of them NULL)."""

    __visit_name__ = "loadplan_json_concat"
    inherit_cache = True
    type = String()
    _traverse_internals = [("parts", InternalTraversal.dp_clauseelement_tuple)]

    def __init__(self, *parts: ColumnElement[Any]) -> None:
        self.parts = tuple(parts)


@compiles(Concat)
def _concat(element: Concat, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + " || ".join(compiler.process(p, **kw) for p in element.parts) + ")"


class ArrayText(ColumnElement[str]):
    """The items of ``rows`` (a statement selecting one text per item, in
    the list's order) written as a JSON array: ``[]`` when there are none."""

    __visit_name__ = "loadplan_json_array"
    inherit_cache = True
    type = String()
    _traverse_internals = [("rows", InternalTraversal.dp_clauseelement)]

    def __init__(self, rows: Select[Any]) -> None:
        self.rows = rows


@compiles(ArrayText, "postgresql")
def _postgresql_array(element: ArrayText, compiler: SQLCompiler, **kw: Any) -> str:
    # ARRAY(subquery) keeps the subquery's order, which an aggregate over a
    # derived table does not promise.
    rows = compiler.process(element.rows, asfrom=False, **kw)
    return f"('[' || array_to_string(ARRAY({rows}), ',') || ']')"


@compiles(ArrayText, "sqlite")
def _sqlite_array(element: ArrayText, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite aggregates rows in the order its subquery gives them (an ORDER
    # BY there is kept: a subquery under an aggregate is not flattened).
    inner = element.rows.subquery()
    joined = select(func.group_concat(next(iter(inner.c)), ",")).scalar_subquery()
    return f"('[' || coalesce({compiler.process(joined, **kw)}, '') || ']')"


def text_of_rows(rows: Select[Any]) -> ArrayText:
    """The JSON array of the texts ``rows`` selects."""
    return ArrayText(rows)
