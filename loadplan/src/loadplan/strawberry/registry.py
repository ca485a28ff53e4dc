"""Which Strawberry type stands for which mapped class.

Types refer to each other in cycles (a task has an entity, an entity has
tasks), so a relationship's GraphQL type is a lazy reference resolved from this
registry when the schema is built, not when the referring type is declared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from strawberry.types.lazy_type import LazyType

from loadplan.errors import LoadplanError
from loadplan.strawberry.definitions import origin_of

_types: dict[type[Any], type[Any]] = {}
_object_types: dict[type[Any], type[Any]] = {}
_models: dict[type[Any], type[Any]] = {}
_inputs: dict[tuple[type[Any], str], type[Any] | None] = {}


def register(model: type[Any], strawberry_type: type[Any], *, interface: bool = False) -> None:
    """Bind ``strawberry_type`` to ``model``; the first type of a model is its
    default, and the first object type the one its rows are answered as."""
    _types.setdefault(model, strawberry_type)
    if not interface:
        _object_types.setdefault(model, strawberry_type)
    _models[strawberry_type] = model


def model_of(strawberry_type: type[Any]) -> type[Any] | None:
    return _models.get(strawberry_type)


def model_of_type(graphql_type: Any) -> type[Any] | None:
    """The mapped class a GraphQL type of the built schema stands for."""
    origin = origin_of(graphql_type)
    return model_of(origin) if origin is not None else None


def type_for(model: type[Any]) -> type[Any]:
    for klass in model.__mro__:
        if klass in _types:
            return _types[klass]
    raise LoadplanError(
        f"no loadplan.strawberry type is declared for {model.__name__}; "
        "declare one with @loadplan.strawberry.type or annotate the field explicitly"
    )


def most_specific(cls: type[Any]) -> type[Any] | None:
    """The nearest class of ``cls``'s hierarchy that has a type."""
    return next((klass for klass in cls.__mro__ if klass in _types), None)


def most_specific_type(cls: type[Any]) -> type[Any] | None:
    """The Strawberry object type a row of ``cls`` is answered as: that of
    the nearest class of ``cls``'s hierarchy that has a type, when that
    class has an object type (a polymorphic base is often declared as an
    interface first, and its own rows as an object type implementing it)."""
    klass = most_specific(cls)
    return _object_types.get(klass) if klass is not None else None


COLUMNS_ATTRIBUTE = "__loadplan_columns__"
RELATIONS_ATTRIBUTE = "__loadplan_relations__"


def column_paths(model: type[Any]) -> dict[str, tuple[str, str]]:
    """Filter/order input fields of ``model``'s type: python name → (GraphQL name, path)."""
    paths: dict[str, tuple[str, str]] = getattr(type_for(model), COLUMNS_ATTRIBUTE, {})
    return paths


class Relation(NamedTuple):
    """A to-one field a filter may walk through."""

    graphql_name: str
    path: str
    target: type[Any]
    nullable: bool
    """Whether a row may have none (its filter then takes ``isNull``)."""


def relation_paths(model: type[Any]) -> dict[str, Relation]:
    """To-one fields of ``model``'s type a filter may walk through, by python name."""
    paths: dict[str, Relation] = getattr(type_for(model), RELATIONS_ATTRIBUTE, {})
    return paths


def register_input(model: type[Any], kind: str, input_type: type[Any] | None) -> None:
    """Record ``model``'s input of ``kind``; ``None`` when its type has no
    field the input could hold (its lists then take no such argument)."""
    _inputs[(model, kind)] = input_type


def has_inputs(model: type[Any]) -> bool:
    return (model, "Filter") in _inputs


def input_for(model: type[Any], kind: str) -> type[Any] | None:
    for klass in model.__mro__:
        if (klass, kind) in _inputs:
            return _inputs[(klass, kind)]
    raise LoadplanError(f"no {kind} input is declared for {model.__name__}")


@dataclass(frozen=True)
class ModelTypeRef(LazyType[Any, Any]):
    """A lazy reference to the Strawberry type of ``model``."""

    model: type[Any] = field(default=object)

    @classmethod
    def of(cls, model: type[Any]) -> ModelTypeRef:
        return cls(model.__name__, model.__module__, None, model)

    def resolve_type(self) -> type[Any]:
        return type_for(self.model)


@dataclass(frozen=True)
class ModelInputRef(LazyType[Any, Any]):
    """A lazy reference to a generated input (filter or order) of ``model``."""

    model: type[Any] = field(default=object)
    kind: str = "filter"

    @classmethod
    def of(cls, model: type[Any], kind: str) -> ModelInputRef:
        return cls(f"{model.__name__}{kind}", model.__module__, None, model, kind)

    def resolve_type(self) -> type[Any] | None:  # type: ignore[override]
        return input_for(self.model, self.kind)


@dataclass(frozen=True)
class FieldInputRef(LazyType[Any, Any]):
    """A lazy reference to an input of the model a root field lists: known
    only once the field's own type is resolved."""

    field: Any = None
    kind: str = "Filter"

    @classmethod
    def of(cls, owner: Any, kind: str) -> FieldInputRef:
        return cls(f"RootInput{kind}", __name__, None, owner, kind)

    def resolve_type(self) -> type[Any] | None:  # type: ignore[override]
        item = item_origin(self.field.type)
        model = model_of(item) if item is not None else None
        if model is None:
            raise LoadplanError(f"field {self.field.python_name} does not list a model type")
        return input_for(model, self.kind)


def item_origin(strawberry_type: Any) -> type[Any] | None:
    """The class of the items a field returns, through lists, optionals and
    generic pages (``Connection[T]``, ``OffsetPage[T]``)."""
    seen = 0
    current = strawberry_type
    while seen < 10:
        seen += 1
        if isinstance(current, LazyType):
            current = current.resolve_type()
            continue
        of_type = getattr(current, "of_type", None)
        if of_type is not None:
            current = of_type
            continue
        definition = getattr(current, "__strawberry_definition__", None)
        if definition is None:
            return None
        if current in _models:
            return current  # type: ignore[no-any-return]
        mapping = getattr(definition, "type_var_map", None) or getattr(
            definition, "specialized_type_var_map", None
        )
        arguments = list((mapping or {}).values())
        if not arguments:
            return current  # type: ignore[no-any-return]
        current = arguments[0]
    return None
