"""Model properties answered in the row mode, from dicts instead of objects.

A model property declares what it reads, so in the row mode everything it
reads is already in the row's dict (nested as the plan loaded it). Running
its function on a :class:`RowView` (attribute access over that dict, falling
back to the model class for methods and other properties) gives the value
the object would have given, without building the object. Properties that
need a real object (a session, ``inspect()``, identity) say
``needs_object=True`` and keep their plan in the ORM mode.
"""

from __future__ import annotations

import inspect as pyinspect
import types
from functools import cached_property
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import QueryableAttribute

from loadplan.errors import LoadplanError
from loadplan.execution.row_keys import FULL_LIST_PREFIX, MODEL_KEY
from loadplan.plan import EntityPlan, RelationshipPlan

__all__ = ["NotLoadedError", "RowView", "compute_properties"]


_MISSING = object()


class NotLoadedError(LoadplanError, AttributeError):
    """A model property read, in the row mode, an attribute its hints do not name."""


_relations: dict[type[Any], dict[str, tuple[type[Any], str]]] = {}


def _relations_of(cls: type[Any]) -> dict[str, tuple[type[Any], str]]:
    """Relationship name → (target class, key of a full list kept beside a page)."""
    found = _relations.get(cls)
    if found is None:
        mapper: Mapper[Any] = inspect(cls)
        found = _relations[cls] = {
            name: (prop.mapper.class_, FULL_LIST_PREFIX + name)
            for name, prop in mapper.relationships.items()
        }
    return found


def _wrap(value: Any, cls: type[Any]) -> Any:
    if type(value) is dict:
        return RowView(value, value.get(MODEL_KEY, cls))
    if type(value) is list:
        return [RowView(item, item.get(MODEL_KEY, cls)) for item in value]
    return value


class RowView:
    """A row dict read like the object it stands for."""

    __slots__ = ("_cls", "_row")

    def __init__(self, row: dict[str, Any], cls: type[Any]) -> None:
        self._row = row
        self._cls = cls

    def __getattr__(self, name: str) -> Any:
        row = self._row
        relation = _relations_of(self._cls).get(name)
        if relation is not None:
            target, full = relation
            value = row.get(full, _MISSING)
            if value is _MISSING:
                value = row.get(name, _MISSING)
            if value is not _MISSING:
                return _wrap(value, target)
        else:
            value = row.get(name, _MISSING)
            if value is not _MISSING:
                return value
        return self._from_class(name)

    def _from_class(self, name: str) -> Any:
        attribute = pyinspect.getattr_static(self._cls, name, None)
        if isinstance(attribute, QueryableAttribute) or attribute is None:
            msg = (
                f"{self._cls.__name__}.{name} was not loaded: name it in the hints of the "
                "model property that reads it"
            )
            raise NotLoadedError(msg)
        if isinstance(attribute, property) and attribute.fget is not None:
            return attribute.fget(self)
        if isinstance(attribute, cached_property):
            return attribute.func(self)
        if isinstance(attribute, types.FunctionType):
            return types.MethodType(attribute, self)
        return getattr(self._cls, name)

    def __repr__(self) -> str:
        return f"RowView({self._cls.__name__}, {self._row!r})"


def _children(rel: RelationshipPlan, parents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    name = rel.keys[0] if rel.side else rel.key
    if not rel.side and parents and FULL_LIST_PREFIX + name in parents[0]:
        name = FULL_LIST_PREFIX + name
    out: list[dict[str, Any]] = []
    for parent in parents:
        value = parent.get(name)
        if isinstance(value, list):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return out


def compute_properties(plan: EntityPlan, dicts: list[dict[str, Any]]) -> None:
    """Store each selected model property's value in its row, deepest first
    (a property may read another level's property)."""
    if not dicts:
        return
    for rel in plan.all_relationships():
        compute_properties(rel.target, _children(rel, dicts))
    for part in (plan, *plan.subtypes):
        for name in part.properties:
            getter = _getter(part.cls, name)
            for row in dicts:
                cls = row.get(MODEL_KEY, plan.cls)
                if issubclass(cls, part.cls):
                    row[name] = getter(RowView(row, cls))


def _getter(cls: type[Any], name: str) -> Any:
    attribute = pyinspect.getattr_static(cls, name)
    if isinstance(attribute, cached_property):
        return attribute.func
    return attribute.fget
