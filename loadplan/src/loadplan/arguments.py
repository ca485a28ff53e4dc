"""Turn list arguments (filters and ordering by dotted paths) into SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, inspect, not_, or_, select
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty
from sqlalchemy.sql import operators

from loadplan.errors import PlanError
from loadplan.mapping import coerce_value, to_one_by_foreign_key
from loadplan.selection import (
    Arguments,
    Connective,
    Filter,
    FilterGroup,
    NullsPlacement,
    Operator,
    Order,
)

_COMPARISONS: dict[Operator, Any] = {
    Operator.EQ: lambda c, v: c == v,
    Operator.NE: lambda c, v: c != v,
    Operator.LT: lambda c, v: c < v,
    Operator.LE: lambda c, v: c <= v,
    Operator.GT: lambda c, v: c > v,
    Operator.GE: lambda c, v: c >= v,
    Operator.IN: lambda c, v: c.in_(list(v)),
    Operator.NOT_IN: lambda c, v: c.not_in(list(v)),
    Operator.IEXACT: lambda c, v: func.lower(c) == func.lower(v),
    Operator.CONTAINS: lambda c, v: c.contains(v, autoescape=True),
    Operator.ICONTAINS: lambda c, v: c.icontains(v, autoescape=True),
    Operator.STARTSWITH: lambda c, v: c.startswith(v, autoescape=True),
    Operator.ISTARTSWITH: lambda c, v: c.istartswith(v, autoescape=True),
    Operator.ENDSWITH: lambda c, v: c.endswith(v, autoescape=True),
    Operator.IENDSWITH: lambda c, v: c.iendswith(v, autoescape=True),
    Operator.RANGE: lambda c, v: c.between(*_bounds(v)),
    Operator.IS_NULL: lambda c, v: c.is_(None) if v else c.is_not(None),
}


def _bounds(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise PlanError("", "range", f"takes two bounds, not {value!r}")
    return value[0], value[1]


_CONNECTIVES: dict[Connective, Any] = {
    Connective.AND: and_,
    Connective.OR: or_,
    Connective.NOT: lambda *conditions: not_(and_(*conditions)),
}


def _step(entity: Any, name: str) -> tuple[Mapper[Any], Any]:
    mapper: Mapper[Any] = inspect(entity).mapper
    prop = mapper.attrs.get(name)
    if prop is None:
        raise PlanError(mapper.class_.__name__, name, "is not an attribute of this model")
    return mapper, prop


def filter_condition(entity: Any, item: Filter | FilterGroup) -> ColumnElement[bool]:
    """``item`` as a condition on ``entity``; to-one hops become ``EXISTS``."""
    if isinstance(item, FilterGroup):
        combined: ColumnElement[bool] = _CONNECTIVES[item.connective](
            *(filter_condition(entity, inner) for inner in item.items)
        )
        return combined
    head, _, rest = item.path.partition(".")
    mapper, prop = _step(entity, head)
    attribute = getattr(entity, head)
    if not rest and item.op is Operator.IS_NULL and isinstance(prop, RelationshipProperty):
        if prop.uselist:
            raise PlanError(mapper.class_.__name__, head, "is not a to-one relationship")
        return _absent(entity, prop) if item.value else not_(_absent(entity, prop))
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


def _absent(entity: Any, prop: RelationshipProperty[Any]) -> ColumnElement[bool]:
    """Rows of ``entity`` without a row on the to-one ``prop``: where a
    local foreign key alone joins it, a NULL in that key (the ORM loads
    nothing then, and no subquery is read); else no related row
    (``NOT EXISTS``)."""
    keys = to_one_by_foreign_key(prop)
    if keys is None:
        related: ColumnElement[bool] = getattr(entity, prop.key).has()
        return not_(related)
    return or_(*(getattr(entity, key).is_(None) for key in keys))


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


def order_terms(entity: Any, orders: Iterable[Order]) -> list[ColumnElement[Any]]:
    """``orders`` as ordering terms; a to-one hop becomes a correlated
    subquery. An order with a NULLS placement gets a term ranking NULL
    before (or after) every value first: MySQL and MariaDB have no ``NULLS
    FIRST``/``LAST``, the extra term works on every dialect, and it turns
    the other way with the rest when a page is counted from the end."""
    terms: list[ColumnElement[Any]] = []
    for item in orders:
        column = _order_column(entity, item.path)
        if item.nulls is not None:
            first = item.nulls is NullsPlacement.FIRST
            terms.append(case((column.is_(None), 0 if first else 1), else_=1 if first else 0).asc())
        terms.append(column.desc() if item.descending else column.asc())
    return terms


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


def seek_conditions(entity: Any, arguments: Arguments) -> list[ColumnElement[bool]]:
    """The conditions of ``arguments.seek`` on ``entity``: the rows after its
    ``after`` and before its ``before`` in ``arguments.order_by`` (none
    without a seek)."""
    return [c for c in seek_bounds(entity, arguments) if c is not None]


def seek_bounds(
    entity: Any, arguments: Arguments
) -> tuple[ColumnElement[bool] | None, ColumnElement[bool] | None]:
    """The rows after ``arguments.seek.after`` and the rows before its
    ``before``, as conditions on ``entity`` (``None`` for a bound not given)."""
    seek = arguments.seek
    if seek is None:
        return None, None
    columns = [_order_column(entity, item.path) for item in arguments.order_by]
    after = before = None
    if seek.after is not None:
        after = _beyond(columns, arguments.order_by, seek.after, forward=True)
    if seek.before is not None:
        before = _beyond(columns, arguments.order_by, seek.before, forward=False)
    return after, before


def _beyond(
    columns: Sequence[ColumnElement[Any]],
    orders: Sequence[Order],
    values: Sequence[Any],
    *,
    forward: bool,
) -> ColumnElement[bool]:
    """Rows after (``forward``) or before ``values`` in ``orders``: the row
    value comparison ``(a, b, c) > (x, y, z)`` written out as ``a > x OR (a
    = x AND (b > y OR ...))``, which every dialect runs and which lets each
    key sort its own way (ASC or DESC) and place its NULLs: a NULL key
    equals NULL and lies before or after every value, by ``IS NULL``
    branches, as the ordering's explicit placement puts it."""
    if len(values) != len(orders):
        raise PlanError("", "seek", f"has {len(values)} values for {len(orders)} ordering keys")
    branches: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for column, item, value in zip(columns, orders, values, strict=True):
        step = _step_past(column, item, value, forward)
        if step is not None:
            branches.append(and_(*equal, step))
        equal.append(column.is_(None) if value is None else column == value)
    if not branches:
        return false()
    bound = _leading_bound(columns[0], orders[0], values[0], forward)
    return or_(*branches) if bound is None else and_(bound, or_(*branches))


def _leading_bound(
    column: ColumnElement[Any], item: Order, value: Any, forward: bool
) -> ColumnElement[bool] | None:
    """``a >= x`` (or ``<=``) for the first key: implied by the branches,
    but a range an index on the ordering can seek to, where databases read
    the ``OR`` of the branches as a filter over every row before it. None
    where NULLs lie past a non-NULL value (the range would drop them)."""
    if value is None or item.nulls is (NullsPlacement.LAST if forward else NullsPlacement.FIRST):
        return None
    bound: ColumnElement[bool] = column >= value if forward != item.descending else column <= value
    return bound


def _step_past(
    column: ColumnElement[Any], item: Order, value: Any, forward: bool
) -> ColumnElement[bool] | None:
    """Where ``column`` lies past ``value`` in ``item``'s direction (after
    it if ``forward``, else before it); ``None`` where nothing can (past a
    NULL placed at that end)."""
    nulls_past = item.nulls is (NullsPlacement.LAST if forward else NullsPlacement.FIRST)
    if value is None:
        return None if nulls_past or item.nulls is None else column.is_not(None)
    greater = forward != item.descending
    compared: ColumnElement[bool] = column > value if greater else column < value
    return or_(compared, column.is_(None)) if nulls_past else compared
