"""Row views: row-mode dicts read like the objects they stand for.

A model property (or a resolver) declares what it reads, so in the row mode
everything it reads is already in the row's dict (nested as the plan loaded
it). Running its function on a :class:`RowView` of that dict gives the value
the object would have given, without building the object. What needs a
real object (a session, ``inspect()``, identity) says ``needs_object=True``
and keeps its plan in the ORM mode.

Views sit outside ``execution``: the row mode runs model properties on
them, and a front end runs its own resolvers on them (the Strawberry row
completion), neither needing the other.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from contextvars import ContextVar
from functools import cached_property
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper

from loadplan.errors import LoadplanError
from loadplan.plans import EntityPlan, RelationshipPlan
from loadplan.state import Memo
from loadplan.storage import MODEL_KEY, SIDE_PREFIX

__all__ = ["NotLoadedError", "RowView", "compute_properties", "distinct", "rows_of", "view_of"]


_MISSING = object()


class NotLoadedError(LoadplanError, AttributeError):
    """A model property read, in the row mode, an attribute its hints do not name."""


class RowView:
    """A row dict read like the object it stands for.

    Each mapped class gets its own view class (see :func:`view_of`) whose
    instances use the row dict itself as their ``__dict__``: columns are
    read at the speed of a plain attribute, relationships through a
    descriptor that wraps the nested rows, and the model's own methods and
    properties are copied onto the view class, so a property calling another
    one works as on the object.
    """

    __model__: type[Any]

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the row lacks and the class does not define.
        cls = type(self).__model__
        if name in inspect(cls).all_orm_descriptors or hasattr(cls, name):
            msg = (
                f"{cls.__name__}.{name} was not loaded: name it in the hints of the "
                "model property that reads it"
            )
            raise NotLoadedError(msg)
        msg = f"{cls.__name__!r} object has no attribute {name!r}"
        raise AttributeError(msg)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


_seen: ContextVar[dict[tuple[int, type[Any]], tuple[Any, Any]] | None] = ContextVar(
    "loadplan_views", default=None
)
"""While :func:`compute_properties` runs: the views already made, by the id
of the row dict or row list they wrap (kept beside them, so no id is reused
meanwhile) and the class they are read as. The row mode shares one dict per
repeated entity and one list per parent's relationship, so a grid's status
map, which reads each asset's project and its task type order, wraps them
once rather than per asset."""


class _Related:
    """A relationship on a view class: the nested rows, as views.

    Model properties read relationships row after row (a grid's status map
    reads three per task), so this is the hot path of the row mode's
    properties: the target's view class is looked up once, only a
    polymorphic target reads each row's class, and rows read again get the
    views made the first time (a view holds nothing but its row)."""

    __slots__ = ("name", "polymorphic", "target", "uselist", "view_class")

    def __init__(self, name: str, target: type[Any], uselist: bool, polymorphic: bool) -> None:
        self.name = name
        self.target = target
        self.uselist = uselist
        self.polymorphic = polymorphic
        self.view_class: type[RowView] | None = None

    def __get__(self, view: RowView | None, owner: type[Any]) -> Any:
        if view is None:
            return self
        value = view.__dict__.get(self.name, _MISSING)
        if value is _MISSING:
            return view.__getattr__(self.name)
        if value is None:
            return None
        seen = _seen.get()
        if seen is None:
            return self._views(value)
        key = (id(value), self.target)
        found = seen.get(key)
        if found is None:
            found = seen[key] = (value, self._views(value))
        return found[1]

    def _views(self, value: Any) -> Any:
        if self.polymorphic:
            target = self.target
            if self.uselist:
                return [view_of(item, item.get(MODEL_KEY, target)) for item in value]
            return view_of(value, value.get(MODEL_KEY, target))
        view_class = self.view_class
        if view_class is None:
            view_class = self.view_class = view_class_of(self.target)
        if self.uselist:
            return [_new_view(view_class, item) for item in value]
        return _new_view(view_class, value)

    def __set__(self, view: RowView, value: Any) -> None:
        msg = f"{self.name} is read-only on a row view"
        raise AttributeError(msg)


_COPIED = (property, cached_property, types.FunctionType, staticmethod, classmethod)
_view_classes: Memo[type[Any], type[RowView]] = Memo("row view classes")


def _view_class(cls: type[Any]) -> type[RowView]:
    mapper: Mapper[Any] = inspect(cls)
    orm_names = set(mapper.all_orm_descriptors.keys())
    namespace: dict[str, Any] = {"__model__": cls, "__module__": cls.__module__}
    for klass in reversed(cls.__mro__):
        for name, attribute in vars(klass).items():
            if name.startswith("__") or name.startswith("_sa_") or name in orm_names:
                continue
            if isinstance(attribute, _COPIED):
                namespace[name] = attribute
    for name, prop in mapper.relationships.items():
        target = prop.mapper
        polymorphic = target.polymorphic_on is not None or bool(target.polymorphic_map)
        namespace[name] = _Related(name, target.class_, bool(prop.uselist), polymorphic)
    return type(f"{cls.__name__}Row", (RowView,), namespace)


def view_class_of(cls: type[Any]) -> type[RowView]:
    """The view class of mapped class ``cls`` (made once)."""
    return _view_classes.get(cls, lambda: _view_class(cls))


def _new_view(view_class: type[RowView], row: dict[str, Any]) -> RowView:
    view = view_class.__new__(view_class)
    view.__dict__ = row
    return view


def view_of(row: dict[str, Any], cls: type[Any]) -> RowView:
    """``row`` (a row-mode dict of ``cls``) read like a ``cls`` object."""
    return _new_view(view_class_of(cls), row)


def distinct(dicts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each dict once: the row mode shares one dict between the rows that
    repeat an entity (to-ones, many-to-many rows)."""
    return list({id(d): d for d in dicts}.values())


