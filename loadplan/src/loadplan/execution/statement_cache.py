"""Batched statements kept across requests, per plan node.

On a page of a grid, building a batched statement (its columns, joins,
conditions and ordering) and having SQLAlchemy derive its cache key cost
more than the database takes to run it. Plans are cached per selection
shape, so a plan node asks for the same statement on every request, except
for what the request itself puts in the SQL: argument values (a page, a
filter) and what row rules, hinted criteria and computed expressions make of
the request's context (a principal's id in a condition). Those parts are
still built on every request, then compared by SQLAlchemy's own cache key
and their bound values; when both match an earlier request's, its statement
is reused, and with it the cache key SQLAlchemy memoises on the statement.

A part SQLAlchemy cannot key (a construct without ``inherit_cache``) or a
bound value that cannot be hashed makes that request build its statement
afresh, as if there were no cache.
"""

from __future__ import annotations

import datetime as dt
import decimal
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.sql import ClauseElement

__all__ = ["StatementCache", "fingerprint", "value_key"]

T = TypeVar("T")

_UNKEYED = object()


def fingerprint(parts: Sequence[ClauseElement]) -> tuple[Any, ...] | None:
    """What makes ``parts`` render and bind the same SQL: each one's
    SQLAlchemy cache key, then the values of its bound parameters; ``None``
    when a part cannot be keyed, or binds a value computed at execution
    (a ``callable_``, which a kept statement would compute from the first
    request's objects)."""
    found: list[Any] = []
    for part in parts:
        key = part._generate_cache_key()
        if key is None:
            return None
        found.append(key.key)
        for bind in key.bindparams:
            if bind.callable is not None:
                return None
            value = value_key(bind.value)
            if value is _UNKEYED:
                return None
            found.append(value)
    return tuple(found)


_EXACT = (float, decimal.Decimal, dt.datetime, dt.time)
"""Types whose equal values may bind differently: 0.0 and -0.0, Decimal 1.0
and 1.00, the same instant in two zones (stored as text of their own zone
where a column keeps no offset)."""


def value_key(value: Any) -> Any:
    """``value`` as part of a key in which values equal in Python but bound
    differently stay apart (1, 1.0 and True; see ``_EXACT``); ``_UNKEYED``
    when it cannot be hashed."""
    if isinstance(value, list | tuple):
        items = tuple(value_key(item) for item in value)
        return _UNKEYED if any(item is _UNKEYED for item in items) else (type(value), items)
    if isinstance(value, _EXACT):
        return (type(value), repr(value))
    try:
        hash(value)
    except TypeError:
        return _UNKEYED
    return (type(value), value)


class StatementCache(Generic[T]):
    """Statements by owner (a plan node, compared by identity), a hashable
    key and the request-built parts; the least recently used go first.

    An entry holds its owner, so the owner's ``id`` cannot be reused by
    another object while the entry lives.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[object, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self,
        owner: object,
        values: tuple[Any, ...],
        parts: Sequence[ClauseElement],
        build: Callable[[], T],
    ) -> T:
        """The statement for ``owner``, the plain ``values`` it was built
        from (flags, argument values) and the request-built ``parts``, built
        by ``build`` when no earlier request left an equal one."""
        printed = fingerprint(parts)
        key = value_key(values)
        if printed is None or key is _UNKEYED:
            return build()
        full = (id(owner), key, printed)
        found = self._found(owner, full)
        if found is not None:
            return found
        value = build()
        self._keep(owner, full, value)
        return value

    def get_declared(
        self,
        owner: object,
        values: tuple[Any, ...],
        build: Callable[[], tuple[T, Sequence[ClauseElement]]],
    ) -> T:
        """The statement for ``owner`` and ``values`` alone, which the caller
        declares decide it (see :meth:`loadplan.Plan.fetch`'s ``key``);
        ``build`` returns it with the parts it was built from, and it is kept
        only if they could be keyed: a part binding a value computed at
        execution would have later requests compute it from this one's
        objects."""
        key = value_key(values)
        if key is _UNKEYED:
            return build()[0]
        full = (id(owner), key)
        found = self._found(owner, full)
        if found is not None:
            return found
        value, parts = build()
        if fingerprint(parts) is not None:
            self._keep(owner, full, value)
        return value

    def _found(self, owner: object, full: Hashable) -> T | None:
        with self._lock:
            entry = self._entries.get(full)
            if entry is not None and entry[0] is owner:
                self._entries.move_to_end(full)
                return entry[1]
        return None

    def _keep(self, owner: object, full: Hashable, value: T) -> None:
        with self._lock:
            self._entries[full] = (owner, value)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
