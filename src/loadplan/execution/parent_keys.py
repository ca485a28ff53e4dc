"""The condition selecting a batch of parents' children by the parents' keys.

A whole grid loads tens of thousands of children by key. ``IN (...)`` with an
expanding parameter renders one placeholder per key, which the driver and
the server then parse on every request; PostgreSQL takes the keys as one
array parameter instead (``= ANY(:keys)``), so the statement text stays the
same size whatever the number of parents. Other dialects, and composite
keys, keep ``IN``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
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


@compiles(ParentKeysIn, "postgresql")
def _any(element: ParentKeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    keys = bindparam(PARENT_KEYS, type_=ARRAY(element.parent_key.type))
    return compiler.process(element.parent_key.op("=")(any_(keys)), **kw)
