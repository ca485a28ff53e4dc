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
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, literal_column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.visitors import InternalTraversal

from loadplan.execution.json.errors import NotEligible
from loadplan.state import Memo

__all__ = ["ArrayText", "Concat", "array_of", "fixed", "object_of"]

_SAFE = re.compile(r"[A-Za-z0-9_ @.,:{}\[\]\"-]*")
"""What a fixed piece may hold: enough for keys and punctuation, and
nothing a driver's parameter syntax (``%``, ``?``) or SQL quoting could take."""


_fixed: Memo[str, ColumnElement[str]] = Memo("JSON mode literals")


def fixed(text: str) -> ColumnElement[str]:
    """``text`` as an SQL string literal (one element per text, kept)."""
    if not _SAFE.fullmatch(text):
        raise NotEligible(f"the key in {text!r} has characters the JSON mode does not write")
    return _fixed.get(text, lambda: literal_column(f"'{text}'", String()))


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
    """The texts ``rows`` selects (its first column, ``value``) joined with
    commas between ``opening`` and ``closing`` (``[]`` or ``{}``), in the
    order of ``order``: names of ``rows``' columns, each with whether it is
    descending."""

    __visit_name__ = "loadplan_json_array"
    inherit_cache = True
    type = String()
    _traverse_internals = [
        ("rows", InternalTraversal.dp_clauseelement),
        ("order", InternalTraversal.dp_plain_obj),
        ("opening", InternalTraversal.dp_string),
        ("closing", InternalTraversal.dp_string),
    ]

    def __init__(
        self, rows: Select[Any], order: tuple[tuple[str, bool], ...], opening: str, closing: str
    ) -> None:
        self.rows = rows
        self.order = order
        self.opening = opening
        self.closing = closing


@compiles(ArrayText, "postgresql")
def _postgresql_array(element: ArrayText, compiler: SQLCompiler, **kw: Any) -> str:
    # An aggregate's own ORDER BY: the order of a derived table is not
    # promised to survive the aggregate above it. So the derived table is
    # not ordered too (that sorted each list twice), unless it is paged.
    rows = element.rows
    if rows._limit_clause is None and rows._offset_clause is None:
        rows = rows.order_by(None)
    inner = rows.subquery("lp_items")
    terms = [
        inner.c[name].desc() if descending else inner.c[name] for name, descending in element.order
    ]
    separator: Any = literal_column("','")
    if terms:
        separator = postgresql.aggregate_order_by(separator, *terms)
    joined = select(func.string_agg(inner.c.value, separator)).scalar_subquery()
    return _delimited(element, compiler.process(joined, **kw))


@compiles(ArrayText, "sqlite")
def _sqlite_array(element: ArrayText, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite aggregates rows in the order its subquery gives them (an ORDER
    # BY there is kept: a subquery under an aggregate is not flattened).
    inner = element.rows.subquery("lp_items")
    joined = select(func.group_concat(inner.c.value, literal_column("','"))).scalar_subquery()
    return _delimited(element, compiler.process(joined, **kw))


def _delimited(element: ArrayText, joined: str) -> str:
    return f"('{element.opening}' || coalesce({joined}, '') || '{element.closing}')"


def _direction(term: Any) -> tuple[ColumnElement[Any], bool]:
    """An ORDER BY term as its expression and whether it is descending."""
    if isinstance(term, UnaryExpression) and term.modifier in (operators.desc_op, operators.asc_op):
        return term.element, term.modifier is operators.desc_op
    return term, False


def _ordered(
    rows: Select[Any], columns: Sequence[ColumnElement[Any]], order: Sequence[Any]
) -> tuple[Select[Any], tuple[tuple[str, bool], ...]]:
    """``rows`` selecting ``columns`` then each term of ``order`` (labelled,
    and ordered by those labels: on SQLite a subquery in ORDER BY sees only
    its own query, so a term reading a row two levels up must be selected)."""
    terms = [_direction(term) for term in order]
    labels = [expression.label(f"lp_o{i}") for i, (expression, _) in enumerate(terms)]
    stmt = rows.with_only_columns(*columns, *labels, maintain_column_froms=True)
    stmt = stmt.order_by(
        *(
            label.desc() if descending else label
            for label, (_, descending) in zip(labels, terms, strict=True)
        )
    )
    names = tuple(
        (label.name, descending) for label, (_, descending) in zip(labels, terms, strict=True)
    )
    return stmt, names


def array_of(rows: Select[Any], item: ColumnElement[str], order: Sequence[Any]) -> ArrayText:
    """The JSON array of ``item`` (a JSON text) over ``rows`` in ``order``;
    ``rows`` keeps its own page (``LIMIT``/``OFFSET``)."""
    stmt, names = _ordered(rows, [item.label("value")], order)
    return ArrayText(stmt, names, "[", "]")


def object_of(
    rows: Select[Any],
    key: ColumnElement[Any],
    member: ColumnElement[str],
    order: Sequence[Any],
    distinct: bool = False,
) -> ArrayText:
    """The JSON object of ``member`` texts (``"key":value``) over ``rows``,
    as a dict built from the rows in ``order`` has them: a key once, at the
    place of its first row, with the value of its last. ``distinct``: no
    key repeats, and the members are joined in order as they are.

    One window over each key's rows finds both: its first row (numbered 1)
    keeps its place, and takes the text of the key's last row. A window per
    step (a position over all rows, then the first and last position per
    key) cost the database three sorts per parent row where this costs one.
    """
    if distinct:
        joined, terms_named = _ordered(rows, [member.label("value")], order)
        return ArrayText(joined, terms_named, "{", "}")
    stmt, names = _ordered(rows, [key.label("lp_key"), member.label("value")], order)
    listed = stmt.order_by(None).subquery("lp_listed")
    terms = [listed.c[name].desc() if descending else listed.c[name] for name, descending in names]
    by_key = [listed.c.lp_key]
    rank = func.row_number().over(partition_by=by_key, order_by=terms or None)
    last = func.last_value(listed.c.value).over(
        partition_by=by_key, order_by=terms or None, rows=(None, None)
    )
    spans = select(
        last.label("value"), rank.label("lp_rank"), *(listed.c[name] for name, _ in names)
    ).subquery("lp_spans")
    kept = (
        select(spans.c.value, *(spans.c[name] for name, _ in names))
        .where(spans.c.lp_rank == 1)
        .order_by(*(spans.c[name].desc() if d else spans.c[name] for name, d in names))
    )
    return ArrayText(kept, names, "{", "}")
