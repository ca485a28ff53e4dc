"""Plain Python properties on models that tell the planner what they read.

``Task.is_late`` reads ``due_date`` and ``status.is_done``; declared with
``@model_property(only=["due_date", "status.is_done"])`` it is planned like any
field: selecting it loads exactly what it reads, and nothing lazy happens.
Because it declares what it reads, the row mode can run it on a view of the
row's dict; ``needs_object=True`` says it needs the real object (a session,
``inspect()``), which keeps its plans in the ORM mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, Generic, TypeVar, overload

from loadplan.hints import HintPath, Hints, hint

__all__ = [
    "cached_model_property",
    "model_property",
    "property_hints",
    "property_needs_object",
]

T = TypeVar("T")


class ModelProperty(property, Generic[T]):
    """A read-only property carrying :class:`~loadplan.hints.Hints`."""

    def __init__(self, func: Callable[[Any], T], hints: Hints, needs_object: bool) -> None:
        super().__init__(func)
        self.hints = hints
        self.needs_object = needs_object


class CachedModelProperty(cached_property[T]):
    """A :func:`functools.cached_property` carrying :class:`~loadplan.hints.Hints`."""

    def __init__(self, func: Callable[[Any], T], hints: Hints, needs_object: bool) -> None:
        super().__init__(func)
        self.hints = hints
        self.needs_object = needs_object


def _decorator(
    kind: type[Any],
    func: Callable[[Any], Any] | None,
    only: HintPath | Iterable[HintPath] | None,
    select_related: HintPath | Iterable[HintPath] | None,
    prefetch_related: HintPath | Iterable[HintPath] | None,
    annotate: Mapping[str, Any] | None,
    needs_object: bool,
) -> Any:
    hints = hint(
        only=only,
        select_related=select_related,
        prefetch_related=prefetch_related,
        annotate=annotate,
    )
    if func is not None:
        return kind(func, hints, needs_object)
    return lambda f: kind(f, hints, needs_object)


@overload
def model_property(func: Callable[[Any], T], /) -> ModelProperty[T]: ...
@overload
def model_property(
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
    needs_object: bool = False,
) -> Callable[[Callable[[Any], T]], ModelProperty[T]]: ...
def model_property(
    func: Callable[[Any], Any] | None = None,
    /,
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
    needs_object: bool = False,
) -> Any:
    """A property whose selection loads what its hints name; the row mode runs
    it on a view of the row unless ``needs_object``."""
    return _decorator(
        ModelProperty, func, only, select_related, prefetch_related, annotate, needs_object
    )


@overload
def cached_model_property(func: Callable[[Any], T], /) -> CachedModelProperty[T]: ...
@overload
def cached_model_property(
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
    needs_object: bool = False,
) -> Callable[[Callable[[Any], T]], CachedModelProperty[T]]: ...
def cached_model_property(
    func: Callable[[Any], Any] | None = None,
    /,
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | None = None,
    needs_object: bool = False,
) -> Any:
    """Like :func:`model_property`, computed once per object."""
    return _decorator(
        CachedModelProperty, func, only, select_related, prefetch_related, annotate, needs_object
    )


def property_hints(cls: type[Any], name: str) -> Hints | None:
    """The hints of a model property ``cls.name``, or ``None`` if it is not one."""
    for klass in cls.__mro__:
        attribute = klass.__dict__.get(name)
        if attribute is not None:
            hints = getattr(attribute, "hints", None)
            return hints if isinstance(hints, Hints) else None
    return None


def property_needs_object(cls: type[Any], name: str) -> bool:
    """Whether the model property ``cls.name`` must run on an ORM object."""
    for klass in cls.__mro__:
        attribute = klass.__dict__.get(name)
        if attribute is not None:
            return bool(getattr(attribute, "needs_object", False))
    return False
