"""The JSON mode's SQL on MariaDB: the same text, written MariaDB's way.

MariaDB writes the JSON text piece by piece as the other dialects do, with
what it has in place of their functions:

- ``CONCAT`` joins texts (``||`` is a logical OR there);
- a list is one ``GROUP_CONCAT`` with its own ``ORDER BY`` and ``LIMIT``
  in the correlated subquery over the list's rows: MariaDB refuses a
  derived table that reads the row of an enclosing query, which the other
  dialects' ordered, paged subqueries are;
- a map is one ``GROUP_CONCAT`` too, over each key's first row, with the
  text of its last (both found by subqueries reading the row) where the
  other dialects number each key's rows with a window;
- strings are ``JSON_QUOTE``'d, except those holding a control character
  that ``JSON_QUOTE`` writes with uppercase hexadecimal digits
  (``\\u001F``, where orjson writes ``\\u001f``), which are escaped one
  character at a time;
- dates and datetimes are ``DATE_FORMAT``'ed, the microseconds only when
  there are some.

``GROUP_CONCAT`` cuts its text at ``group_concat_max_len`` bytes (1 MiB by
default) or at ``max_allowed_packet`` (16 MiB by default), whichever is
smaller, with a warning only; ``CONCAT`` gives NULL for a text longer than
``max_allowed_packet``. Each statement therefore raises
``group_concat_max_len`` to the largest ``max_allowed_packet`` a server
takes (``SET STATEMENT ... FOR``: the session's own value is left alone),
so that a list is cut only where it reaches ``max_allowed_packet``; the
text of the object holding it is then longer still, and NULL. A NULL item
or to-one is written as the mark of a missing value, and a NULL root text
is taken as one: such a request is answered by the row mode (see
:class:`~loadplan.execution.json.errors.Incomplete`), never with a cut
text.

MySQL itself has neither ``SET STATEMENT`` nor ``GROUP_CONCAT ... LIMIT``:
the JSON mode writes for MariaDB only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal_column, null
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement, ColumnClause
from sqlalchemy.sql.selectable import Alias, FromClause, Join
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

from loadplan.documents import MISSING
from loadplan.execution.json.errors import NotEligible
from loadplan.execution.json.text import ArrayText, Concat, _direction

__all__ = [
    "GROUP_CONCAT_MAX_LEN",
    "Unbounded",
    "date",
    "datetime",
    "flavour",
    "missing",
    "object_of",
    "string",
    "unbounded",
]

GROUP_CONCAT_MAX_LEN = 1024**3
"""The ``group_concat_max_len`` of a JSON statement: the largest
``max_allowed_packet`` MariaDB takes, so the packet is what bounds a list."""

_NAMES = frozenset({"mysql", "mariadb"})

_UPPERCASE_ESCAPES = (11, 14, 15, 26, 27, 28, 29, 30, 31)
"""The control characters ``JSON_QUOTE`` escapes as orjson does not: those
whose code has a hexadecimal letter and no short escape."""

_SHORT_ESCAPES = {8: "b", 9: "t", 10: "n", 12: "f", 13: "r"}
"""The control characters orjson writes with a letter (``\\n``)."""


def flavour(dialect: Dialect) -> str:
    """The name the JSON mode knows ``dialect`` by: ``mariadb`` for a MySQL
    dialect connected to MariaDB (known once the engine has connected)."""
    if dialect.name in _NAMES and getattr(dialect, "is_mariadb", False):
        return "mariadb"
    return dialect.name


def _chars(*codes: int) -> ColumnElement[str]:
    """The characters of ``codes`` as text: no backslash in an SQL literal,
    whose meaning depends on the server's ``sql_mode``."""
    return literal_column(f"CHAR({', '.join(map(str, codes))} USING utf8mb4)", String())


def missing() -> ColumnElement[str]:
    """The mark of a missing value (:data:`~loadplan.documents.MISSING`)."""
    return _chars(ord(MISSING))


def _escaped(value: ColumnElement[Any]) -> ColumnElement[str]:
    """``value`` quoted with orjson's escapes, one character at a time."""
    written: ColumnElement[Any] = func.replace(value, _chars(92), _chars(92, 92))
    written = func.replace(written, _chars(34), _chars(92, 34))
    for code in range(32):
        short = _SHORT_ESCAPES.get(code)
        escape = f"u{code:04x}" if short is None else short
        written = func.replace(written, _chars(code), _chars(92, *map(ord, escape)))
    return Concat(_chars(34), written, _chars(34))


