"""Generated filter and order inputs, and their translation to loadplan arguments.

Each ``@type(Model)`` gets ``<Type>Filter`` (one comparison input per column
field, combined with AND) and ``<Type>Order`` (one direction per column field;
a list of them orders by several fields in turn).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types.unset import UNSET

from loadplan.selection import Filter, Operator, Order


@strawberry.enum(description="Sort direction.")
class Ordering(enum.Enum):
    """The direction a field of a generated order input sorts in."""

    ASC = "asc"
    DESC = "desc"


_ORDERED = ("eq", "ne", "lt", "le", "gt", "ge", "in_", "not_in", "is_null")


def _comparison(name: str, scalar: Any, operators: tuple[str, ...]) -> type[Any]:
    annotations: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for op in operators:
        if op in {"in_", "not_in"}:
            annotations[op] = list[scalar] | None
        elif op == "is_null":
            annotations[op] = bool | None
        else:
            annotations[op] = scalar | None
        defaults[op] = strawberry.field(
            default=UNSET, name={"in_": "in", "not_in": "notIn", "is_null": "isNull"}.get(op)
        )
    cls = type(name, (), {"__annotations__": annotations, **defaults})
    return strawberry.input(cls, name=name, description=f"Conditions on a {scalar.__name__} field.")


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
        "in_",
        "not_in",
        "contains",
        "icontains",
        "startswith",
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
    "in_": Operator.IN,
    "not_in": Operator.NOT_IN,
    "contains": Operator.CONTAINS,
    "icontains": Operator.ICONTAINS,
    "startswith": Operator.STARTSWITH,
    "is_null": Operator.IS_NULL,
}


def comparison_for(scalar: Any) -> type[Any] | None:
    return _COMPARISONS.get(scalar)


def make_inputs(
    type_name: str, columns: Iterable[tuple[str, str, Any]]
) -> tuple[type[Any], type[Any]] | None:
    """``<type_name>Filter`` and ``<type_name>Order`` for ``(python name, graphql
    name, scalar)`` column fields; ``None`` when no field can be compared
    (GraphQL allows no input without fields)."""
    filter_annotations: dict[str, Any] = {}
    order_annotations: dict[str, Any] = {}
    filter_defaults: dict[str, Any] = {}
    order_defaults: dict[str, Any] = {}
    for python_name, graphql_name, scalar in columns:
        comparison = comparison_for(scalar)
        if comparison is None:
            continue
        filter_annotations[python_name] = comparison | None
        filter_defaults[python_name] = strawberry.field(default=UNSET, name=graphql_name)
        order_annotations[python_name] = Ordering | None
        order_defaults[python_name] = strawberry.field(default=UNSET, name=graphql_name)
    if not filter_annotations:
        return None
    filter_cls = type(
        f"{type_name}Filter", (), {"__annotations__": filter_annotations, **filter_defaults}
    )
    order_cls = type(
        f"{type_name}Order", (), {"__annotations__": order_annotations, **order_defaults}
    )
    return (
        strawberry.input(
            filter_cls, name=f"{type_name}Filter", description="All conditions must hold."
        ),
        strawberry.input(
            order_cls, name=f"{type_name}Order", description="Set one field per list item."
        ),
    )


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


def _descending(direction: Any) -> bool:
    if isinstance(direction, Ordering):
        return direction is Ordering.DESC
    return str(direction).lower() == "desc"


def filters_from(value: Any, paths: dict[str, tuple[str, str]]) -> tuple[Filter, ...]:
    """Filters of a ``<Type>Filter`` input; ``paths`` maps python field names to
    (GraphQL name, model attribute path)."""
    if not _set(value):
        return ()
    out: list[Filter] = []
    for python_name, (graphql_name, path) in paths.items():
        comparison = _get(value, python_name, graphql_name)
        if not _set(comparison):
            continue
        for op_name, operator in _OPERATORS.items():
            operand = _get(comparison, op_name, _GRAPHQL_OPERATOR_NAMES.get(op_name, op_name))
            if operand is not UNSET and (operand is not None or operator is Operator.IS_NULL):
                out.append(Filter(path, operator, _plain(operand)))
    return tuple(out)


def order_from(value: Any, paths: dict[str, tuple[str, str]]) -> tuple[Order, ...]:
    """Ordering of a list of ``<Type>Order`` inputs, in list order."""
    if not _set(value):
        return ()
    out: list[Order] = []
    for item in value:
        for python_name, (graphql_name, path) in paths.items():
            direction = _get(item, python_name, graphql_name)
            if _set(direction):
                out.append(Order(path, descending=_descending(direction)))
    return tuple(out)
