"""Turn list arguments (filters and ordering by dotted paths) into SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty
from sqlalchemy.sql import operators

from loadplan.errors import PlanError
from loadplan.mapping import coerce_value
from loadplan.selection import Filter, Operator, Order

_COMPARISONS: dict[Operator, Any] = {
    Operator.EQ: lambda c, v: c == v,
    Operator.NE: lambda c, v: c != v,
    Operator.LT: lambda c, v: c < v,
    Operator.LE: lambda c, v: c <= v,
    Operator.GT: lambda c, v: c > v,
    Operator.GE: lambda c, v: c >= v,
    Operator.IN: lambda c, v: c.in_(list(v)),
    Operator.NOT_IN: lambda c, v: c.not_in(list(v)),
    Operator.CONTAINS: lambda c, v: c.contains(v, autoescape=True),
    Operator.ICONTAINS: lambda c, v: c.icontains(v, autoescape=True),
    Operator.STARTSWITH: lambda c, v: c.startswith(v, autoescape=True),
    Operator.IS_NULL: lambda c, v: c.is_(None) if v else c.is_not(None),
}


def _step(entity: Any, name: str) -> tuple[Mapper[Any], Any]:
    mapper: Mapper[Any] = inspect(entity).mapper
    prop = mapper.attrs.get(name)
    if prop is None:
        raise PlanError(mapper.class_.__name__, name, "is not an attribute of this model")
    return mapper, prop


def filter_condition(entity: Any, item: Filter) -> ColumnElement[bool]:
    """``item`` as a condition on ``entity``; to-one hops become ``EXISTS``."""
    head, _, rest = item.path.partition(".")
    mapper, prop = _step(entity, head)
    attribute = getattr(entity, head)
    if rest:
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            raise PlanError(mapper.class_.__name__, head, "is not a to-one relationship")
        inner = filter_condition(prop.mapper.class_, Filter(rest, item.op, item.value))
        condition: ColumnElement[bool] = attribute.has(inner)
        return condition
    if not isinstance(prop, ColumnProperty):
        raise PlanError(mapper.class_.__name__, head, "is not a column")
    value = coerce_value(prop, item.value)
    result: ColumnElement[bool] = _COMPARISONS[item.op](attribute, value)
    return result


def _order_column(entity: Any, path: str) -> ColumnElement[Any]:
    head, _, rest = path.partition(".")
    mapper, prop = _step(entity, head)
    if not rest:
        if not isinstance(prop, ColumnProperty):
            raise PlanError(mapper.class_.__name__, head, "is not a column")
        column: ColumnElement[Any] = getattr(entity, head)
        return column
    if not isinstance(prop, RelationshipProperty) or prop.uselist or prop.secondary is not None:
        raise PlanError(mapper.class_.__name__, head, "is not a to-one relationship")
    inner = _order_column(prop.mapper.class_, rest)
    return select(inner).where(prop.primaryjoin).correlate(entity).scalar_subquery()


def order_expression(entity: Any, item: Order) -> ColumnElement[Any]:
    """``item`` as an ordering term; a to-one hop becomes a correlated subquery."""
    column = _order_column(entity, item.path)
    return column.desc() if item.descending else column.asc()


def reversed_order(terms: list[Any]) -> list[Any]:
    """Each ordering term turned the other way (``a ASC`` → ``a DESC``)."""
    out: list[Any] = []
    for term in terms:
        modifier = getattr(term, "modifier", None)
        element = getattr(term, "element", term)
        if modifier is operators.desc_op:
            out.append(element.asc())
        elif modifier is operators.asc_op:
            out.append(element.desc())
        else:
            out.append(term.desc())
    return out