def string(value: ColumnElement[Any]) -> ColumnElement[str]:
    """A string, ``JSON_QUOTE``'d where that gives orjson's bytes (no
    control character it writes in uppercase hex), else escaped character
    by character: the test costs about 0.6 µs a value, where escaping every
    string would run 34 ``REPLACE`` calls on each."""
    # In utf8mb4 whatever the column's character set: its text joins the
    # rest (a latin1 column's would not mix with it).
    value = cast(value, mysql.CHAR(charset="utf8mb4"))
    pattern = _chars(ord("["), *_UPPERCASE_ESCAPES, ord("]"))
    quoted = case(
        (value.regexp_match(pattern), _escaped(value)),
        else_=func.json_quote(value, type_=String()),
    )
    return func.coalesce(quoted, literal_column("'null'"), type_=String())


def _quoted_format(value: ColumnElement[Any], form: str) -> ColumnElement[str]:
    return Concat(
        literal_column("'\"'"),
        func.date_format(value, literal_column(f"'{form}'"), type_=String()),
        literal_column("'\"'"),
    )


def _or_null(value: ColumnElement[Any], written: ColumnElement[str]) -> ColumnElement[str]:
    return case((value.is_(None), literal_column("'null'")), else_=written)


def date(value: ColumnElement[Any]) -> ColumnElement[str]:
    """A date as ``"YYYY-MM-DD"`` (the year zero-padded, as ``isoformat``)."""
    return _or_null(value, _quoted_format(value, "%Y-%m-%d"))


def datetime(suffix: str) -> Callable[[ColumnElement[Any]], ColumnElement[str]]:
    """How a datetime read as stored (naive, or UTC when ``suffix`` is
    ``Z`` or ``+00:00``) is written."""

    def write(value: ColumnElement[Any]) -> ColumnElement[str]:
        micro = case(
            (func.microsecond(value) == 0, literal_column("''")),
            else_=func.date_format(value, literal_column("'.%f'"), type_=String()),
        )
        written = Concat(
            literal_column("'\"'"),
            func.date_format(value, literal_column("'%Y-%m-%dT%H:%i:%s'"), type_=String()),
            micro,
            literal_column(f"'{suffix}\"'"),
        )
        return _or_null(value, written)

    return write


@compiles(Concat, "mysql")
@compiles(Concat, "mariadb")
def _concat(element: Concat, compiler: SQLCompiler, **kw: Any) -> str:
    return "CONCAT(" + ", ".join(compiler.process(p, **kw) for p in element.parts) + ")"


class _GroupConcat(ColumnElement[str]):
    """``GROUP_CONCAT(value ORDER BY ... SEPARATOR ',' LIMIT ...)`` (a NULL
    value is left out)."""

    __visit_name__ = "loadplan_json_group_concat"
    inherit_cache = True
    type = String()
    _traverse_internals = [
        ("value", InternalTraversal.dp_clauseelement),
        ("order", InternalTraversal.dp_clauseelement_tuple),
        ("limit", InternalTraversal.dp_clauseelement),
        ("offset", InternalTraversal.dp_clauseelement),
    ]

    def __init__(
        self,
        value: ColumnElement[Any],
        order: tuple[ColumnElement[Any], ...],
        limit: Any,
        offset: Any,
    ) -> None:
        self.value = value
        self.order = order
        self.limit = limit
        self.offset = offset


