"""Generated filter and order inputs, and their translation to loadplan arguments.

Each ``@type(Model)`` gets ``<Type>Filter`` (one comparison input per column
field, combined with AND), ``<Type>NullableFilter`` (the same and ``isNull``,
for the nullable to-ones pointing to the type) and ``<Type>Order`` (one
direction per column field; a list of them orders by several fields in turn). Their names are the
defaults a schema's :class:`~loadplan.strawberry.names.NameConverter` may change.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple

import strawberry
from strawberry.types.unset import UNSET

from loadplan.selection import Connective, Filter, FilterGroup, NullsPlacement, Operator, Order
from loadplan.strawberry.names import generated
from loadplan.strawberry.registry import ModelInputRef, column_paths, relation_paths


@generated
@strawberry.enum(
    description="Sort direction, and where NULL values go (by default, where the database puts them)."
)
class Ordering(enum.Enum):
    """The direction a field of a generated order input sorts in."""

    ASC = "asc"
    DESC = "desc"
    ASC_NULLS_FIRST = "asc_nulls_first"
    ASC_NULLS_LAST = "asc_nulls_last"
    DESC_NULLS_FIRST = "desc_nulls_first"
    DESC_NULLS_LAST = "desc_nulls_last"


_ORDERED = ("eq", "ne", "lt", "le", "gt", "ge", "range", "in_", "not_in", "is_null")


def _comparison(name: str, scalar: Any, operators: tuple[str, ...]) -> type[Any]:
    annotations: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for op in operators:
        if op in {"in_", "not_in", "range"}:
            annotations[op] = list[scalar] | None
        elif op == "is_null":
            annotations[op] = bool | None
        else:
            annotations[op] = scalar | None
        defaults[op] = strawberry.field(
            default=UNSET, name={"in_": "in", "not_in": "notIn", "is_null": "isNull"}.get(op)
        )
    cls = type(name, (), {"__annotations__": annotations, **defaults})
    return generated(
        strawberry.input(cls, name=name, description=f"Conditions on a {scalar.__name__} field.")
    )


IntComparison = _comparison("IntComparison", int, _ORDERED)
FloatComparison = _comparison("FloatComparison", float, _ORDERED)
DecimalComparison = _comparison("DecimalComparison", decimal.Decimal, _ORDERED)
DateComparison = _comparison("DateComparison", dt.date, _ORDERED)
DateTimeComparison = _comparison("DateTimeComparison", dt.datetime, _ORDERED)
StringComparison = _comparison(
    "StringComparison",
    str,
    (
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "range",
        "in_",
        "not_in",
        "iexact",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "is_null",
    ),
)
BooleanComparison = _comparison("BooleanComparison", bool, ("eq", "ne", "is_null"))
IDComparison = _comparison("IDComparison", strawberry.ID, ("eq", "ne", "in_", "not_in"))
UUIDComparison = _comparison("UUIDComparison", uuid.UUID, ("eq", "ne", "in_", "not_in", "is_null"))

_COMPARISONS: dict[Any, type[Any]] = {
    bool: BooleanComparison,
    int: IntComparison,
    float: FloatComparison,
    decimal.Decimal: DecimalComparison,
    dt.datetime: DateTimeComparison,
    dt.date: DateComparison,
    str: StringComparison,
    strawberry.ID: IDComparison,
    uuid.UUID: UUIDComparison,
}

_OPERATORS = {
    "eq": Operator.EQ,
    "ne": Operator.NE,
    "lt": Operator.LT,
    "le": Operator.LE,
    "gt": Operator.GT,
    "ge": Operator.GE,
    "range": Operator.RANGE,
    "in_": Operator.IN,
    "not_in": Operator.NOT_IN,
    "iexact": Operator.IEXACT,
    "contains": Operator.CONTAINS,
    "icontains": Operator.ICONTAINS,
    "startswith": Operator.STARTSWITH,
    "istartswith": Operator.ISTARTSWITH,
    "endswith": Operator.ENDSWITH,
    "iendswith": Operator.IENDSWITH,
    "is_null": Operator.IS_NULL,
}


def comparison_for(scalar: Any) -> type[Any] | None:
    return _COMPARISONS.get(scalar)


class Inputs(NamedTuple):
    """The generated inputs of a type (``None`` where one would have no field)."""

    filter: type[Any] | None
    nullable_filter: type[Any]
    """What a nullable to-one to the type takes: ``isNull``, and the
    filter's conditions on the row it points to."""
    order: type[Any] | None


