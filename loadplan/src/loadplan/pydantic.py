"""loadplan for REST: selections derived from Pydantic response models.

A response schema says what an endpoint returns; :func:`compile_schema` reads
it once (at import time) into a :class:`SchemaTree` that knows the model
attribute behind every field, so the endpoint's loading can never drift from
its schema, and a schema whose field nothing can load is refused before it
serves a request. Sparse fieldsets (``?fields=id,tasks.status``) narrow the
tree, and :func:`narrowed_schema` builds the matching smaller Pydantic model,
so the response holds exactly the requested fields, in the schema's formats.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import AliasChoices, AliasPath, BaseModel, create_model
from pydantic.fields import FieldInfo
from sqlalchemy import inspect
from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty

from loadplan.errors import LoadplanError
from loadplan.hints import Hints
from loadplan.properties import property_hints
from loadplan.selection import Arguments, Order, Selection
from loadplan.state import Memo

__all__ = [
    "FieldsetError",
    "SchemaField",
    "SchemaTree",
    "attribute_path",
    "compile_schema",
    "narrowed_schema",
    "selection_from_model",
]


class FieldsetError(LoadplanError):
    """A requested field path or list argument does not exist in the response schema."""

    def __init__(self, message: str, path: str, valid: list[str]) -> None:
        super().__init__(f"{message}: {path}")
        self.message = message
        self.path = path
        self.valid = valid


@dataclass(frozen=True)
class SchemaField:
    """One field of a response schema and the model attribute path behind it."""

    name: str
    key: str
    path: tuple[str, ...]
    many: bool = False
    tree: SchemaTree | None = None
    hints: Hints | None = None
    subtype: str | None = None


@dataclass(frozen=True)
class SchemaTree:
    """A response schema bound to a mapped class, with its union members
    (``variants``) when the schema is a union of subtype schemas."""

    schema: type[BaseModel] | None
    model: type[Any]
    fields: tuple[SchemaField, ...] = ()
    variants: tuple[SchemaTree, ...] = ()

    def all_fields(self) -> tuple[SchemaField, ...]:
        """Own fields, then those of the union members (once per response key)."""
        seen: dict[str, SchemaField] = {f.key: f for f in self.fields}
        for variant in self.variants:
            for f in variant.fields:
                seen.setdefault(f.key, f)
        return tuple(seen.values())

    def paths(self, prefix: str = "") -> list[str]:
        out: list[str] = []
        for f in self.all_fields():
            path = f"{prefix}{f.key}"
            out.append(path)
            if f.tree is not None:
                out.extend(f.tree.paths(f"{path}."))
        return out


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """The core type of an annotation, whether it is a list, and its
    ``Annotated`` metadata (``Optional`` removed)."""
    metadata: list[Any] = []
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (list, tuple, set, frozenset) or origin is typing.Sequence:
            annotation = typing.get_args(annotation)[0]
            many = True
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, many, metadata
            annotation = members[0]
        else:
            return annotation, many, metadata


def _is_schema(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _union_members(annotation: Any) -> list[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if origin not in (typing.Union, types.UnionType):
        return []
    members = [a for a in typing.get_args(annotation) if a is not type(None)]
    stripped = [_strip(m)[0] for m in members]
    return [m for m in stripped if _is_schema(m)]


def attribute_path(name: str, info: FieldInfo) -> tuple[str, ...]:
    """The model attribute path a field reads: its validation alias (first
    choice; an ``AliasPath`` hop by hop) or its name."""
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        alias = alias.choices[0]
    if isinstance(alias, AliasPath):
        return tuple(str(part) for part in alias.path)
    if isinstance(alias, str):
        return (alias,)
    return (name,)


def _bound_model(schema: type[BaseModel], base: type[Any]) -> type[Any]:
    """The mapped class a member schema of a polymorphic union stands for:
    its ``__loadplan_model__``, or the subclass whose polymorphic identity a
    ``Literal`` field on the discriminator names."""
    declared = getattr(schema, "__loadplan_model__", None)
    if declared is not None:
        return declared  # type: ignore[no-any-return]
    mapper: Mapper[Any] = inspect(base)
    if mapper.polymorphic_on is not None:
        discriminator = mapper.get_property_by_column(mapper.polymorphic_on).key
        info = schema.model_fields.get(discriminator)
        if info is not None and typing.get_origin(info.annotation) is Literal:
            identity = typing.get_args(info.annotation)[0]
            for sub in mapper.self_and_descendants:
                if sub.polymorphic_identity == identity:
                    return sub.class_
    return base


_compiled: Memo[tuple[type[Any], type[BaseModel]], SchemaTree] = Memo("compiled response schemas")


def compile_schema(model: type[Any], schema: type[BaseModel]) -> SchemaTree:
    """Bind ``schema`` to ``model``; raises :class:`LoadplanError` naming the
    schema and field when a field maps to nothing loadable. Compiled once."""
    return _compiled.get((model, schema), lambda: _compile(model, schema, None))


def _compile(model: type[Any], schema: type[BaseModel], subtype: str | None) -> SchemaTree:
    mapper: Mapper[Any] = inspect(model)
    fields: list[SchemaField] = []
    for name, info in schema.model_fields.items():
        if name.startswith("_"):
            continue
        path = attribute_path(name, info)
        core, many, metadata = _strip(info.annotation)
        hints = next((m for m in [*info.metadata, *metadata] if isinstance(m, Hints)), None)
        if info.json_schema_extra and isinstance(info.json_schema_extra, dict):
            extra = info.json_schema_extra.get("loadplan")
            hints = extra if isinstance(extra, Hints) else hints
        key = info.serialization_alias or info.alias or name
        target_prop = _resolve(mapper, path, schema, name, hints)
        tree: SchemaTree | None = None
        if isinstance(target_prop, RelationshipProperty):
            target = target_prop.mapper.class_
            members = _union_members(core) or _union_members(info.annotation)
            if members:
                tree = SchemaTree(
                    None,
                    target,
                    variants=tuple(
                        _compile(
                            _bound_model(member, target), member, _subtype_name(target, member)
                        )
                        for member in members
                    ),
                )
            elif _is_schema(core):
                tree = _compile(target, core, None)
            else:
                raise LoadplanError(
                    f"{schema.__name__}.{name}: {'.'.join(path)} is a relationship; "
                    "annotate it with a response model"
                )
            many = bool(target_prop.uselist)
        fields.append(SchemaField(name, key, path, many, tree, hints, subtype))
    return SchemaTree(schema, model, tuple(fields))


def _subtype_name(base: type[Any], member: type[BaseModel]) -> str | None:
    bound = _bound_model(member, base)
    return bound.__name__ if bound is not base else None


def _resolve(
    mapper: Mapper[Any],
    path: tuple[str, ...],
    schema: type[BaseModel],
    name: str,
    hints: Hints | None,
) -> Any:
    """The property at the end of ``path``; to-one hops only."""
    current = mapper
    for hop in path[:-1]:
        prop = current.attrs.get(hop)
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            raise LoadplanError(
                f"{schema.__name__}.{name}: {hop} is not a to-one relationship of "
                f"{current.class_.__name__}"
            )
        current = prop.mapper
    last = path[-1]
    prop = current.attrs.get(last)
    if isinstance(prop, RelationshipProperty | ColumnProperty):
        return prop
    descriptor = current.all_orm_descriptors.get(last)
    if descriptor is not None and descriptor.extension_type is HybridExtensionType.HYBRID_PROPERTY:
        raise LoadplanError(
            f"{schema.__name__}.{name}: hybrid property {current.class_.__name__}.{last} is "
            "read in Python; give the field hint(annotate=...) or use a model_property"
        )
    if property_hints(current.class_, last) is not None or (hints and hints.annotate):
        return None
    raise LoadplanError(
        f"{schema.__name__}.{name}: {current.class_.__name__}.{last} is not an attribute of the "
        "model; give the field loadplan.hint(...) or map it with validation_alias"
    )


# -- selections ------------------------------------------------------------------


def _node(f: SchemaField, children: tuple[Selection, ...], arguments: Arguments) -> Selection:
    *hops, last = f.path
    leaf = Selection(last, children, arguments=arguments, hints=f.hints)
    for hop in reversed(hops):
        leaf = Selection(hop, (leaf,))
    if f.subtype is not None:
        leaf = Selection(
            leaf.name, leaf.children, leaf.alias, leaf.arguments, f.subtype, leaf.hints
        )
    return leaf


def tree_selection(
    tree: SchemaTree,
    fieldset: Mapping[str, Any] | None = None,
    arguments: Mapping[str, Arguments] | None = None,
    prefix: str = "",
) -> tuple[Selection, ...]:
    """Selection nodes for ``tree``, narrowed to ``fieldset`` (a nested dict
    of requested keys; ``None`` = everything) with per-path list arguments."""
    nodes: list[Selection] = []
    members = (tree, *tree.variants)
    for member in members:
        for f in member.fields:
            if fieldset is not None and f.key not in fieldset:
                continue
            sub = fieldset.get(f.key) if fieldset is not None else None
            path = f"{prefix}{f.key}"
            children = (
                tree_selection(f.tree, sub, arguments, f"{path}.") if f.tree is not None else ()
            )
            nodes.append(_node(f, children, (arguments or {}).get(path, Arguments())))
    return tuple(nodes)


def selection_from_model(
    model: type[Any], schema: type[BaseModel], fields: Iterable[str] | None = None
) -> Selection:
    """The selection an endpoint returning ``schema`` for ``model`` needs,
    narrowed to the dotted ``fields`` paths when given."""
    tree = compile_schema(model, schema)
    fieldset = parse_fieldset(tree, fields) if fields is not None else None
    return Selection("", children=tree_selection(tree, fieldset))


def parse_fieldset(tree: SchemaTree, fields: Iterable[str]) -> dict[str, Any]:
    """``["id", "tasks.status"]`` as ``{"id": None, "tasks": {"status": None}}``;
    a relationship named alone keeps all of its fields."""
    valid = tree.paths()
    result: dict[str, Any] = {}
    for raw in fields:
        path = raw.strip()
        if not path:
            continue
        if path not in valid:
            raise FieldsetError("unknown field", path, valid)
        _add(result, tree, path.split("."))
    return _expand(result, tree)


_WHOLE = object()


def _field(tree: SchemaTree, key: str) -> SchemaField:
    return next(f for f in tree.all_fields() if f.key == key)


def _add(node: dict[str, Any], tree: SchemaTree, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    f = _field(tree, head)
    if not rest:
        node[head] = _WHOLE if f.tree is not None else None
        return
    sub = node.get(head)
    if sub is _WHOLE:
        return
    if not isinstance(sub, dict):
        sub = node[head] = {}
    assert f.tree is not None
    _add(sub, f.tree, rest)


def _expand(node: dict[str, Any], tree: SchemaTree) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        f = _field(tree, key)
        if value is _WHOLE:
            out[key] = _everything(f.tree)
        elif isinstance(value, dict):
            assert f.tree is not None
            out[key] = _expand(value, f.tree)
        else:
            out[key] = None
    return out


def _everything(tree: SchemaTree | None) -> dict[str, Any]:
    if tree is None:
        return {}
    return {f.key: (_everything(f.tree) if f.tree is not None else None) for f in tree.all_fields()}


# -- nested list arguments --------------------------------------------------------


def list_arguments(
    tree: SchemaTree, params: Mapping[str, str], max_limit: int | None
) -> dict[str, Arguments]:
    """``tasks.limit=3&tasks.offset=1&tasks.order=-updated_at`` as arguments per path."""
    found: dict[str, dict[str, str]] = {}
    list_paths = _list_paths(tree)
    for name, value in params.items():
        path, dot, argument = name.rpartition(".")
        if not dot or argument not in {"limit", "offset", "order"}:
            continue
        if path not in list_paths:
            raise FieldsetError(f"not a list: {name}", path, sorted(list_paths))
        found.setdefault(path, {})[argument] = value
    out: dict[str, Arguments] = {}
    for path, values in found.items():
        item_tree = list_paths[path]
        out[path] = Arguments(
            order_by=_order(item_tree, values.get("order"), path),
            limit=_integer(values.get("limit"), f"{path}.limit", max_limit),
            offset=_integer(values.get("offset"), f"{path}.offset", None),
            # Responses carry no per-parent totals.
            counted=False,
        )
    return out


def _list_paths(tree: SchemaTree, prefix: str = "") -> dict[str, SchemaTree]:
    out: dict[str, SchemaTree] = {}
    for f in tree.all_fields():
        if f.tree is None:
            continue
        path = f"{prefix}{f.key}"
        if f.many:
            out[path] = f.tree
        out.update(_list_paths(f.tree, f"{path}."))
    return out


def _integer(value: str | None, name: str, maximum: int | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise FieldsetError("not an integer", name, []) from None
    if number < 0:
        raise FieldsetError("must not be negative", name, [])
    if maximum is not None and number > maximum:
        raise FieldsetError(f"must not exceed {maximum}", name, [])
    return number


def _order(tree: SchemaTree, value: str | None, path: str) -> tuple[Order, ...]:
    if not value:
        return ()
    columns = order_columns(tree)
    terms: list[Order] = []
    for raw in value.split(","):
        order = Order.parse(raw)
        if order.path not in columns:
            raise FieldsetError("cannot order by", f"{path}.{order.path}", sorted(columns))
        terms.append(Order(columns[order.path], order.descending))
    return tuple(terms)


def order_columns(tree: SchemaTree) -> dict[str, str]:
    """Response keys a list may be ordered by, and their attribute paths.

    A field computed by an ``annotate`` hint is not one, even when its name
    is a column's: what it answers may differ from the column (per principal,
    say), and ordering by the column would tell what the field hides."""
    mapper: Mapper[Any] = inspect(tree.model)
    out: dict[str, str] = {}
    for f in tree.all_fields():
        computed = f.hints is not None and bool(f.hints.annotate)
        single_column = f.tree is None and len(f.path) == 1 and f.subtype is None and not computed
        if single_column and isinstance(mapper.attrs.get(f.path[0]), ColumnProperty):
            out[f.key] = f.path[0]
    return out


# -- narrowed response models ------------------------------------------------------


_narrowed: Memo[tuple[type[BaseModel], str], type[BaseModel]] = Memo("narrowed response models")


def narrowed_schema(tree: SchemaTree, fieldset: Mapping[str, Any] | None) -> Any:
    """The response model holding only ``fieldset``: ``tree.schema`` itself
    when nothing is narrowed. Built once per shape."""
    if fieldset is None:
        return _annotation_of(tree)
    if tree.variants:
        members = [narrowed_schema(v, _restrict(v, fieldset)) for v in tree.variants]
        return typing.Union[tuple(members)]  # noqa: UP007
    schema = tree.schema
    assert schema is not None
    key = (schema, repr(sorted(_freeze(fieldset))))
    return _narrowed.get(key, lambda: _narrowed_model(tree, schema, fieldset))


def _narrowed_model(
    tree: SchemaTree, schema: type[BaseModel], fieldset: Mapping[str, Any]
) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for f in tree.fields:
        if f.key not in fieldset:
            continue
        info = schema.model_fields[f.name]
        annotation: Any = info.annotation
        if f.tree is not None:
            inner: Any = narrowed_schema(f.tree, fieldset[f.key])
            annotation = list[inner] if f.many else (inner | None if _optional(info) else inner)
        definitions[f.name] = (annotation, info)
    narrowed: type[BaseModel] = create_model(
        schema.__name__,
        __config__=schema.model_config,
        __module__=schema.__module__,
        **definitions,
    )
    return narrowed


def _restrict(tree: SchemaTree, fieldset: Mapping[str, Any]) -> dict[str, Any]:
    keys = {f.key for f in tree.fields}
    return {k: v for k, v in fieldset.items() if k in keys}


def _annotation_of(tree: SchemaTree) -> Any:
    if tree.variants:
        return typing.Union[tuple(_annotation_of(v) for v in tree.variants)]  # noqa: UP007
    return tree.schema


def _optional(info: FieldInfo) -> bool:
    annotation = info.annotation
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in (
        typing.get_args(annotation)
    )


def _freeze(fieldset: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [
        (k, repr(sorted(_freeze(v))) if isinstance(v, Mapping) else None)
        for k, v in fieldset.items()
    ]
