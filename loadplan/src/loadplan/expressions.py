"""Computed fields: SQL expressions loaded with their entity.

An expression may depend on the entity it is loaded for (``count("tasks")``
works on any class with a ``tasks`` relationship) and on the request context
(the current user, a date), so every form is normalised to one callable
``(cls, context) -> ColumnElement`` evaluated when a plan is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Mapper, RelationshipProperty

from loadplan.errors import PlanError
from loadplan.rules import active_rules

__all__ = ["Computed", "as_computed", "count", "exists"]

Build = Callable[[type[Any], Any], ColumnElement[Any]]


@dataclass(frozen=True)
class Computed:
    """A SQL expression to load under a name; ``build(cls, context)`` makes it."""

    build: Build
    label: str

    def __call__(self, cls: type[Any], context: Any) -> ColumnElement[Any]:
        return self.build(cls, context)


def as_computed(value: Any) -> Computed:
    """Accept an expression, a callable of the context, or a :class:`Computed`."""
    if isinstance(value, Computed):
        return value
    if isinstance(value, ColumnElement):
        expression: ColumnElement[Any] = value
        return Computed(lambda _cls, _context: expression, label=str(expression))
    if callable(value):
        factory = value
        return Computed(lambda _cls, context: factory(context), label=_name_of(factory))
    raise TypeError(f"not a SQL expression or a callable returning one: {value!r}")


def _name_of(factory: Any) -> str:
    return str(getattr(factory, "__qualname__", None) or factory)


def _relationship(cls: type[Any], name: str) -> RelationshipProperty[Any]:
    mapper: Mapper[Any] = inspect(cls).mapper
    prop = mapper.relationships.get(name)
    if prop is None:
        raise PlanError(cls.__name__, name, "is not a relationship")
    return prop


def _criteria(target: type[Any], where: tuple[Any, ...], context: Any) -> list[Any]:
    given = [w(target, context) if callable(w) else w for w in where]
    return given + active_rules(target, target)


def count(relationship: str, *where: Any) -> Computed:
    """The number of related rows, as a correlated subquery.

    ``where`` adds conditions on the related class, as expressions or callables
    ``(related_cls, context) -> condition``.
    """

    def build(cls: type[Any], context: Any) -> ColumnElement[Any]:
        prop = _relationship(cls, relationship)
        target = prop.mapper.class_
        stmt = select(func.count()).select_from(target)
        if prop.secondary is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        stmt = stmt.where(prop.primaryjoin, *_criteria(target, where, context))
        return stmt.correlate(cls).scalar_subquery()

    return Computed(build, label=f"count({relationship})")


def exists(relationship: str, *where: Any) -> Computed:
    """Whether any related row exists (optionally matching ``where``)."""

    def build(cls: type[Any], context: Any) -> ColumnElement[Any]:
        prop = _relationship(cls, relationship)
        target = prop.mapper.class_
        attribute = getattr(cls, relationship)
        criteria = _criteria(target, where, context)
        condition: ColumnElement[Any] = (
            attribute.any(*criteria) if prop.uselist else attribute.has(*criteria)
        )
        return condition

    return Computed(build, label=f"exists({relationship})")
