"""Facts about the SQLAlchemy mapping that planning and execution both need.

What the mapper of a class is, which columns join a relationship's two
sides, what a dotted filter or order path walks through, and which Python
type a column holds are questions about the models, not about a request.
They live here, below both :mod:`loadplan.planner` and
:mod:`loadplan.execution`, so that neither imports the other for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import JSON, ColumnElement, TypeDecorator, inspect
from sqlalchemy.orm import MANYTOONE, ONETOMANY, ColumnProperty, Mapper, RelationshipProperty
from sqlalchemy.orm.exc import UnmappedColumnError
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BooleanClauseList
from sqlalchemy.sql.operators import and_ as and_operator
from sqlalchemy.sql.schema import Column, Index, Table, UniqueConstraint
from sqlalchemy.types import TypeEngine

from loadplan.errors import PlanError
from loadplan.selection import Arguments, Filter, FilterGroup, Operator
from loadplan.state import register

__all__ = [
    "KeyPairs",
    "attribute_keys",
    "check_arguments",
    "coerce_value",
    "discriminator_expression",
    "discriminator_key",
    "distinct_per_parent",
    "extra_join_criteria",
    "key_pairs",
    "mapper_of",
    "primary_key",
    "python_type",
    "relationship_of",
]


def mapper_of(cls: type[Any]) -> Mapper[Any]:
    """The mapper of a mapped class (or of an alias of one)."""
    mapper: Mapper[Any] = inspect(cls).mapper
    return mapper


def relationship_of(cls: type[Any], key: str) -> RelationshipProperty[Any]:
    """The relationship ``key`` of ``cls``."""
    return mapper_of(cls).relationships[key]


def primary_key(cls: type[Any]) -> tuple[str, ...]:
    """The attribute names of ``cls``'s primary key columns, in key order."""
    mapper = mapper_of(cls)
    return tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)


def discriminator_key(mapper: Mapper[Any]) -> str | None:
    """The attribute holding the polymorphic identity of ``mapper``'s rows,
    or ``None`` when there is none: no polymorphism, or an identity computed
    by an SQL expression (a ``CASE`` over one ``EXISTS`` per child table, as
    Django's multi-table inheritance maps), which the class has no attribute
    for. The ORM selects such an expression with every polymorphic load on
    its own; the row mode selects :func:`discriminator_expression`."""
    if mapper.polymorphic_on is None:
        return None
    key = mapper.get_property_by_column(mapper.polymorphic_on).key
    return key if hasattr(mapper.class_, key) else None


def discriminator_expression(mapper: Mapper[Any], entity: Any) -> ColumnElement[Any] | None:
    """The polymorphic identity of ``mapper``'s rows as selected from
    ``entity`` (the class or an alias of it), when it is an SQL expression
    rather than a column attribute (see :func:`discriminator_key`)."""
    if mapper.polymorphic_on is None or discriminator_key(mapper) is not None:
        return None
    expression: ColumnElement[Any] = mapper.polymorphic_on
    info = inspect(entity)
    if info.is_aliased_class:
        # The alias's own adapter: the expression's base table becomes the
        # alias, as for any attribute of the aliased class.
        adapted: ColumnElement[Any] = info._adapt_element(expression)
        return adapted
    return expression


@dataclass(frozen=True)
class KeyPairs:
    """Parent attribute keys and the matching child-side columns.

    For a plain relationship the child-side columns live on the child's table;
    for one through a ``secondary`` table they live on that table, and
    ``child_keys`` hold the child's own side of the secondary join.
    """

    parent_keys: tuple[str, ...]
    remote_columns: tuple[ColumnElement[Any], ...]
    child_keys: tuple[str, ...]


def attribute_keys(mapper: Mapper[Any], columns: Iterable[Any]) -> tuple[str, ...]:
    """The attribute names of ``columns`` on ``mapper``, each once."""
    keys: list[str] = []
    for column in columns:
        prop = mapper.get_property_by_column(column)
        if prop.key not in keys:
            keys.append(prop.key)
    return tuple(keys)


@cache
def key_pairs(prop: RelationshipProperty[Any]) -> KeyPairs:
    """The columns joining ``prop``'s parents to its children.

    A batched child row must carry the key that points back to its parent,
    and a joined or batched load needs the parent's side of the join:
    leaving either out is the classic "every row refetches" bug of other
    optimizers. Worked out once per relationship: the planner and every
    batched load of a request ask for them.
    """
    parent: Mapper[Any] = prop.parent
    child: Mapper[Any] = prop.mapper
    if prop.secondary is not None:
        pairs = list(prop.synchronize_pairs)
        child_pairs = list(prop.secondary_synchronize_pairs or ())
        return KeyPairs(
            parent_keys=attribute_keys(parent, [local for local, _ in pairs]),
            remote_columns=tuple(remote for _, remote in pairs),
            child_keys=attribute_keys(child, [local for local, _ in child_pairs]),
        )
    pairs = list(prop.local_remote_pairs or ())
    remote = [r for _, r in pairs]
    return KeyPairs(
        parent_keys=attribute_keys(parent, [local for local, _ in pairs]),
        remote_columns=tuple(remote),
        child_keys=attribute_keys(child, remote),
    )


