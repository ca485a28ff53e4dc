"""Reading what a plan loaded beyond plain attributes.

A relationship selected twice with different arguments (two aliases) cannot
live in one attribute: the extra variants are kept on the object's state under
the alias, and per-parent totals of paginated lists likewise. Front ends read
through these helpers so that they need not know where a value was put.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

__all__ = [
    "HYBRID_CARRIER_PREFIX",
    "related",
    "store_related",
    "store_total",
    "total_count",
    "value",
]

#: Prefix of the ``query_expression`` attribute a selected hybrid's SQL side
#: is loaded into (the hybrid itself stays as it is).
HYBRID_CARRIER_PREFIX = "_loadplan_"

RELATED = "loadplan.related"
_TOTAL = "loadplan.total"


def store_related(obj: Any, key: str, value: Any) -> None:
    inspect(obj).info[(RELATED, key)] = value


def store_total(obj: Any, key: str, total: int | None) -> None:
    """Record that a windowed load filled ``key`` on ``obj``, with its total
    (``None`` for a list whose total nobody reads)."""
    inspect(obj).info[(_TOTAL, key)] = total


def windowed(obj: Any, key: str) -> bool:
    """Whether a windowed load filled ``key`` (a relationship or an alias) on ``obj``."""
    return (_TOTAL, key) in inspect(obj).info


def related(obj: Any, name: str, key: str | None = None) -> Any:
    """The loaded value of relationship ``name`` selected under ``key`` (its alias)."""
    info = inspect(obj).info
    if key is not None and (RELATED, key) in info:
        return info[(RELATED, key)]
    return getattr(obj, name)


def total_count(obj: Any, key: str) -> int | None:
    """The total number of rows of a paginated or filtered list, for ``obj``.

    ``key`` is the relationship name, or the alias of an extra variant.
    ``None`` means that list was not loaded with a windowed load, or was
    loaded without its total (``Arguments(counted=False)``).
    """
    total = inspect(obj).info.get((_TOTAL, key))
    return None if total is None else int(total)


def value(obj: Any, name: str) -> Any:
    """The value of field ``name``: a hybrid loaded as an expression, else the attribute."""
    carrier = HYBRID_CARRIER_PREFIX + name
    state = inspect(obj)
    if carrier in state.dict:
        return state.dict[carrier]
    return getattr(obj, name)