def make_inputs(
    type_name: str,
    columns: Iterable[tuple[str, str, Any]],
    relations: Iterable[tuple[str, str, type[Any], bool]] = (),
) -> Inputs:
    """``<type_name>Filter``, ``<type_name>NullableFilter`` and
    ``<type_name>Order`` for ``(python name, graphql name, scalar)`` column
    fields and ``(python name, graphql name, target model, nullable)``
    to-one fields (a filter walks them with the target's own filter, or its
    nullable filter where a row may have none). The filters combine their
    conditions with ``AND``, ``OR`` and ``NOT``. GraphQL allows no input
    without a field: no filter without columns or to-ones, no order without
    columns."""
    filter_fields: dict[str, tuple[Any, str]] = {}
    order_annotations: dict[str, Any] = {}
    order_defaults: dict[str, Any] = {}
    for python_name, graphql_name, scalar in columns:
        comparison = comparison_for(scalar)
        if comparison is None:
            continue
        filter_fields[python_name] = (comparison, graphql_name)
        order_annotations[python_name] = Ordering | None
        order_defaults[python_name] = strawberry.field(default=UNSET, name=graphql_name)
    for python_name, graphql_name, target, nullable in relations:
        kind = "NullableFilter" if nullable else "Filter"
        filter_fields[python_name] = (ModelInputRef.of(target, kind), graphql_name)
    filter_input = (
        _filter_input(
            f"{type_name}Filter",
            filter_fields,
            "All conditions must hold; AND, OR and NOT combine other filters.",
        )
        if filter_fields
        else None
    )
    nullable_filter = _filter_input(
        f"{type_name}NullableFilter",
        {**filter_fields, "is_null": (bool, "isNull")},
        f"isNull: whether there is no {type_name}; the other conditions (all must hold) "
        f"are on the {type_name} there is.",
    )
    if not order_annotations:
        return Inputs(filter_input, nullable_filter, None)
    order_cls = type(
        f"{type_name}Order", (), {"__annotations__": order_annotations, **order_defaults}
    )
    order_input = generated(
        strawberry.input(
            order_cls, name=f"{type_name}Order", description="Set one field per list item."
        )
    )
    return Inputs(filter_input, nullable_filter, order_input)


def _filter_input(name: str, fields: dict[str, tuple[Any, str]], description: str) -> type[Any]:
    """A filter input of ``fields`` (python name → (type, GraphQL name)),
    and ``AND``, ``OR`` and ``NOT`` combining filters of its own type."""
    annotations: dict[str, Any] = {
        python_name: field_type | None for python_name, (field_type, _) in fields.items()
    }
    defaults = {
        python_name: strawberry.field(default=UNSET, name=graphql_name)
        for python_name, (_, graphql_name) in fields.items()
    }
    filter_cls = type(name, (), {"__annotations__": annotations, **defaults})
    for connective in _CONNECTIVES:
        annotations[connective] = (
            filter_cls | None if connective == "NOT" else list[filter_cls] | None  # type: ignore[valid-type]
        )
        setattr(filter_cls, connective, strawberry.field(default=UNSET, name=connective))
    return generated(strawberry.input(filter_cls, name=name, description=description))


_CONNECTIVES = {"AND": Connective.AND, "OR": Connective.OR, "NOT": Connective.NOT}


def _set(value: Any) -> bool:
    return value is not UNSET and value is not None


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_GRAPHQL_OPERATOR_NAMES = {"in_": "in", "not_in": "notIn", "is_null": "isNull"}


