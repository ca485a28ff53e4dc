"""``@type(Model)`` and ``@interface(Model)``: Strawberry types bound to mapped classes.

Fields annotated with ``strawberry.auto`` take their GraphQL type from the
model (a column's Python type, ``list[Target]`` for a collection, ``Target |
None`` for a nullable to-one); relationship types are resolved lazily, so types
may refer to each other in any order.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import decimal
import enum
import inspect as inspect_module
import sys
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy import TypeDecorator, inspect, select
from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty, with_parent
from sqlalchemy.sql import sqltypes
from strawberry import relay
from strawberry.annotation import StrawberryAnnotation
from strawberry.scalars import JSON
from strawberry.types.auto import StrawberryAuto
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from loadplan.errors import LoadplanError
from loadplan.properties import property_hints
from loadplan.storage import kept_apart, related, value
from loadplan.strawberry import registry
from loadplan.strawberry.definitions import (
    FieldSpec,
    Kind,
    LoadedKey,
    get_queryset_of,
    item_type,
    optimizing,
    page_size_limit,
    parent_key,
    session_from_info,
    set_spec,
    spec_of,
)
from loadplan.strawberry.fields import (
    detach_root_resolver,
    field,
    field_arguments,
    is_root_resolver,
    read_list,
    set_list_arguments,
    shape_result,
)
from loadplan.strawberry.filters import make_inputs
from loadplan.strawberry.registry import (
    COLUMNS_ATTRIBUTE,
    RELATIONS_ATTRIBUTE,
    ModelInputRef,
    ModelTypeRef,
    Relation,
)

T = TypeVar("T", bound=type)

SCALARS_ATTRIBUTE = "__loadplan_scalars__"
_SCALARS = (bool, int, float, str, decimal.Decimal, dt.datetime, dt.date, dt.time, uuid.UUID)


def _is_auto(annotation: Any) -> bool:
    return (
        isinstance(annotation, StrawberryAuto)
        or annotation is strawberry.auto
        or (isinstance(annotation, str) and annotation in {"auto", "strawberry.auto"})
    )


def _walk(model: type[Any], path: str, spec: FieldSpec) -> tuple[Mapper[Any], Any]:
    """The mapper owning the last attribute of ``path`` and that attribute:
    a mapped property, a hybrid descriptor, or ``None`` for a model property
    with hints or a computed field whose hints give its SQL."""
    mapper: Mapper[Any] = inspect(model)
    parts = path.split(".")
    for part in parts[:-1]:
        prop = mapper.attrs.get(part)
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            raise LoadplanError(f"{mapper.class_.__name__}.{part} is not a to-one relationship")
        mapper = prop.mapper
    last = parts[-1]
    prop = mapper.attrs.get(last)
    if prop is None:
        descriptor = mapper.all_orm_descriptors.get(last)
        if (
            descriptor is not None
            and descriptor.extension_type is HybridExtensionType.HYBRID_PROPERTY
        ):
            return mapper, descriptor
        if property_hints(mapper.class_, last) is not None or (spec.hints and spec.hints.annotate):
            return mapper, None
        raise LoadplanError(
            f"{mapper.class_.__name__}.{last} is not an attribute of the model, "
            "a model property with hints, or a field with an annotate hint"
        )
    return mapper, prop


def _column_type(mapper: Mapper[Any], prop: ColumnProperty[Any]) -> Any:
    column = prop.columns[0]
    if column.primary_key and prop.key == "id":
        scalar: Any = strawberry.ID
    else:
        scalar = _python_type(column.type)
        if isinstance(scalar, builtins.type) and issubclass(scalar, enum.Enum):
            scalar = strawberry.enum(scalar) if not hasattr(scalar, "_enum_definition") else scalar
        elif scalar not in _SCALARS:
            raise LoadplanError(
                f"cannot infer a GraphQL type for {mapper.class_.__name__}.{prop.key} "
                f"({column.type!r}): annotate the field"
            )
    nullable = any(getattr(c, "nullable", False) for c in prop.columns)
    return scalar | None if nullable else scalar


def _python_type(column_type: Any) -> Any:
    """The Python type of a column type; JSON as the JSON scalar, a
    ``TypeDecorator`` as the type it stores."""
    if isinstance(column_type, sqltypes.JSON):
        return JSON
    if isinstance(column_type, TypeDecorator):
        return _python_type(column_type.impl_instance)
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return object
    return JSON if python_type in (dict, list) else python_type


def _relationship_type(prop: RelationshipProperty[Any]) -> Any:
    ref = ModelTypeRef.of(prop.mapper.class_)
    if prop.uselist:
        return list[ref]  # type: ignore[valid-type]
    return ref if _required(prop) else ref | None


def _required(prop: RelationshipProperty[Any]) -> bool:
    """Whether every row has a row on the to-one ``prop``: a many-to-one
    whose local key columns are all NOT NULL."""
    return prop.direction.name == "MANYTOONE" and all(
        not column.nullable for column in prop.local_columns
    )


def _hybrid_type(descriptor: Any) -> Any:
    try:
        annotation = typing.get_type_hints(descriptor.fget).get("return")
    except NameError:
        annotation = None
    if annotation in _SCALARS:
        return annotation
    raise LoadplanError(
        f"cannot infer a GraphQL type for hybrid {descriptor.__name__}: annotate its return type"
    )


def _dotted_resolver(path: str) -> Callable[..., Any]:
    parts = path.split(".")

    def resolve(root: Any) -> Any:
        obj = root
        for part in parts[:-1]:
            obj = getattr(obj, part)
            if obj is None:
                return None
        return value(obj, parts[-1])

    return resolve


def _annotation_resolver(name: str, hints: Any) -> Callable[..., Any]:
    """A computed field: the value the plan loaded, or (optimizer off) the
    expression computed for this one object."""
    annotations = dict(hints.annotate)
    computed = annotations.get(name) or annotations[""]

    def resolve(root: Any, info: strawberry.Info) -> Any:
        state = inspect(root)
        # Optimizer off, the attribute may still exist (another plan mapped
        # it) but holds NULL for rows loaded without the expression.
        if name in state.dict and optimizing():
            return state.dict[name]
        cls = state.mapper.class_
        pk = state.mapper.primary_key
        stmt = select(computed(cls, info)).where(
            *[column == key for column, key in zip(pk, state.identity, strict=True)]
        )
        return _session_getter(info)().scalar(stmt)

    return resolve


def _session_getter(info: Any) -> Callable[[], Any]:
    return lambda: session_from_info(info)


def _unplanned(root: Any, attribute: str, target: type[Any], ordered: bool = False) -> Any:
    """The statement of a field left out of its parent's plan
    (``disable_optimization``): run and planned on its own, per parent, in
    the relationship's order unless the client ``ordered`` it."""
    prop = inspect(root).mapper.relationships[attribute]
    stmt = select(target).where(with_parent(root, prop))
    return stmt if ordered or not prop.order_by else stmt.order_by(*prop.order_by)


