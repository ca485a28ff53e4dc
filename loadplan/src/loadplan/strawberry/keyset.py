"""Keyset cursors: a connection's cursor as the values of its row's ordering keys.

An offset cursor names a position, which shifts when rows are added or
removed before it; a keyset cursor names a row by the values it is ordered
by (the client's ``order``, then the primary key, so that the order is
total), and the next page is the rows after those values: a condition an
index on the ordering answers without reading the rows before it.

A cursor is base64 of the connection's ``cursor_prefix`` and the keys'
payload (:mod:`loadplan.keysets`, shared with the REST front end: the
ordering it was made for and the key values). Decoding checks all of it
before any statement runs: a cursor that is not one, or that was made for
another ordering, is a GraphQL error.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from loadplan.keysets import InvalidCursor, OtherOrder, dump_keys, load_keys
from loadplan.selection import Order

__all__ = ["Keyset", "decode_keys", "encode_keys"]


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


def encode_keys(values: Sequence[Any], orders: Sequence[Order], prefix: str) -> str:
    return base64.b64encode(f"{prefix}{dump_keys(values, orders)}".encode()).decode()


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
        return load_keys(text[len(prefix) :], model, orders)
    except OtherOrder as exc:
        raise GraphQLError(
            f"the cursor {cursor!r} was made for another order "
            f"({exc.made_for!r}); this connection is ordered by {exc.expected!r}"
        ) from exc
    except (InvalidCursor, ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise GraphQLError(f"invalid cursor: {cursor!r}") from exc
