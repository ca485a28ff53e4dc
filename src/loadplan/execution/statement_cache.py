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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.sql import ClauseElement

__all__ = ["StatementCache", "fingerprint"]

T = TypeVar("T")

_UNKEYED = object()


def fingerprint(parts: Sequence[ClauseElement]) -> tuple[Any, ...] | None:
    """What makes ``parts`` render and bind the same SQL: each one's
    SQLAlchemy cache key, then the values of its bound parameters; ``None``
    when a part cannot be keyed."""
    found: list[Any] = []
    for part in parts:
        key = part._generate_cache_key()
        if key is None:
            return None
        found.append(key.key)
        for bind in key.bindparams:
            value = _hashable(bind.effective_value)
            if value is _UNKEYED:
                return None
            found.append(value)
    return tuple(found)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        items = tuple(_hashable(item) for item in value)
        return _UNKEYED if any(item is _UNKEYED for item in items) else (type(value), items)
    try:
        hash(value)
    except TypeError:
        return _UNKEYED
    # The type too: 1, 1.0 and True are equal keys but not equal parameters.
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
        key: Hashable,
        parts: Sequence[ClauseElement],
        build: Callable[[], T],
    ) -> T:
        """The statement for ``owner``, ``key`` and ``parts``, built by
        ``build`` when no earlier request left an equal one."""
        printed = fingerprint(parts)
        if printed is None or not _is_hashable(key):
            return build()
        full = (id(owner), key, printed)
        with self._lock:
            entry = self._entries.get(full)
            if entry is not None and entry[0] is owner:
                self._entries.move_to_end(full)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[full] = (owner, value)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _is_hashable(key: Hashable) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True
