"""The GraphQL JSON mode: a root field's items written by the database.

Where the row mode still completes every field of every item in Python,
the JSON mode (:mod:`loadplan.documents`) has the database write each
item's JSON with the bytes graphql-core's completion gives: a root field
(a list, or the object of a resolver's statement) whose every field below
is a column, a computed expression (a declared projection read as a JSON
scalar, as it is), a to-one or a list of a type bound to a model is
described as the :class:`Document` its completion writes, and its items
are parsed from the database's texts and handed to graphql-core as the
field's complete value (:class:`Completed`), with no per-field execution.
Where the response is encoded by orjson, the texts need not even be parsed:
:func:`spliced` hands them over as one ``orjson.Fragment``, which
``orjson.dumps`` writes into the response as it is (the texts are already
orjson's compact bytes, so the response is byte for byte the one the parsed
values give).

The document follows graphql-core's own rules: fields are collected by its
``collect_subfields`` (fragments, ``@skip`` / ``@include``, merging in
first-appearance order, aliases as keys); each leaf is written as its
scalar serializes it (``ID`` as text, ``Int`` within 32 bits, enums by
their GraphQL names, dates and datetimes by ``isoformat``), ``__typename``
as the object type's name. Where normal execution would raise a field
error (a non-null field that is null, an ``Int`` out of range), the
database marks the item (:data:`loadplan.documents.MISSING`) and the whole
field runs in the row mode instead, which raises it as before. Anything
else (a resolver of its own, a float, an interface, a page or connection,
``@defer``) has no document, and the field runs as it did.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields
from graphql.execution.values import VariableValues
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT
from strawberry.schema.types.base_scalars import isoformat

from loadplan.documents import PLAIN, Document, Fixed, Form, Nested, Value
from loadplan.strawberry.definitions import DEFINITION, spec_of
from loadplan.strawberry.registry import model_of_type

_loads: Callable[[str], Any]
_fragment: Callable[[str], Any] | None
try:
    from orjson import Fragment as _fragment
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is optional here
    _loads = json.loads
    _fragment = None
"""Parsing the items is the JSON mode's one cost per value in Python:
orjson (the fastapi extra's), where installed, parses into the same values,
faster than the standard library; its ``Fragment`` spares even that where
the response is encoded by orjson."""

SPLICING = _fragment is not None
"""Whether :func:`spliced` can answer (orjson is installed)."""

__all__ = ["SPLICING", "Completed", "completed", "document_of", "spliced"]

_INT = Form(bounds=(GRAPHQL_MIN_INT, GRAPHQL_MAX_INT))
_ID = Form(text=True)
_ISOFORMAT = Form(utc="+00:00")
_SCALARS: dict[str, tuple[type, Form]] = {
    GraphQLInt.name: (int, _INT),
    GraphQLString.name: (str, PLAIN),
    GraphQLBoolean.name: (bool, PLAIN),
    GraphQLID.name: (str, _ID),
}
_STANDARD = {GraphQLInt, GraphQLString, GraphQLBoolean, GraphQLID}
_ISO_KINDS: dict[str, type] = {"Date": dt.date, "DateTime": dt.datetime}


@dataclass(frozen=True)
class Completed:
    """A field's value already complete (parsed from the JSON mode's texts):
    :class:`~loadplan.strawberry.RowExecutionContext` hands it over as it is."""

    value: Any


class _Unsupported(Exception):
    """Why the JSON mode cannot write a field (its message)."""


def document_of(info: GraphQLResolveInfo[Any], item_type: Any) -> Document | str:
    """The document graphql-core's completion writes for each item of the
    field now resolving, whose items are of ``item_type``; or why the JSON
    mode cannot write it."""
    walker = _Walker(info)
    details = [FieldDetails(node, None) for node in info.field_nodes]
    try:
        return walker.object(item_type, details)
    except _Unsupported as refusal:
        return str(refusal)


def completed(texts: list[str], is_list: bool) -> Completed | None:
    """The field's value from the items' texts (the JSON mode keeps key
    order); ``None`` for a single item that is not there, which the row
    completion answers (``null``, or the non-null field's error)."""
    items = _loads("[" + ",".join(texts) + "]")
    if is_list:
        return Completed(items)
    return Completed(items[0]) if items else None


def spliced(texts: list[str], is_list: bool) -> Completed | None:
    """The field's value as :func:`completed` answers it, left unparsed: an
    ``orjson.Fragment`` of the texts (joined as a list for a list field),
    which only ``orjson.dumps`` can write, as those parsed values."""
    assert _fragment is not None, "splicing needs orjson"
    if is_list:
        return Completed(_fragment("[" + ",".join(texts) + "]"))
    return Completed(_fragment(texts[0])) if texts else None


class _Walker:
    def __init__(self, info: GraphQLResolveInfo[Any]) -> None:
        self.info = info
        variables = info.variable_values
        if not isinstance(variables, VariableValues):
            # Strawberry hands over plain dicts where graphql-core 3.3
            # expects VariableValues.
            variables = VariableValues(sources={}, coerced=dict(variables or {}))
        self.variables = variables
        self.fragments = {
            name: FragmentDetails(definition) for name, definition in info.fragments.items()
        }

    def document(self, object_type: GraphQLObjectType, details: list[FieldDetails]) -> Document:
        collected = collect_subfields(
            self.info.schema,
            self.fragments,
            self.variables,
            self.info.operation,
            object_type,
            details,
        )
        if collected.new_defer_usages:
            raise _Unsupported("@defer")
        fields: list[Value | Nested | Fixed] = []
        for key, grouped in collected.grouped_field_set.items():
            name = grouped[0].node.name.value
            if name == "__typename":
                fields.append(Fixed(key, json.dumps(object_type.name)))
                continue
            named = f"{object_type.name}.{name}"
            fields.append(self._field(named, key, object_type.fields[name], grouped))
        return Document(tuple(fields))

    def _field(
        self, name: str, key: str, field_def: Any, grouped: list[FieldDetails]
    ) -> Value | Nested:
        spec = spec_of(field_def.extensions.get(DEFINITION))
        if spec is None or spec.kind == "custom":
            raise _Unsupported(f"{name} has a resolver of its own")
        if spec.disable_optimization or spec.attribute is None:
            raise _Unsupported(f"{name} is left out of the plan")
        if spec.kind not in ("auto", "list"):
            raise _Unsupported(f"{name} is a {spec.kind} field")
        path = tuple(spec.attribute.split("."))
        field_type = field_def.type
        non_null = isinstance(field_type, GraphQLNonNull)
        named = field_type.of_type if non_null else field_type
        if isinstance(named, GraphQLList):
            # A list field (``lp.field()``, its response key the alias its
            # load is kept under), or a relationship annotated as a list.
            item = named.of_type
            item = item.of_type if isinstance(item, GraphQLNonNull) else item
            document = self.object(item, grouped)
            alias = key if spec.kind == "list" and key != path[-1] else None
            return Nested(key, path, document, many=True, alias=alias)
        if isinstance(named, GraphQLObjectType):
            document = self.object(named, grouped)
            return Nested(key, path, document, many=False, nullable=not non_null)
        kind, form = _leaf(name, named)
        return Value(key, path, kind, nullable=not non_null, form=form)

    def object(self, object_type: Any, grouped: list[FieldDetails]) -> Document:
        if not isinstance(object_type, GraphQLObjectType):
            raise _Unsupported(f"{object_type.name} is an interface or union")
        if model_of_type(object_type) is None:
            raise _Unsupported(f"{object_type.name} is bound to no model")
        return self.document(object_type, grouped)


def _leaf(name: str, leaf: Any) -> tuple[type, Form]:
    """The Python type a leaf's column must hold and the form its
    serializer writes it in."""
    if leaf in _STANDARD:
        return _SCALARS[leaf.name]
    if isinstance(leaf, GraphQLScalarType) and leaf.serialize is isoformat:
        kind = _ISO_KINDS.get(leaf.name)
        if kind is not None:
            return kind, _ISOFORMAT
    if isinstance(leaf, GraphQLScalarType) and _passes_through(leaf):
        # A JSON scalar: a declared projection's list or map as it is.
        return object, PLAIN
    if isinstance(leaf, GraphQLEnumType):
        enum_class = getattr(leaf, "wrapped_cls", None)
        if enum_class is not None:
            labels = tuple((member, leaf.serialize(member)) for member in enum_class)
            return enum_class, Form(labels=labels)
    raise _Unsupported(f"{name}: {leaf} values are not written")


def _passes_through(leaf: GraphQLScalarType) -> bool:
    """Whether a scalar serializes values as they are (Strawberry's JSON)."""
    probe: dict[str, Any] = {}
    try:
        return leaf.serialize(probe) is probe
    except Exception:
        return False
