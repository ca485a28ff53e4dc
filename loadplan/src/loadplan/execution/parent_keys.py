"""The condition selecting a batch of parents' children by the parents' keys.

A whole grid loads tens of thousands of children by key. ``IN (...)`` with an
expanding parameter renders one placeholder per key, which SQLAlchemy, the
driver and the server then handle on every request. Integer keys go as one
parameter instead, the text of an array: PostgreSQL casts it
(``= ANY(CAST(:keys AS INTEGER[]))``), SQLite reads it with ``json_each``
(``IN (SELECT value FROM json_each(:keys))``, JSON built in since 3.38). The
statement text stays the same size whatever the number of parents. Other
key types, composite keys and MariaDB keep ``IN``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Select,
    String,
    TypeDecorator,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = ["PARENT_KEYS", "ParentKeysIn"]

#: Name of the parameter carrying the list of parent keys.
PARENT_KEYS = "lp_parent_keys"


class ParentKeysIn(ColumnElement[bool]):
    """``key IN (:lp_parent_keys)``, compiled per dialect."""

    __visit_name__ = "loadplan_parent_keys_in"
    inherit_cache = True
    _traverse_internals = [("parent_key", InternalTraversal.dp_clauseelement)]
    type = Boolean()
    # A comparison already: no "= 1" appended where booleans are integers.
    _is_implicitly_boolean = True

    def __init__(self, parent_key: ColumnElement[Any]) -> None:
        self.parent_key = parent_key


@compiles(ParentKeysIn)
def _in(element: ParentKeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    condition = element.parent_key.in_(bindparam(PARENT_KEYS, expanding=True))
    return compiler.process(condition, **kw)


class _IntegerArrayText(TypeDecorator[list[int]]):
    """Integer keys sent as the text of an array, ``{1,2,3}`` for PostgreSQL
    or ``[1,2,3]`` for SQLite's ``json_each``.

    psycopg writes a list parameter item by item, testing each item's text
    for characters to quote: about 2 µs a key, 1 ms for a grid page's 600
    task keys; SQLite's driver binds a placeholder per key, after SQLAlchemy
    rendered each one. The text of integers needs no quoting: joined in one
    call it costs a twentieth of that.
    """

    impl = String
    cache_ok = True

    def __init__(self, opening: str, closing: str) -> None:
        super().__init__()
        self.opening, self.closing = opening, closing

    def process_bind_param(self, value: list[int] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # int's own text: str() of a bool key or of an IntEnum is not a number.
        return self.opening + ",".join(map(int.__repr__, value)) + self.closing


@compiles(ParentKeysIn, "postgresql")
def _any(element: ParentKeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    key_type = element.parent_key.type
    keys: ColumnElement[Any]
    if isinstance(key_type, Integer):
        text = bindparam(PARENT_KEYS, type_=_IntegerArrayText("{", "}"))
        keys = cast(text, ARRAY(key_type))
    else:
        keys = bindparam(PARENT_KEYS, type_=ARRAY(key_type))
    return compiler.process(element.parent_key.op("=")(any_(keys)), **kw)


_SQLITE_JSON = (3, 38)
"""The first SQLite version with JSON functions whatever its build options."""


@compiles(ParentKeysIn, "sqlite")
def _json_each(element: ParentKeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    version = compiler.dialect.server_version_info or ()
    if not isinstance(element.parent_key.type, Integer) or version < _SQLITE_JSON:
        return _in(element, compiler, **kw)
    text = bindparam(PARENT_KEYS, type_=_IntegerArrayText("[", "]"))
    keys: Select[Any] = select(literal_column("value")).select_from(func.json_each(text))
    return compiler.process(element.parent_key.in_(keys), **kw)
