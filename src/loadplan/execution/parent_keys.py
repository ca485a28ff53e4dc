"""The condition selecting a batch of parents' children by the parents' keys.

A whole grid loads tens of thousands of children by key. ``IN (...)`` with an
expanding parameter renders one placeholder per key, which the driver and
the server then parse on every request; PostgreSQL takes the keys as one
array parameter instead (``= ANY(:keys)``), so the statement text stays the
same size whatever the number of parents; integer keys go as the array's
text. Other dialects, and composite keys, keep ``IN``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String, TypeDecorator, any_, bindparam, cast
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
    """Integer keys sent as the text of a PostgreSQL array (``{1,2,3}``).

    psycopg writes a list parameter item by item, testing each item's text
    for characters to quote: about 2 µs a key, 1 ms for a grid page's 600
    task keys. The text of integers needs no quoting; joined in one call it
    costs a twentieth of that, and the server casts it back to an array.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: list[int] | None, dialect: Dialect) -> str | None:
        return None if value is None else "{" + ",".join(map(str, value)) + "}"


@compiles(ParentKeysIn, "postgresql")
def _any(element: ParentKeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    key_type = element.parent_key.type
    keys: ColumnElement[Any]
    if isinstance(key_type, Integer):
        keys = cast(bindparam(PARENT_KEYS, type_=_IntegerArrayText()), ARRAY(key_type))
    else:
        keys = bindparam(PARENT_KEYS, type_=ARRAY(key_type))
    return compiler.process(element.parent_key.op("=")(any_(keys)), **kw)