def _get(value: Any, python_name: str, graphql_name: str) -> Any:
    """A field of an input, given as a Strawberry input object or as the dict of
    coerced values graphql-core hands over (keyed by GraphQL names)."""
    if isinstance(value, dict):
        return value.get(graphql_name, value.get(python_name, UNSET))
    return getattr(value, python_name, UNSET)


def _direction(direction: Any) -> tuple[bool, NullsPlacement | None]:
    """Whether an ``Ordering`` (a member, or its name or value as graphql-core
    may hand it over) is descending, and where it puts NULLs."""
    text = (direction.value if isinstance(direction, Ordering) else str(direction)).lower()
    nulls = (
        NullsPlacement.FIRST
        if text.endswith("nulls_first")
        else NullsPlacement.LAST
        if text.endswith("nulls_last")
        else None
    )
    return text.startswith("desc"), nulls


def filters_from(
    value: Any,
    paths: dict[str, tuple[str, str]],
    model: type[Any] | None = None,
    *,
    nullable: bool = False,
) -> tuple[Filter | FilterGroup, ...]:
    """Filters of a ``<Type>Filter`` input; ``paths`` maps python field names to
    (GraphQL name, model attribute path). With the ``model`` the input is
    for, its to-one fields are walked too, with their targets' filters. A
    ``nullable`` input (a ``<Type>NullableFilter``, of a to-one) may hold
    ``isNull``, on the to-one itself: its filter's path is ``_HERE`` until
    walked from the to-one's path."""
    if not _set(value):
        return ()
    out: list[Filter | FilterGroup] = []
    absent = _get(value, "is_null", "isNull") if nullable else UNSET
    if _set(absent):
        out.append(Filter(_HERE, Operator.IS_NULL, absent))
    for python_name, (graphql_name, path) in paths.items():
        comparison = _get(value, python_name, graphql_name)
        if not _set(comparison):
            continue
        for op_name, operator in _OPERATORS.items():
            operand = _get(comparison, op_name, _GRAPHQL_OPERATOR_NAMES.get(op_name, op_name))
            if operand is not UNSET and (operand is not None or operator is Operator.IS_NULL):
                out.append(Filter(path, operator, _plain(operand)))
    if model is None:
        return tuple(out)
    for python_name, relation in relation_paths(model).items():
        nested = filters_from(
            _get(value, python_name, relation.graphql_name),
            column_paths(relation.target),
            relation.target,
            nullable=relation.nullable,
        )
        out.extend(_under(relation.path, item) for item in nested)
    for connective_name, connective in _CONNECTIVES.items():
        operand = _get(value, connective_name, connective_name)
        if not _set(operand):
            continue
        if connective is Connective.NOT:
            out.append(
                FilterGroup(connective, filters_from(operand, paths, model, nullable=nullable))
            )
        else:
            groups = [
                FilterGroup(Connective.AND, filters_from(item, paths, model, nullable=nullable))
                for item in operand
            ]
            out.append(FilterGroup(connective, tuple(groups)))
    return tuple(out)


_HERE = ""


def _under(prefix: str, item: Filter | FilterGroup) -> Filter | FilterGroup:
    """``item`` with its paths walked from ``prefix`` (a to-one path)."""
    if isinstance(item, FilterGroup):
        return FilterGroup(item.connective, tuple(_under(prefix, inner) for inner in item.items))
    path = f"{prefix}.{item.path}" if item.path != _HERE else prefix
    return Filter(path, item.op, item.value)


def order_from(value: Any, paths: dict[str, tuple[str, str]]) -> tuple[Order, ...]:
    """Ordering of a list of ``<Type>Order`` inputs, in list order."""
    if not _set(value):
        return ()
    out: list[Order] = []
    for item in value:
        for python_name, (graphql_name, path) in paths.items():
            direction = _get(item, python_name, graphql_name)
            if _set(direction):
                descending, nulls = _direction(direction)
                out.append(Order(path, descending=descending, nulls=nulls))
    return tuple(out)
