"""The GraphQL fast path: completing whole subtrees from row-mode dicts.

When every field below a root field is a loadplan field (columns, to-ones,
lists, connections, pages, computed fields; no custom resolver), the
extension answers the field with :class:`RowsResult`: nested dicts loaded
by :meth:`loadplan.Plan.fetch` in the row mode, with no ORM object.
:class:`RowExecutionContext` then completes that subtree in one pass instead of resolving each field
through graphql-core (about 5 µs a field), with graphql-core's own rules:
fields collected by its ``collect_subfields`` (fragments, ``@skip`` /
``@include``, merging in first-appearance order, aliases), leaves coerced by
each scalar's ``coerce_output_value`` (ID as text, dates, Int range),
``__typename`` and runtime types per row, and field errors located at their
path and nulled out to the nearest nullable parent by ``handle_field_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from sqlalchemy import inspect
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loadplan.storage import MODEL_KEY, OBJECT_KEY, related, total_count
from loadplan.strawberry import registry
from loadplan.strawberry.definitions import (
    DEFINITION,
    FieldSpec,
    LoadedKey,
    page_size_limit,
    python_values,
    spec_of,
    unwrap,
)
from loadplan.strawberry.documents import Completed
from loadplan.strawberry.fields import arguments_from, single_row
from loadplan.strawberry.pagination import make_page_dict, make_window_dict
from loadplan.strawberry.selection import needs_objects, reaches_model
from loadplan.views import RowView, view_of

__all__ = ["RowExecutionContext", "RowsResult"]


_LIST_KINDS = frozenset({"list", "connection", "page", "single"})


def _no_read(row: dict[str, Any]) -> Any:
    return None


@dataclass(frozen=True)
class _Entry:
    """One field of an object's completion: where its value comes from (the
    row, or the field's own resolver run on a view of it), and for a scalar
    or enum (``leaf``) the type that serializes it in place; ``completes``:
    the value is already complete (a subtree executed on the ORM object)."""

    key: str
    name: str
    field_def: Any
    details: Any
    read: Callable[[dict[str, Any]], Any]
    resolve: Callable[[dict[str, Any], _Where], Any] | None
    leaf: Any
    non_null: bool
    completes: bool = False
    serialize: Callable[[Any], Any] = _no_read


def _fast_serializer(leaf: Any, slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """How a leaf value is serialized: for graphql-core's own scalars, the
    values their serializers return unchanged (a ``str`` for String, an
    ``int`` in range for Int…) are passed through without the call chain of
    ``complete_leaf_value``; anything else takes it (``slow``), errors included."""
    if leaf is GraphQLID:
        return lambda v: v if type(v) is str else str(v) if type(v) is int else slow(v)
    if leaf is GraphQLString:
        return lambda v: v if type(v) is str else slow(v)
    if leaf is GraphQLInt:
        return lambda v: v if type(v) is int and _INT_MIN <= v <= _INT_MAX else slow(v)
    if leaf is GraphQLBoolean:
        return lambda v: v if type(v) is bool else slow(v)
    if leaf is GraphQLFloat:
        return lambda v: v if type(v) is float and isfinite(v) else slow(v)
    return slow


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


_Where = Any
"""A response path inside a completed subtree: a plain ``(prev, key,
typename)`` tuple, as cheap as a tuple display, whose ``prev`` leads back to
graphql-core's :class:`Path` of the root field. A grid completes thousands of
objects and list items, and a ``Path`` per one (a named tuple built through
Python code) cost about a tenth of the request; only an error, or a field
graphql-core executes itself, turns one into a ``Path`` (:func:`_path`)."""


def _path(where: _Where) -> Path:
    """``where`` as graphql-core's :class:`Path`."""
    if isinstance(where, Path):
        return where
    prev, key, typename = where
    return Path(_path(prev), key, typename)


TYPE_KEY = "__type__"
"""The name of the object type a row is answered as, where it is not that
of its class's first type: a node's row, of the type its GlobalID names."""


@dataclass(frozen=True)
class RowsResult:
    """A resolver's result answered from rows: the value of the field."""

    value: Any