def _list_resolver(
    attribute: str, kind: Kind, spec: FieldSpec, target: type[Any]
) -> Callable[..., Any]:
    def resolve(root: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        if spec.disable_optimization:
            return _unplanned(root, attribute, target, bool(kwargs.get("order")))
        largest = page_size_limit.get() if spec.keyset else None
        arguments, window = field_arguments(spec, kind, kwargs, target, info, largest)
        key = info.path.key if isinstance(info.path.key, str) else attribute
        key = LoadedKey(key, parent_key(info.path)).of(root)
        hook = get_queryset_of(item_type(info._raw_info.return_type, kind))
        restrict = (lambda stmt: hook(stmt, info)) if hook is not None else None
        rows, total = read_list(root, attribute, key, arguments, _session_getter(info), restrict)
        return shape_result(kind, rows, total, window, spec, arguments)

    return resolve


def _to_one_resolver(attribute: str, target: type[Any], spec: FieldSpec) -> Callable[..., Any]:
    """A to-one as the plan loaded it; when no plan loaded it (optimizer off),
    a query honouring the target type's ``get_queryset``."""

    def resolve(root: Any, info: strawberry.Info) -> Any:
        if spec.disable_optimization:
            return _unplanned(root, attribute, target)
        state = inspect(root)
        key = info.path.key if isinstance(info.path.key, str) else attribute
        key = LoadedKey(key, parent_key(info.path)).of(root)
        hook = get_queryset_of(item_type(info._raw_info.return_type, "single"))
        # Optimizer off, the attribute may hold what another field of the
        # relationship loaded lazily, without this type's restriction.
        if kept_apart(root, key) or (attribute in state.dict and (hook is None or optimizing())):
            return related(root, attribute, key)
        if hook is None:
            return getattr(root, attribute)
        prop = state.mapper.relationships[attribute]
        stmt = hook(select(target).where(with_parent(root, prop)), info)
        return _session_getter(info)().scalars(stmt).first()

    return resolve


def _make_field(
    existing: StrawberryField | None, resolver: Callable[..., Any] | None, annotation: Any
) -> StrawberryField:
    made = existing if existing is not None else strawberry.field()
    if resolver is not None:
        made = made(resolver)
    if annotation is not None:
        made.type_annotation = StrawberryAnnotation(annotation)
    return made


def _bind_fields(cls: type[Any], model: type[Any]) -> dict[str, tuple[str, str]]:
    """Turn each annotated attribute of ``cls`` into a field reading ``model``.

    Returns the column fields usable in filter and order inputs.
    """
    annotations: dict[str, Any] = dict(inspect_module.get_annotations(cls))
    columns: dict[str, tuple[str, str]] = {}
    relations: dict[str, Relation] = {}
    scalars: list[tuple[str, str, Any]] = []
    namespace = vars(sys.modules[cls.__module__])
    for python_name, annotation in annotations.items():
        annotation = _evaluated(annotation, namespace)
        existing = cls.__dict__.get(python_name)
        field = existing if isinstance(existing, StrawberryField) else None
        if field is not None and is_root_resolver(field):
            detach_root_resolver(field)
        if field is not None and field.base_resolver is not None:
            _bind_resolver_field(field, model)
            continue
        spec = (spec_of(field) if field is not None else None) or FieldSpec()
        path = spec.attribute or python_name
        mapper, prop = _walk(model, path, spec)
        graphql_name = (field.graphql_name if field is not None else None) or to_camel_case(
            python_name
        )
        resolver: Callable[..., Any] | None = None
        derived: Any = None
        kind: Kind = spec.kind
        target: type[Any] | None = None
        if spec.hints is not None and spec.hints.annotate and "." not in path:
            # Before the mapper's own attributes: a plan may already have
            # mapped the expression's carrier under this name.
            resolver = _annotation_resolver(path, spec.hints)
        elif isinstance(prop, RelationshipProperty):
            target = prop.mapper.class_
            if kind == "auto":
                kind = "list" if prop.uselist else "auto"
            if _is_auto(annotation):
                derived = _relationship_type(prop)
            if kind in {"list", "connection", "page", "single"}:
                if not prop.uselist:
                    raise LoadplanError(f"{cls.__name__}.{python_name}: {path} is not a collection")
                resolver = _list_resolver(
                    path.split(".")[-1],
                    kind,
                    dataclasses.replace(spec, attribute=path, model=model),
                    target,
                )
            else:
                resolver = (
                    _dotted_resolver(path) if "." in path else _to_one_resolver(path, target, spec)
                )
                if not spec.disable_optimization:
                    relations[python_name] = Relation(
                        graphql_name, path, target, not _required(prop)
                    )
        elif isinstance(prop, ColumnProperty):
            if _is_auto(annotation):
                derived = _column_type(mapper, prop)
            if "." in path or path != python_name:
                resolver = _dotted_resolver(path)
            scalar = derived if derived is not None else annotation
            base = _strip_optional(scalar)
            if base is not None:
                columns[python_name] = (graphql_name, path)
                scalars.append((python_name, graphql_name, base))
        elif prop is not None:
            if _is_auto(annotation):
                derived = _hybrid_type(prop) | None
            resolver = _dotted_resolver(path)
        elif "." in path or path != python_name:
            resolver = _dotted_resolver(path)
        if derived is not None:
            annotations[python_name] = derived
        made = _make_field(field, resolver, derived)
        if resolver is not None and kind in {"list", "connection", "page", "single"}:
            assert target is not None
            set_list_arguments(
                made,
                ModelInputRef.of(target, "Filter"),
                ModelInputRef.of(target, "Order"),
                kind,
                spec.argument_names,
            )
        set_spec(made, dataclasses.replace(spec, kind=kind, attribute=path, model=model))
        setattr(cls, python_name, made)
    cls.__annotations__ = annotations
    for name, member in list(cls.__dict__.items()):
        if isinstance(member, StrawberryField) and name not in annotations:
            _bind_resolver_field(member, model)
    for base in cls.__mro__[1:]:
        for python_name, graphql_name, scalar in getattr(base, SCALARS_ATTRIBUTE, ()):
            if python_name not in columns and python_name not in annotations:
                columns[python_name] = getattr(base, COLUMNS_ATTRIBUTE)[python_name]
                scalars.append((python_name, graphql_name, scalar))
    for base in cls.__mro__[1:]:
        for python_name, relation in getattr(base, RELATIONS_ATTRIBUTE, {}).items():
            if python_name not in annotations:
                relations.setdefault(python_name, relation)
    setattr(cls, SCALARS_ATTRIBUTE, tuple(scalars))
    setattr(cls, RELATIONS_ATTRIBUTE, relations)
    _register_inputs(cls, model, scalars, relations)
    return columns


def _bind_resolver_field(field: StrawberryField, model: type[Any]) -> None:
    """A field with a resolver of its own: a custom field, or, when its
    ``field_name`` is a to-many relationship, a list of that relationship
    whose resolver returns the statement of one parent's list. Such a list
    is loaded for all parents at once (the statement's conditions, order
    and page folded into the relationship's batched load) rather than by
    one statement per parent; its arguments stay the resolver's own."""
    spec = spec_of(field) or FieldSpec()
    prop = (
        inspect(model).attrs.get(spec.attribute)
        if spec.attribute is not None and not spec.disable_optimization
        else None
    )
    folds: dict[str, Kind] = {"auto": "list", "connection": "connection", "page": "page"}
    if not isinstance(prop, RelationshipProperty) or not prop.uselist or spec.kind not in folds:
        set_spec(field, dataclasses.replace(spec, kind="custom", model=model))
        return
    resolver = field.base_resolver
    assert resolver is not None
    assert spec.attribute is not None
    declared = list(field.arguments)
    if field.type_annotation is None:
        field.type_annotation = resolver.type_annotation
    kind = folds[spec.kind]
    made = dataclasses.replace(spec, kind=kind, model=model, statement=resolver)
    field(_list_resolver(spec.attribute, kind, made, prop.mapper.class_))
    field.arguments = declared
    set_spec(field, made)


def _evaluated(annotation: Any, namespace: dict[str, Any]) -> Any:
    """A string annotation (``from __future__ import annotations``) evaluated
    in its module, so scalar fields reach the filter and order inputs; left as
    a string when it names something not defined yet."""
    if not isinstance(annotation, str) or _is_auto(annotation):
        return annotation
    try:
        return eval(annotation, dict(namespace))
    except (NameError, AttributeError, TypeError):
        return annotation


def _strip_optional(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else None
    if annotation is strawberry.ID or annotation in _SCALARS:
        return annotation
    return None


def _register_inputs(
    cls: type[Any],
    model: type[Any],
    scalars: list[tuple[str, str, Any]],
    relations: dict[str, Relation],
) -> None:
    """The first type declared for a model names its filter and order inputs."""
    if registry.has_inputs(model):
        return
    inputs = make_inputs(
        cls.__name__,
        scalars,
        [
            (name, relation.graphql_name, relation.target, relation.nullable)
            for name, relation in relations.items()
        ],
    )
    registry.register_input(model, "Filter", inputs.filter)
    registry.register_input(model, "NullableFilter", inputs.nullable_filter)
    registry.register_input(model, "Order", inputs.order)


def _is_type_of(model: type[Any]) -> Callable[..., bool]:
    def is_type_of(obj: Any, _info: Any) -> bool:
        return registry.most_specific(obj.__class__) is model

    return is_type_of


def _global_id_field(model: type[Any]) -> StrawberryField:
    """The ``id: GlobalID!`` of a type implementing ``relay.Node``: base64 of
    its GraphQL type name and the model's primary key. A field with hints of
    its own, rather than the interface's resolver, so that the plan loads
    the key and the row mode answers it from rows."""
    key = relay_key(model)

    def resolve_id(root: Any, info: strawberry.Info) -> relay.GlobalID:
        return relay.GlobalID(info._raw_info.parent_type.name, str(getattr(root, key)))

    made: StrawberryField = field(resolve_id, name="id", only=[key])
    return made


def relay_key(model: type[Any]) -> str:
    """The attribute of ``model``'s primary key, which a GlobalID carries."""
    mapper: Mapper[Any] = inspect(model)
    if len(mapper.primary_key) != 1:
        raise LoadplanError(
            f"{model.__name__}: a relay.Node type needs a primary key of one column"
        )
    return mapper.get_property_by_column(mapper.primary_key[0]).key


def _bind(model: type[Any], interface: bool, **options: Any) -> Callable[[T], T]:
    def wrap(cls: T) -> T:
        if issubclass(cls, relay.Node) and "id" not in cls.__dict__:
            # The key is the node's id, which Strawberry checks when the
            # schema is built (it looks for a ``NodeID`` field otherwise).
            cls._id_attr = cls._id_attr or relay_key(model)
            cls.id = _global_id_field(model)  # type: ignore[attr-defined]
            _bind_resolver_field(cls.id, model)  # type: ignore[attr-defined]
        columns = _bind_fields(cls, model)
        if not interface and "is_type_of" not in cls.__dict__:
            cls.is_type_of = staticmethod(_is_type_of(model))  # type: ignore[attr-defined]
        decorated = (
            strawberry.interface(cls, **options) if interface else strawberry.type(cls, **options)
        )
        setattr(decorated, COLUMNS_ATTRIBUTE, columns)
        registry.register(model, decorated, interface=interface)
        return decorated

    return wrap


def object_type(model: type[Any], **options: Any) -> Callable[[T], T]:
    """A Strawberry object type for the mapped class ``model`` (exported as ``type``)."""
    return _bind(model, interface=False, **options)


def interface(model: type[Any], **options: Any) -> Callable[[T], T]:
    """A Strawberry interface for ``model``, typically a polymorphic base."""
    return _bind(model, interface=True, **options)


__all__ = ["interface", "object_type"]