@cache
def extra_join_criteria(prop: RelationshipProperty[Any]) -> tuple[ColumnElement[bool], ...]:
    """Conditions of a custom ``primaryjoin`` beyond its key pairs, which a
    batched statement over the child alone must still apply (e.g. a
    project's *active* sequences). Conditions on the parent's other columns
    cannot be applied per batch and are refused. Found once per relationship
    (walking the join condition is not free, and every batch asks)."""
    terms = _conjuncts(prop.primaryjoin)
    parent_table = prop.parent.local_table
    if prop.secondary is not None or parent_table is prop.target:
        return ()
    pairs = {(local, remote) for local, remote in prop.local_remote_pairs or ()}
    extra: list[ColumnElement[bool]] = []
    for term in terms:
        columns = {e for e in visitors.iterate(term) if isinstance(e, Column)}
        on_parent = {c for c in columns if c.table is parent_table}
        if not on_parent:
            extra.append(term)
        elif not on_parent <= {local for local, _ in pairs}:
            raise PlanError(
                prop.parent.class_.__name__,
                prop.key,
                "has a join condition on the parent that a per-parent list cannot apply",
            )
    return tuple(extra)


@cache
def distinct_per_parent(prop: RelationshipProperty[Any], path: str) -> bool:
    """Whether no two rows of the one-to-many ``prop`` under one parent can
    hold equal values at ``path`` (a column of the row, or of the one to-one
    it walks first): the path holds no NULL, the value is unique in its own
    table when reached through a to-one, and a unique key of the rows' table
    lies within the columns equal to the parent's key and the path's own
    (a task's type per entity, say, under a unique entity and type pair).
    Found from the tables' declared constraints; anything else is ``False``."""
    if prop.secondary is not None or prop.direction is not ONETOMANY:
        return False
    item = prop.mapper
    table = item.local_table
    if item.inherits is not None or not isinstance(table, Table):
        return False
    *hops, last = path.split(".")
    covered = {c for c in prop.remote_side if isinstance(c, Column) and c.table is table}
    if len(hops) > 1:
        return False
    if hops:
        hop = item.relationships.get(hops[0])
        if hop is None or hop.uselist or hop.secondary is not None:
            return False
        local = [left for left, _ in hop.local_remote_pairs or ()]
        if not local or not all(
            isinstance(c, Column) and c.table is table and not c.nullable for c in local
        ):
            return False
        value = _plain_column(hop.mapper, last)
        if value is None or not isinstance(value.table, Table) or not _unique(value.table, {value}):
            return False
        covered |= {c for c in local if isinstance(c, Column)}
    else:
        value = _plain_column(item, last)
        if value is None or value.table is not table:
            return False
        covered.add(value)
    return _unique(table, covered)


def _plain_column(mapper: Mapper[Any], name: str) -> Column[Any] | None:
    """The table column (not NULL) mapped as ``name``, if it is one."""
    prop = mapper.column_attrs.get(name)
    if prop is None or len(prop.columns) != 1:
        return None
    column = prop.columns[0]
    return column if isinstance(column, Column) and not column.nullable else None


