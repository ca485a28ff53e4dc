"""Keyset orderings and the keys a cursor carries, for every front end.

A keyset cursor names a row by the values it is ordered by (the client's
order, then the primary key, so that the order is total); the next page is
the rows past those values (:func:`loadplan.arguments.seek_bounds`). For
that bound to agree with the ordering, every key that may be NULL gets an
explicit NULLS placement (:func:`keyset_orders`): dialects disagree on
where NULLs go by default.

A cursor's payload is a JSON object holding the ordering it was made for
and the key values (:func:`dump_keys`); reading it back (:func:`load_keys`)
checks all of it before any statement runs, and raises
:class:`InvalidCursor` (or :class:`OtherOrder`, a cursor made for another
ordering), which each front end turns into its own error. How the payload
travels (base64, a prefix) is the front end's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import TypeDecorator, inspect
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.orm import MANYTOONE, ColumnProperty, Mapper, RelationshipProperty

from loadplan.errors import LoadplanError
from loadplan.mapping import python_type
from loadplan.selection import NullsPlacement, Order

__all__ = [
    "InvalidCursor",
    "OtherOrder",
    "describe",
    "dump_keys",
    "keyset_orders",
    "load_keys",
    "read_keys",
]


class InvalidCursor(ValueError):
    """A string that is not a cursor's payload for this ordering."""


class OtherOrder(InvalidCursor):
    """A cursor made for another ordering than the list's: ``made_for`` is
    the ordering it records, ``expected`` the list's (both as
    :func:`describe` writes them)."""

    def __init__(self, made_for: object, expected: str) -> None:
        super().__init__(made_for, expected)
        self.made_for = made_for
        self.expected = expected


def _key_of(model: type[Any], path: str) -> tuple[ColumnProperty[Any], bool]:
    """The column property at the end of ``path`` and whether its value may
    be NULL (a nullable column, or a to-one hop that may be missing: a
    many-to-one by a nullable key, or a one-to-one read from the side
    without the key, whose row may not exist)."""
    mapper: Mapper[Any] = inspect(model)
    nullable = False
    *hops, last = path.split(".")
    for hop in hops:
        prop = mapper.attrs.get(hop)
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            raise LoadplanError(f"{mapper.class_.__name__}.{hop} is not a to-one relationship")
        nullable = (
            nullable
            or prop.direction is not MANYTOONE
            or any(c.nullable for c in prop.local_columns)
        )
        mapper = prop.mapper
    prop = mapper.attrs.get(last)
    if not isinstance(prop, ColumnProperty):
        raise LoadplanError(f"{mapper.class_.__name__}.{last} is not a column")
    column = prop.columns[0]
    return prop, nullable or bool(getattr(column, "nullable", True))


def keyset_orders(model: type[Any], orders: Sequence[Order]) -> tuple[Order, ...]:
    """``orders`` as a keyset list orders by them: ended by the primary key
    (so two rows never tie), and with an explicit place for NULLs on every
    key that may be NULL (where the client gave none, after every value
    ascending and before every value descending, as PostgreSQL sorts them):
    dialects disagree on the default, and the cursor's bounds must place
    NULLs as the ordering does. The client's terms come first, one for
    one."""
    out: list[Order] = []
    for item in orders:
        _, nullable = _key_of(model, item.path)
        if nullable and item.nulls is None:
            placement = NullsPlacement.FIRST if item.descending else NullsPlacement.LAST
            item = Order(item.path, item.descending, placement)
        out.append(item)
    named = {item.path for item in out}
    mapper: Mapper[Any] = inspect(model)
    for column in mapper.primary_key:
        key = mapper.get_property_by_column(column).key
        if key not in named:
            out.append(Order(key))
    return tuple(out)


def describe(orders: Sequence[Order]) -> str:
    """An ordering as a cursor records it: ``"priority desc nulls first, id"``."""
    return ", ".join(
        item.path
        + (" desc" if item.descending else "")
        + (f" nulls {item.nulls.value}" if item.nulls is not None else "")
        for item in orders
    )


def read_keys(node: Any, orders: Sequence[Order]) -> list[Any]:
    """The values of ``node``'s ordering keys: a row dict of the row mode
    (to-ones as nested dicts) or a model object, whose keys the plan loaded
    (the front end's selection asks for them)."""
    return [_read(node, item.path) for item in orders]


def _read(node: Any, path: str) -> Any:
    for part in path.split("."):
        if node is None:
            return None
        node = node.get(part) if isinstance(node, dict) else getattr(node, part)
    return node


def dump_keys(values: Sequence[Any], orders: Sequence[Order]) -> str:
    """The JSON payload of a cursor: the ordering and the key values."""
    return json.dumps(
        {"order": describe(orders), "keys": [_plain(v) for v in values]},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _plain(value: Any) -> Any:
    """A key value as JSON: text for the types JSON lacks, read back by the
    column's type (:func:`_typed`)."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def load_keys(text: str, model: type[Any], orders: Sequence[Order]) -> tuple[Any, ...]:
    """The key values of the payload ``text``, each in its column's type:
    :class:`OtherOrder` for a payload made for another ordering,
    :class:`InvalidCursor` for anything else that is not a payload of
    ``orders``."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise InvalidCursor(text) from exc
    if not isinstance(payload, dict) or set(payload) != {"order", "keys"}:
        raise InvalidCursor(text)
    expected = describe(orders)
    if payload["order"] != expected:
        raise OtherOrder(payload["order"], expected)
    keys = payload["keys"]
    if not isinstance(keys, list) or len(keys) != len(orders):
        raise InvalidCursor(text)
    try:
        return tuple(
            _typed(model, item.path, value) for item, value in zip(orders, keys, strict=True)
        )
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise InvalidCursor(text) from exc


def _typed(model: type[Any], path: str, value: Any) -> Any:
    """A key value read back as its column's type, checked by the column
    type itself where it is a decorated type (which may refuse values of the
    right Python type: a naive datetime); a value of another type raises
    ``ValueError``."""
    prop, nullable = _key_of(model, path)
    if value is None:
        if not nullable:
            raise ValueError(path)
        return None
    column_type = prop.columns[0].type
    typed = _of_type(python_type(column_type), value, path)
    if isinstance(column_type, TypeDecorator):
        column_type.process_bind_param(typed, _DIALECT)
    return typed


_DIALECT = DefaultDialect()
"""The dialect a decorated type checks a key value with: its own checks
come before anything dialect-specific."""


def _of_type(wanted: type[Any] | None, value: Any, path: str) -> Any:
    if wanted is None:
        return value
    read = _READERS.get(wanted)
    if read is not None:
        return read(value)
    if issubclass(wanted, enum.Enum):
        return wanted[_text(value)]
    if isinstance(value, wanted):
        return value
    raise ValueError(path)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _integer(value: Any) -> int:
    """An integer every dialect's BIGINT holds (past it: not a key)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise ValueError(value)
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(value)
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(value)
    return value


_READERS: dict[type[Any], Callable[[Any], Any]] = {
    int: _integer,
    float: _number,
    bool: _boolean,
    str: _text,
    decimal.Decimal: lambda v: decimal.Decimal(_text(v)),
    uuid.UUID: lambda v: uuid.UUID(_text(v)),
    dt.datetime: lambda v: dt.datetime.fromisoformat(_text(v)),
    dt.date: lambda v: dt.date.fromisoformat(_text(v)),
    dt.time: lambda v: dt.time.fromisoformat(_text(v)),
}