@compiles(_GroupConcat, "mysql")
@compiles(_GroupConcat, "mariadb")
def _group_concat(element: _GroupConcat, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    order = ", ".join(compiler.process(term, **kw) for term in element.order)
    sql = f"GROUP_CONCAT({value}"
    if order:
        sql += f" ORDER BY {order}"
    sql += " SEPARATOR ','"
    if element.limit is not None or element.offset is not None:
        limit = "18446744073709551615"
        if element.limit is not None:
            limit = compiler.process(element.limit, **kw)
        offset = compiler.process(element.offset, **kw) if element.offset is not None else "0"
        sql += f" LIMIT {offset}, {limit}"
    return sql + ")"


@compiles(ArrayText, "mysql")
@compiles(ArrayText, "mariadb")
def _array(element: ArrayText, compiler: SQLCompiler, **kw: Any) -> str:
    rows = element.rows
    columns = rows.selected_columns
    terms = tuple(
        columns[name].element.desc() if descending else columns[name].element
        for name, descending in element.order
    )
    # An item that is NULL is a text CONCAT found too long: the missing mark.
    value = func.coalesce(columns.value.element, missing(), type_=String())
    joined = _GroupConcat(value, terms, rows._limit_clause, rows._offset_clause)
    statement = (
        rows.with_only_columns(joined, maintain_column_froms=True)
        .order_by(None)
        .limit(None)
        .offset(None)
    )
    return compiler.process(_delimited(statement, element.opening, element.closing), **kw)


def _delimited(joined: Select[Any], opening: str, closing: str) -> ColumnElement[str]:
    """The text ``joined`` selects between ``opening`` and ``closing``."""
    return Concat(
        literal_column(f"'{opening}'", String()),
        func.coalesce(joined.scalar_subquery(), literal_column("''")),
        literal_column(f"'{closing}'", String()),
    )


def _leaves(clause: FromClause) -> list[FromClause]:
    """The tables and aliases a FROM element joins."""
    if isinstance(clause, Join):
        return [*_leaves(clause.left), *_leaves(clause.right)]
    return [clause]


class _Moved:
    """Moves expressions of a statement's rows onto new aliases of its
    tables (a table under an alias: a new alias of that table)."""

    def __init__(self, leaves: list[FromClause]) -> None:
        self.aliases: dict[FromClause, FromClause] = {
            leaf: leaf.element.alias() if isinstance(leaf, Alias) else leaf.alias()
            for leaf in (leaf._deannotate() for leaf in leaves)
        }

    def _replace(self, element: Any, **_: Any) -> Any:
        if isinstance(element, FromClause):
            return self.aliases.get(element._deannotate())
        if isinstance(element, ColumnClause) and element.table is not None:
            alias = self.aliases.get(element.table._deannotate())
            return alias.c[element.key] if alias is not None else None
        return None

    def __call__(self, clause: Any) -> Any:
        expression: ClauseElement = _expression(clause)
        return replacement_traverse(expression, {}, self._replace)


def _copy(
    rows: Select[Any], key: ColumnElement[Any], terms: list[tuple[Any, bool]], reverse: bool
) -> tuple[Select[Any], _Moved]:
    """``rows`` over its own tables under new aliases, seen from one row of
    ``rows`` (correlated to its tables): those with the row's key, in the
    order of ``terms`` (``reverse``d), and what moves an expression of
    ``rows`` onto the copy."""
    leaves = _leaves(rows.get_final_froms()[0])
    moved = _Moved(leaves)
    order = [
        moved(term).desc() if descending != reverse else moved(term) for term, descending in terms
    ]
    copy: Select[Any] = moved(rows)
    copy = (
        copy.correlate(*leaves)
        .where(moved(key).is_not_distinct_from(key))
        .order_by(*order)
        .limit(1)
    )
    return copy, moved


def _expression(term: Any) -> Any:
    """``term`` as an SQL expression (an ORM attribute as its column)."""
    clause = getattr(term, "__clause_element__", None)
    return clause() if clause is not None else term


def object_of(
    rows: Select[Any], key: ColumnElement[Any], member: ColumnElement[str], order: Sequence[Any]
) -> ColumnElement[str]:
    """The JSON object of ``member`` texts (``"key":value``) over ``rows``,
    as a dict built from the rows in ``order`` has them: a key once, at the
    place of its first row, with the text of its last.

    Each row of ``rows`` asks two copies of them for its key's first row
    (is it this one?) and last row (its text), ties in ``order`` broken by
    the item's primary key: subqueries reading the row, which MariaDB takes
    where it refuses a derived table reading the parent's.
    """
    item = _leaves(rows.get_final_froms()[0])[0]
    pk, *rest = list(item.primary_key)
    if rest:
        raise NotEligible("a map projection over rows of a composite key on MariaDB")
    key = _expression(key)
    terms = [_direction(_expression(term)) for term in order]
    if not any(pk.compare(term) for term, _ in terms):
        terms.append((pk, False))
    first, to_first = _copy(rows, key, terms, reverse=False)
    last, to_last = _copy(rows, key, terms, reverse=True)
    first_key = first.with_only_columns(to_first(pk), maintain_column_froms=True)
    last_text = last.with_only_columns(to_last(member), maintain_column_froms=True)
    # NULL, left out by GROUP_CONCAT, but for a key's first row.
    written = case(
        (
            pk == first_key.scalar_subquery(),
            func.coalesce(last_text.scalar_subquery(), missing(), type_=String()),
        ),
        else_=null(),
    )
    ordered = tuple(term.desc() if descending else term for term, descending in terms)
    joined = _GroupConcat(written, ordered, None, None)
    statement = rows.with_only_columns(joined, maintain_column_froms=True).order_by(None)
    return _delimited(statement, "{", "}")


class Unbounded(Select[Any]):
    """A JSON statement run with ``group_concat_max_len`` raised for itself
    (``SET STATEMENT ... FOR``)."""

    inherit_cache = True


@compiles(Unbounded, "mysql")
@compiles(Unbounded, "mariadb")
def _unbounded(element: Unbounded, compiler: SQLCompiler, **kw: Any) -> str:
    prefix = f"SET STATEMENT group_concat_max_len={GROUP_CONCAT_MAX_LEN} FOR "
    select: Callable[..., str] = compiler.visit_select
    return prefix + select(element, **kw)


def unbounded(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` as an :class:`Unbounded` statement."""
    copy = Unbounded.__new__(Unbounded)
    copy.__dict__.update(stmt.__dict__)
    # What ``stmt`` memoized (its cache key among them) is not the copy's.
    copy._reset_memoizations()
    return copy