def _unique(table: Table, columns: set[Column[Any]]) -> bool:
    """Whether a unique key of ``table`` lies within ``columns``."""
    keys: list[set[Any]] = [set(table.primary_key.columns)]
    keys += [set(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [set(i.columns) for i in table.indexes if isinstance(i, Index) and i.unique]
    keys += [{c} for c in table.columns if c.unique]
    return any(key and key <= columns for key in keys)


class _Cleared:
    """A ``functools.cache`` as a registered cache."""

    def __init__(self, clear: Callable[[], None]) -> None:
        self.clear = clear


def python_type(column_type: TypeEngine[Any]) -> type[Any] | None:
    """The Python type values of ``column_type`` have, or ``None`` when the
    type does not say.

    A ``TypeDecorator`` is asked for the type it stores: SQLAlchemy 2.0
    raises ``NotImplementedError`` for its ``python_type``, 2.1 answers
    ``object``; neither is the type of the values (an aware ``datetime``
    for a UTC timestamp decorator). A JSON value may be of any JSON type,
    whatever SQLAlchemy says (2.0 answers ``dict``).
    """
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, JSON):
        return None
    try:
        found = column_type.python_type
    except NotImplementedError:
        return None
    return found if isinstance(found, type) and found is not object else None


def coerce_value(prop: ColumnProperty[Any], value: Any) -> Any:
    """A filter value as the column compares it: integer keys arrive as
    strings from GraphQL ``ID`` inputs. Raises :class:`PlanError` for text
    that is not an integer."""
    if python_type(prop.columns[0].type) is not int:
        return value
    if isinstance(value, str):
        return _to_int(prop, value)
    if isinstance(value, list | tuple):
        return [_to_int(prop, v) if isinstance(v, str) else v for v in value]
    return value


def _to_int(prop: ColumnProperty[Any], value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise PlanError(
            prop.parent.class_.__name__, prop.key, f"{value!r} is not an integer"
        ) from None


def _step(mapper: Mapper[Any], name: str) -> Any:
    prop = mapper.attrs.get(name)
    if prop is None:
        raise PlanError(mapper.class_.__name__, name, "is not an attribute of this model")
    return prop


def filter_column(cls: type[Any], path: str) -> ColumnProperty[Any]:
    """The column a dotted filter path ends on; its hops must be to-one
    relationships (each becomes an ``EXISTS``)."""
    mapper, last = _filter_hops(cls, path)
    prop = _step(mapper, last)
    if not isinstance(prop, ColumnProperty):
        raise PlanError(mapper.class_.__name__, last, "is not a column")
    return prop


def _filter_hops(cls: type[Any], path: str) -> tuple[Mapper[Any], str]:
    """The mapper a dotted filter path's to-one hops lead to, and its last name."""
    mapper = mapper_of(cls)
    *hops, last = path.split(".")
    for hop in hops:
        prop = _step(mapper, hop)
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            raise PlanError(mapper.class_.__name__, hop, "is not a to-one relationship")
        mapper = prop.mapper
    return mapper, last


@cache
def to_one_by_foreign_key(prop: RelationshipProperty[Any]) -> tuple[str, ...] | None:
    """The attribute keys of the local foreign key that alone joins the
    to-one ``prop`` (a many-to-one whose join condition is its key pairs),
    so that a NULL in it means no related row; ``None`` for another to-one
    (a reverse one-to-one, a secondary table, a custom join condition)."""
    if prop.direction is not MANYTOONE or prop.secondary is not None:
        return None
    pairs = list(prop.local_remote_pairs or ())
    if len(_conjuncts(prop.primaryjoin)) != len(pairs):
        return None
    try:
        return attribute_keys(prop.parent, [local for local, _ in pairs])
    except UnmappedColumnError:
        return None


def _conjuncts(condition: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """The terms of a condition ``a AND b AND ...`` (itself if not one)."""
    if isinstance(condition, BooleanClauseList) and condition.operator is and_operator:
        return list(condition.clauses)
    return [condition]


def order_column(cls: type[Any], path: str) -> ColumnProperty[Any]:
    """The column a dotted order path ends on; its hops must be to-one
    relationships without a secondary table (each becomes a correlated
    subquery)."""
    mapper = mapper_of(cls)
    *hops, last = path.split(".")
    for hop in hops:
        prop = _step(mapper, hop)
        if not isinstance(prop, RelationshipProperty) or prop.uselist or prop.secondary is not None:
            raise PlanError(mapper.class_.__name__, hop, "is not a to-one relationship")
        mapper = prop.mapper
    prop = _step(mapper, last)
    if not isinstance(prop, ColumnProperty):
        raise PlanError(mapper.class_.__name__, last, "is not a column")
    return prop


def check_arguments(cls: type[Any], arguments: Arguments) -> None:
    """Raise :class:`PlanError` now for a filter or order path of
    ``arguments`` that does not resolve on ``cls``, or a filter value its
    column cannot compare, rather than when the statement using it is built."""
    for item in arguments.filters:
        for leaf in item.leaves() if isinstance(item, FilterGroup) else (item,):
            check_filter(cls, leaf)
    for order in arguments.order_by:
        order_column(cls, order.path)


def check_filter(cls: type[Any], item: Filter) -> None:
    """Raise :class:`PlanError` for a filter that cannot apply on ``cls``:
    only ``is_null`` may end on a relationship, a to-one."""
    if item.op is Operator.IS_NULL:
        mapper, last = _filter_hops(cls, item.path)
        prop = _step(mapper, last)
        if isinstance(prop, RelationshipProperty):
            if prop.uselist:
                raise PlanError(mapper.class_.__name__, last, "is not a to-one relationship")
            return
    coerce_value(filter_column(cls, item.path), item.value)


register("relationship key pairs", _Cleared(key_pairs.cache_clear))
register("custom join conditions", _Cleared(extra_join_criteria.cache_clear))
register("to-ones joined by a foreign key", _Cleared(to_one_by_foreign_key.cache_clear))
register("distinct keys per parent", _Cleared(distinct_per_parent.cache_clear))
