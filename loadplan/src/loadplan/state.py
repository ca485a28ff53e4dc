"""Everything loadplan keeps from one request to the next, in one place.

Caches (plans by shape, batched statements, compiled row readers and
writers, row view classes, ``with_polymorphic`` entities, join aliases,
compiled response schemas...) are each made through :class:`Memo` or
registered with :func:`register`, so :func:`caches` lists them all and
:func:`clear_caches` (exported as ``loadplan.clear_caches``) empties them
all at once: after a test changes mappings, or to measure a cold start.
Each is safe to use from several threads: reads take no lock, a missing
entry is built and stored under the cache's lock, once.

Declarations are not caches and are never cleared: the process defaults of
:func:`loadplan.configure`, the computed-field attributes loadplan adds to
mappers, and the Strawberry types bound to models
(``loadplan.strawberry.registry``), which the application's own modules made
when they were imported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Clearable", "Memo", "caches", "clear_caches", "register"]

K = TypeVar("K")
V = TypeVar("V")
C = TypeVar("C", bound="Clearable")


class Clearable(Protocol):
    def clear(self) -> None: ...


_caches: dict[str, Clearable] = {}
_lock = threading.Lock()


def register(name: str, cache: C) -> C:
    """List ``cache`` under ``name`` among the caches :func:`clear_caches`
    empties; returns it."""
    with _lock:
        _caches[name] = cache
    return cache


def caches() -> dict[str, Clearable]:
    """Every cache loadplan keeps, by name."""
    with _lock:
        return dict(_caches)


def clear_caches() -> None:
    """Empty every cache loadplan keeps (see :func:`caches`)."""
    for cache in caches().values():
        cache.clear()


_MISSING: Any = object()


class Memo(Generic[K, V]):
    """Values built once per key and kept (a registered cache)."""

    def __init__(self, name: str) -> None:
        self._values: dict[K, V] = {}
        # Reentrant: a value's build may need other values of the same memo
        # (a narrowed response model, its nested ones).
        self._lock = threading.RLock()
        register(name, self)

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The value of ``key``, built by ``build`` the first time."""
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = self._values.get(key, _MISSING)
                if found is _MISSING:
                    found = self._values[key] = build()
        return found  # type: ignore[no-any-return]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
