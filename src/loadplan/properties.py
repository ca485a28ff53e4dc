"""Plain Python properties on models that tell the planner what they read.

``Task.is_late`` reads ``due_date`` and ``status.is_done``; declared with
``@model_property(only=["due_date", "status.is_done"])`` it is planned like any
field: selecting it loads exactly what it reads, and nothing lazy happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, Generic, TypeVar, overload

from loadplan.hints import HintPath, Hints, hint

__all__ = ["cached_model_property", "model_property", "property_hints"]

T = TypeVar("T")


class ModelProperty(property, Generic[T]):
    """A read-only property carrying :class:`~loadplan.hints.Hints`."""

    def __init__(self, func: Callable[[Any], T], hints: Hints) -> None:
        super().__init__(func)
        self.hints = hints


class CachedModelProperty(cached_property[T]):
    """A :func:`functools.cached_property` carrying :class:`~loadplan.hints.Hints`."""

    def __init__(self, func: Callable[[Any], T], hints: Hints) -> None:
        super().__init__(func)
        self.hints = hints


def _decorator(
    kind: type[Any],
    func: Callable[[Any], Any] | None,
    only: HintPath | Iterable[HintPath] | None,
    select_related: HintPath | Iterable[HintPath] | None,
    prefetch_related: HintPath | Iterable[HintPath] | None,
    annotate: Mapping[str, Any] | None,
) -> Any:
    hints = hint(
        only=only,
        select_related=select_related,
        prefetch_related=prefetch_related,
        annotate=annotate,
    )
    if func is not None:
        return kind(func, hints)
    return lambda f: kind(f, hints)


@overload
def model_property(func: Callable[[Any], T], /) -> ModelProperty[T]: ...
@overload
def model_property(
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
) -> Callable[[Callable[[Any], T]], ModelProperty[T]]: ...
def model_property(
    func: Callable[[Any], Any] | None = None,
    /,
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
) -> Any:
    """A property whose selection loads what its hints name."""
    return _decorator(ModelProperty, func, only, select_related, prefetch_related, annotate)


@overload
def cached_model_property(func: Callable[[Any], T], /) -> CachedModelProperty[T]: ...
@overload
def cached_model_property(
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
) -> Callable[[Callable[[Any], T]], CachedModelProperty[T]]: ...
def cached_model_property(
    func: Callable[[Any], Any] | None = None,
    /,
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
) -> Any:
    """Like :func:`model_property`, computed once per object."""
    return _decorator(CachedModelProperty, func, only, select_related, prefetch_related, annotate)


def property_hints(cls: type[Any], name: str) -> Hints | None:
    """The hints of a model property ``cls.name``, or ``None`` if it is not one."""
    for klass in cls.__mro__:
        attribute = klass.__dict__.get(name)
        if attribute is not None:
            hints = getattr(attribute, "hints", None)
            return hints if isinstance(hints, Hints) else None
    return None