def _typename_field(field_name: str) -> bool:
    return field_name == "__typename"


class RowExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing :class:`RowsResult` values
    in one pass. Pass it as ``strawberry.Schema(execution_context_class=...)``
    and enable ``OptimizerExtension.with_options(rows=True)``."""

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, Completed):
            return result.value
        if isinstance(result, RowsResult):
            return self._complete(
                return_type,
                field_details_list,
                result.value,
                path,
                info.parent_type.name,
                info.field_name,
            )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    # -- completion ------------------------------------------------------------

    def _complete(
        self,
        return_type: Any,
        field_details_list: Any,
        value: Any,
        path: _Where,
        parent_name: str,
        field_name: str,
    ) -> Any:
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete(
                return_type.of_type, field_details_list, value, path, parent_name, field_name
            )
            if completed is None:
                msg = f"Cannot return null for non-nullable field {parent_name}.{field_name}."
                raise TypeError(msg)
            return completed
        if value is None:
            return None
        if isinstance(return_type, GraphQLList):
            item_type = return_type.of_type
            inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
            # Objects of one type (the common case): straight to their fields.
            direct = inner if isinstance(inner, GraphQLObjectType) else None
            entries = self._entries(direct, field_details_list) if direct is not None else None
            items: list[Any] = []
            for index, item in enumerate(value):
                item_path = (path, index, None)
                try:
                    if direct is not None and item is not None:
                        items.append(
                            self._complete_object(
                                direct, field_details_list, item, item_path, entries
                            )
                        )
                        continue
                    items.append(
                        self._complete(
                            item_type, field_details_list, item, item_path, parent_name, field_name
                        )
                    )
                except Exception as raw:
                    self.handle_field_error(raw, item_type, field_details_list, _path(item_path))
                    items.append(None)
            return items
        if is_leaf_type(return_type):
            return self.complete_leaf_value(return_type, value)
        runtime_type = (
            self._runtime_type(return_type, value) if is_abstract_type(return_type) else return_type
        )
        return self._complete_object(runtime_type, field_details_list, value, path)

    def _complete_object(
        self,
        runtime_type: GraphQLObjectType,
        field_details_list: Any,
        value: Any,
        path: _Where,
        entries: list[_Entry] | None = None,
    ) -> dict[str, Any]:
        """``value``'s fields; ``entries``, when given, are the selection's
        fields on ``runtime_type`` (a list's items share them)."""
        type_name = runtime_type.name
        out: dict[str, Any] = {}
        if entries is None:
            entries = self._entries(runtime_type, field_details_list)
        for entry in entries:
            key = entry.key
            if entry.field_def is None:
                out[key] = type_name
                continue
            try:
                if entry.resolve is not None:
                    raw = entry.resolve(value, (path, key, type_name))
                    if entry.completes:
                        out[key] = raw
                        continue
                else:
                    raw = entry.read(value)
                if entry.leaf is None:
                    out[key] = self._complete(
                        entry.field_def.type,
                        entry.details,
                        raw,
                        (path, key, type_name),
                        type_name,
                        entry.name,
                    )
                elif raw is not None:
                    out[key] = entry.serialize(raw)
                elif entry.non_null:
                    msg = f"Cannot return null for non-nullable field {type_name}.{entry.name}."
                    raise TypeError(msg)
                else:
                    out[key] = None
            except Exception as error:
                self.handle_field_error(
                    error, entry.field_def.type, entry.details, _path((path, key, type_name))
                )
                out[key] = None
        return out

    def _entries(self, runtime_type: GraphQLObjectType, field_details_list: Any) -> list[_Entry]:
        """The fields to complete on objects of ``runtime_type`` for one
        selection, worked out once per request and selection (like
        graphql-core's own ``collect_subfields``, keyed by the list's identity)."""
        cache: dict[Any, tuple[Any, list[_Entry]]] = self.__dict__.setdefault("_row_entries", {})
        cache_key = (runtime_type, id(field_details_list))
        cached = cache.get(cache_key)
        if cached is not None:
            return cached[1]
        collected = self.collect_subfields(runtime_type, field_details_list)
        definition = runtime_type.extensions.get(DEFINITION)
        model = registry.model_of(definition.origin) if definition is not None else None
        entries = []
        holder = field_details_list[0].node
        parent = holder.alias.value if holder.alias else holder.name.value
        for key, details in collected.grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            if _typename_field(name):
                entries.append(_Entry(key, name, None, details, _no_read, None, None, False))
                continue
            field_def = runtime_type.fields[name]
            spec = spec_of(field_def.extensions.get(DEFINITION))
            field_type = field_def.type
            non_null = isinstance(field_type, GraphQLNonNull)
            named = field_type.of_type if non_null else field_type
            leaf = named if is_leaf_type(named) else None
            if model is not None and needs_objects(field_def, spec):
                on_object = self._on_object(runtime_type, field_def, details)
                entries.append(
                    _Entry(key, name, field_def, details, _no_read, on_object, None, False, True)
                )
            else:
                # A custom resolver runs on a view of the row; a value that is
                # not a scalar is then completed by graphql-core as in the ORM mode.
                custom = spec is not None and spec.kind == "custom"
                entries.append(
                    _Entry(
                        key,
                        name,
                        field_def,
                        details,
                        _no_read
                        if custom
                        else self._reader(field_def, details[0].node, key, parent),
                        self._resolving(runtime_type, field_def, details, leaf is None)
                        if custom
                        else None,
                        leaf,
                        non_null,
                        custom and leaf is None,
                        self._serializer(leaf),
                    )
                )
        cache[cache_key] = (field_details_list, entries)
        return entries

    def _serializer(self, leaf: Any) -> Callable[[Any], Any]:
        if leaf is None:
            return _no_read
        complete_leaf_value = self.complete_leaf_value
        return _fast_serializer(leaf, lambda value: complete_leaf_value(leaf, value))

    def _runtime_type(self, abstract: Any, value: dict[str, Any]) -> GraphQLObjectType:
        name = value.get(TYPE_KEY)
        if name is None:
            model = value.get(MODEL_KEY)
            strawberry_type = registry.most_specific_type(model) if model is not None else None
            definition = getattr(strawberry_type, "__strawberry_definition__", None)
            name = getattr(definition, "name", None)
        runtime = self.schema.get_type(name) if name else None
        if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
            abstract, runtime
        ):
            msg = f"Abstract type {abstract.name} has no object type for this row."
            raise GraphQLError(msg)
        return runtime

    # -- reading a field from a row dict -------------------------------------------

    def _reader(
        self, field_def: Any, node: Any, key: str, parent: str
    ) -> Callable[[dict[str, Any]], Any]:
        strawberry_field = field_def.extensions.get(DEFINITION)
        spec = spec_of(strawberry_field)
        if spec is None:
            # Wrapper types built here (connections, pages): keyed by python name.
            name = getattr(strawberry_field, "python_name", node.name.value)
            return lambda row: row.get(name)
        assert spec.attribute is not None
        *path, last = spec.attribute.split(".")
        hops = tuple(path)
        loaded = LoadedKey(key, parent)
        if spec.kind not in _LIST_KINDS and not hops:
            if spec.model is None or last not in inspect(spec.model).relationships:
                return lambda row: row.get(last)
            # A to-one of a type restricting its rows apart from another
            # selection of the relationship is kept under its response key.
            return lambda row: related(row, last, loaded.of(row))
        if spec.kind == "list" and not hops:
            return lambda row: _rows_at(row, loaded.of(row), last)
        return lambda row: _value(
            spec,
            hops,
            last,
            row,
            loaded,
            lambda: python_values(field_def, self._arguments(field_def, node)),
        )

    def _on_object(
        self, runtime_type: GraphQLObjectType, field_def: Any, details: Any
    ) -> Callable[[dict[str, Any], _Where], Any]:
        """A field that needs the ORM object: executed by graphql-core as in
        the ORM mode, on the object the extension loaded for the row."""

        def execute(row: dict[str, Any], where: _Where) -> Any:
            return self.execute_field(runtime_type, row[OBJECT_KEY], details, _path(where), None)

        return execute

    def _resolving(
        self, runtime_type: GraphQLObjectType, field_def: Any, details: Any, complete: bool
    ) -> Callable[[dict[str, Any], _Where], Any]:
        """A field with a resolver of its own that declared what it reads
        (see ``resolves_on_rows``): the resolver runs on a view of the row, as
        it would on the object. Model objects it returns are views of rows
        its hints loaded: they are completed as those rows."""
        model = registry.model_of(runtime_type.extensions[DEFINITION].origin)
        assert model is not None
        arguments = self._arguments(field_def, details[0].node)
        nodes = [d.node for d in details]
        as_rows = complete and reaches_model(unwrap(field_def.type))
        parent_name, field_name = runtime_type.name, nodes[0].name.value

        def resolve(row: dict[str, Any], where: _Where) -> Any:
            path = _path(where)
            info = self.build_resolve_info(field_def, nodes, runtime_type, path)
            view = view_of(row, row.get(MODEL_KEY, model))
            value = field_def.resolve(view, info, **arguments)
            if as_rows:
                rows = _rows_of(value)
                if rows is not _NOT_ROWS:
                    return self._complete(
                        field_def.type, details, rows, where, parent_name, field_name
                    )
            if complete:
                return self.complete_value(field_def.type, details, info, path, value, None)
            return value

        return resolve

    def _arguments(self, field_def: Any, node: Any) -> dict[str, Any]:
        variables = self.variable_values
        if not isinstance(variables, VariableValues):
            variables = VariableValues(sources={}, coerced=dict(variables or {}))
        return get_argument_values(field_def, node, variables)


