"""Keyset cursors: a connection's cursor as the values of its row's ordering keys.

An offset cursor names a position, which shifts when rows are added or
removed before it; a keyset cursor names a row by the values it is ordered
by (the client's ``order``, then the primary key, so that the order is
total), and the next page is the rows after those values: a condition an
index on the ordering answers without reading the rows before it.

A cursor is base64 of the connection's ``cursor_prefix`` and a JSON object
holding the ordering it was made for and the key values. Decoding checks
all of it before any statement runs: a cursor that is not one, or that was
made for another ordering, is a GraphQL error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import enum
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from sqlalchemy import inspect
from sqlalchemy.orm import MANYTOONE, ColumnProperty, Mapper, RelationshipProperty

from loadplan.errors import LoadplanError
from loadplan.mapping import python_type
from loadplan.selection import NullsPlacement, Order

__all__ = ["Keyset", "decode_keys", "encode_keys", "keyset_orders", "read_keys"]


@dataclass(frozen=True)
class Keyset:
    """A keyset page asked for: its ordering (every key, the primary key
    last), the bounds the ``after`` and ``before`` cursors name, and the
    page's size (``first``, else ``last``, else the largest page size;
    ``None``: the rest of the list). The page is loaded with one row more
    than its size, which says whether another page follows."""

    orders: tuple[Order, ...]
    after: tuple[Any, ...] | None
    before: tuple[Any, ...] | None
    size: int | None


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
    """``orders`` as a keyset connection orders by them: ended by the
    primary key (so two rows never tie), and with an explicit place for
    NULLs on every key that may be NULL (where the client gave none,
    after every value ascending and before every value descending, as
    PostgreSQL sorts them): dialects disagree on the default, and the
    cursor's bounds must place NULLs as the ordering does."""
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
    (the connection's selection asks for them)."""
    return [_read(node, item.path) for item in orders]


def _read(node: Any, path: str) -> Any:
    for part in path.split("."):
        if node is None:
            return None
        node = node.get(part) if isinstance(node, dict) else getattr(node, part)
    return node


def encode_keys(values: Sequence[Any], orders: Sequence[Order], prefix: str) -> str:
    payload = json.dumps(
        {"order": describe(orders), "keys": [_plain(v) for v in values]},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return base64.b64encode(f"{prefix}{payload}".encode()).decode()


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


def decode_keys(
    cursor: str, model: type[Any], orders: Sequence[Order], prefix: str
) -> tuple[Any, ...]:
    """The key values ``cursor`` holds, checked against the ordering: a
    GraphQL error for a string that is not a cursor of this connection's
    form, or one made for another ordering."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(prefix):
            raise ValueError(cursor)
        payload = json.loads(text[len(prefix) :])
        if not isinstance(payload, dict) or set(payload) != {"order", "keys"}:
            raise ValueError(cursor)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise GraphQLError(f"invalid cursor: {cursor!r}") from exc
    expected = describe(orders)
    if payload["order"] != expected:
        raise GraphQLError(
            f"the cursor {cursor!r} was made for another order "
            f"({payload['order']!r}); this connection is ordered by {expected!r}"
        )
    keys = payload["keys"]
    if not isinstance(keys, list) or len(keys) != len(orders):
        raise GraphQLError(f"invalid cursor: {cursor!r}")
    try:
        return tuple(
            _typed(model, item.path, value) for item, value in zip(orders, keys, strict=True)
        )
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise GraphQLError(f"invalid cursor: {cursor!r}") from exc


def _typed(model: type[Any], path: str, value: Any) -> Any:
    """A key value read back as its column's type; a value of another type
    raises ``ValueError``."""
    prop, nullable = _key_of(model, path)
    if value is None:
        if not nullable:
            raise ValueError(path)
        return None
    wanted = python_type(prop.columns[0].type)
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
    if isinstance(value, bool) or not isinstance(value, int):
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