def _children(rel: RelationshipPlan, parents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows ``rel`` holds below ``parents``, each once."""
    name = SIDE_PREFIX + rel.keys[0] if rel.side else rel.key
    values = [parent.get(name) for parent in parents]
    return distinct(
        child
        for value in values
        if value is not None
        for child in (value if isinstance(value, list) else (value,))
    )


def rows_of(plan: EntityPlan, dicts: list[dict[str, Any]], cls: type[Any]) -> list[dict[str, Any]]:
    """The rows of ``cls`` (or a subclass) anywhere in ``dicts`` and below."""
    found = [d for d in dicts if issubclass(d.get(MODEL_KEY, plan.cls), cls)]
    for rel in plan.all_relationships():
        children = _children(rel, dicts)
        if children:
            found.extend(rows_of(rel.target, children, cls))
    return found


def compute_properties(plan: EntityPlan, dicts: list[dict[str, Any]]) -> None:
    """Store each selected model property's value in its row, deepest first
    (a property may read another level's property)."""
    token = _seen.set({})
    try:
        _compute(plan, dicts)
    finally:
        _seen.reset(token)


def _compute(plan: EntityPlan, dicts: list[dict[str, Any]]) -> None:
    if not dicts:
        return
    for rel in plan.all_relationships():
        if rel.target.has_properties():
            _compute(rel.target, _children(rel, dicts))
    # The view class carries the property (a cached one stores itself in
    # the row, its view's ``__dict__``).
    if not plan.subtypes and MODEL_KEY not in dicts[0]:
        view_class = view_class_of(plan.cls)
        for name in plan.properties:
            for row in dicts:
                row[name] = _stored(getattr(_new_view(view_class, row), name))
        return
    for part in (plan, *plan.subtypes):
        for name in part.properties:
            for row in dicts:
                cls = row.get(MODEL_KEY, plan.cls)
                if issubclass(cls, part.cls):
                    row[name] = _stored(getattr(view_of(row, cls), name))


def _stored(value: Any) -> Any:
    """A property's value as its row keeps it: a property returning related
    objects returns views of rows (read through its hinted relationships),
    which the row mode answers as the rows themselves."""
    if isinstance(value, RowView):
        return value.__dict__
    if isinstance(value, list | tuple) and value and isinstance(value[0], RowView):
        return [item.__dict__ if isinstance(item, RowView) else item for item in value]
    return value