_NOT_ROWS: Any = object()


def _rows_of(value: Any) -> Any:
    """A resolver's value with the views of rows in it turned back into the
    rows (each naming its class, for interfaces to pick the object type by),
    and the plain data objects holding them (pages, connections, edges) into
    dicts of their fields; ``_NOT_ROWS`` when it holds anything else a row
    completion cannot read (an ORM object the resolver loaded itself), which
    graphql-core then completes as in the ORM mode."""
    if isinstance(value, RowView):
        row = value.__dict__
        return row if MODEL_KEY in row else {**row, MODEL_KEY: type(value).__model__}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        items = [_rows_of(item) for item in value]
        return _NOT_ROWS if any(item is _NOT_ROWS for item in items) else items
    definition = getattr(type(value), "__strawberry_definition__", None)
    if definition is None:
        return _NOT_ROWS if inspect(value, raiseerr=False) is not None else value
    out = {}
    for field in definition.fields:
        item = _rows_of(getattr(value, field.python_name))
        if item is _NOT_ROWS:
            return _NOT_ROWS
        out[field.python_name] = item
    return out


def _rows_at(row: dict[str, Any], key: str, attribute: str) -> list[Any]:
    """The list the plan loaded for the response key (see :mod:`loadplan.storage`)."""
    rows: list[Any] | None = related(row, attribute, key)
    return rows or []


def _value(
    spec: FieldSpec,
    hops: tuple[str, ...],
    last: str,
    row: dict[str, Any],
    loaded: LoadedKey,
    arguments: Any,
) -> Any:
    for hop in hops:
        row = row.get(hop)  # type: ignore[assignment]
        if row is None:
            return None
    if spec.kind in _LIST_KINDS:
        key = loaded.of(row)
        rows = _rows_at(row, key, last)
        if spec.kind == "single":
            return single_row(rows, spec.describe(), exact=not spec.order_by)
        if spec.kind == "list":
            return rows
        counted = total_count(row, key)
        total = len(rows) if counted is None else counted
        if spec.kind == "page":
            values = arguments()
            return make_page_dict(rows, total, values.get("limit"), values.get("offset") or 0)
        assert spec.model is not None
        target = inspect(spec.model).relationships[last].mapper.class_
        _, window = arguments_from(
            "connection",
            arguments(),
            target,
            (),
            page_size_limit.get() if spec.keyset else None,
            cursor_prefix=spec.cursor_prefix,
            keyset=spec.keyset,
        )
        assert window is not None
        return make_window_dict(rows, total, window)
    return row.get(last)
