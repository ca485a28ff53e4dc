"""Declared projections: a related collection read as one value, built in SQL.

A grid row shows a map (task type → status) or a list of names drawn from a
collection. Written as a model property, that is Python for every related
row, on rows or objects loaded only to feed it. Declared here, it is one
correlated subquery aggregating the collection into a JSON array in the
database, in the declared order, decoded once per parent row into a list
(:func:`column_list`) or a dict (:func:`column_map`).

Both return a :class:`~loadplan.expressions.Computed`, so a projection loads
wherever a computed field does (``hint(annotate=...)`` on a response model
field, ``annotate=`` on a Strawberry field or a model property), in every
execution mode, with the row rules in force for the collection and for the
to-one rows its columns are read through.

Values travel as JSON: text and numbers come back as they are; a boolean is
``true``/``false`` on PostgreSQL and ``1``/``0`` elsewhere, and dates are
text, so a response model's own types parse those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, and_, func, inspect, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapper, RelationshipProperty, aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from loadplan.errors import PlanError
from loadplan.expressions import Computed
from loadplan.mapping import distinct_per_parent
from loadplan.rules import active_rules
from loadplan.state import Memo

__all__ = ["OrderTerm", "column_list", "column_map"]

#: A term of a projection's order: a dotted path from the related row (walking
#: to-one relationships; ``-`` in front for descending; NULL, or an absent
#: to-one, last, first when descending, on every dialect), or a callable
#: ``(item, parent, context) -> ORDER BY clause`` for anything else (a
#: position kept in a link table, say).
OrderTerm = str | Callable[[Any, Any, Any], ColumnElement[Any]]

#: A projected value: a dotted path from the related row, or a computed
#: expression of it (``Computed``, built for the related class).
Value = str | Computed

#: A condition on the related rows: ``(item, context) -> condition``.
Where = Callable[[Any, Any], ColumnElement[bool]]


class _JsonList(TypeDecorator[list[Any]]):
    """A JSON array; an empty collection aggregates to NULL on some dialects."""

    impl = JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> list[Any]:
        return [] if value is None else list(value)


class _JsonPairs(TypeDecorator[dict[Any, Any]]):
    """A JSON array of ``[key, value]`` pairs read as a dict in their order
    (a JSON object built in SQL keeps no order on MariaDB)."""

    impl = JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> dict[Any, Any]:
        return {} if value is None else dict(value)


class JsonArrayOf(ColumnElement[Any]):
    """The JSON array of ``value`` over the rows of ``rows``, in ``order``, as
    one scalar subquery: an aggregate with its own ``ORDER BY`` on PostgreSQL
    and MariaDB, an aggregate over an ordered subquery on SQLite (which has no
    ordered aggregates before 3.44). ``nested``: the values are JSON arrays
    themselves (kept as arrays, not quoted as text). ``unique_keys``: a map's
    keys cannot repeat among the rows (their tables' unique keys say so),
    so a writer needs no pass keeping one entry per key."""

    __visit_name__ = "loadplan_json_array_of"
    inherit_cache = True
    _traverse_internals = [
        ("rows", InternalTraversal.dp_clauseelement),
        ("value", InternalTraversal.dp_clauseelement),
        ("order", InternalTraversal.dp_clauseelement_tuple),
        ("nested", InternalTraversal.dp_boolean),
        ("unique_keys", InternalTraversal.dp_boolean),
    ]

    def __init__(
        self,
        rows: Select[Any],
        value: ColumnElement[Any],
        order: tuple[ColumnElement[Any], ...],
        nested: bool,
        type_: TypeDecorator[Any],
        unique_keys: bool = False,
    ) -> None:
        self.rows = rows
        self.value = value
        self.order = order
        self.nested = nested
        self.type = type_
        self.unique_keys = unique_keys


def _ordered_aggregate(element: JsonArrayOf, aggregate: Any) -> Select[Any]:
    aggregated = aggregate(element.value)
    if element.order:
        aggregated = aggregated.aggregate_order_by(*element.order)
    return element.rows.with_only_columns(aggregated, maintain_column_froms=True)


@compiles(JsonArrayOf, "postgresql")
def _postgresql(element: JsonArrayOf, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(_ordered_aggregate(element, func.json_agg).scalar_subquery(), **kw)


@compiles(JsonArrayOf, "mysql")
@compiles(JsonArrayOf, "mariadb")
def _mariadb(element: JsonArrayOf, compiler: SQLCompiler, **kw: Any) -> str:
    statement = _ordered_aggregate(element, func.json_arrayagg)
    return compiler.process(statement.scalar_subquery(), **kw)


@compiles(JsonArrayOf, "sqlite")
def _sqlite(element: JsonArrayOf, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite aggregates rows in the order its subquery gives them (an ORDER BY
    # there is kept: a subquery under an aggregate is not flattened). The
    # order terms are selected and ordered by name: a subquery inside ORDER BY
    # resolves only against its own query, so a term reading the parent row
    # (two levels up) must sit in the select list.
    terms = [_direction(term) for term in element.order]
    labels = [expression.label(f"order_{i}") for i, (expression, _) in enumerate(terms)]
    rows = element.rows.with_only_columns(element.value.label("value"), *labels).order_by(
        *(
            label.desc() if descending else label
            for label, (_, descending) in zip(labels, terms, strict=True)
        )
    )
    inner = rows.subquery()
    # A JSON value read back from a subquery is text again: json() re-reads it.
    item = func.json(inner.c.value) if element.nested else inner.c.value
    return compiler.process(select(func.json_group_array(item)).scalar_subquery(), **kw)


def _direction(term: ColumnElement[Any]) -> tuple[ColumnElement[Any], bool]:
    """An ORDER BY term as its expression and whether it is descending."""
    if isinstance(term, UnaryExpression) and term.modifier in (operators.desc_op, operators.asc_op):
        return term.element, term.modifier is operators.desc_op
    return term, False


@compiles(JsonArrayOf)
def _unsupported(element: JsonArrayOf, compiler: SQLCompiler, **kw: Any) -> str:
    raise PlanError("projection", compiler.dialect.name, "has no JSON aggregation loadplan knows")


_aliases: Memo[tuple[Any, str], Any] = Memo("projection join aliases")
"""The alias each to-one a projection's path walks is joined under, per
class (or alias) it is walked from: kept, because a projection is built per
request (its conditions may read the request) and a new alias builds each
of its columns again (a grid's status map spent more time there than in
the rest of its request's Python)."""


class _Collection:
    """The correlated rows of one relationship of ``parent``, with the to-one
    rows its paths walk outer-joined (once per path, under the rules in force)."""

    def __init__(self, parent: Any, relationship: str, context: Any) -> None:
        parent_mapper: Mapper[Any] = inspect(parent).mapper
        prop = parent_mapper.relationships.get(relationship)
        if prop is None or not prop.uselist:
            raise PlanError(parent_mapper.class_.__name__, relationship, "is not a collection")
        if prop.mapper.common_parent(parent_mapper):
            raise PlanError(
                parent_mapper.class_.__name__, relationship, "is self-referential: not projectable"
            )
        self.parent = parent
        self.item: Any = prop.mapper.class_
        self.context = context
        self.prop = prop
        self.joins: dict[str, tuple[Any, Any]] = {}

    def column(self, path: str) -> ColumnElement[Any]:
        entity = self.item
        *hops, last = path.split(".")
        walked = ""
        for hop in hops:
            walked = f"{walked}.{hop}" if walked else hop
            if walked not in self.joins:
                self.joins[walked] = self._join(entity, hop, path)
            entity = self.joins[walked][0]
        mapper: Mapper[Any] = inspect(entity).mapper
        if last not in mapper.column_attrs:
            raise PlanError(mapper.class_.__name__, last, f"is not a column (in {path!r})")
        column: ColumnElement[Any] = getattr(entity, last)
        return column

    def _join(self, entity: Any, hop: str, path: str) -> tuple[Any, ColumnElement[bool]]:
        """The to-one ``hop`` of ``entity`` under an alias of its own, and the
        join condition (columns only: a relationship attribute in a join would
        not survive the ORM's copying of the enclosing statement)."""
        mapper: Mapper[Any] = inspect(entity).mapper
        prop = mapper.relationships.get(hop)
        if prop is None or prop.uselist or prop.secondary is not None:
            raise PlanError(mapper.class_.__name__, hop, f"is not a to-one (in {path!r})")
        target = _aliases.get((entity, hop), lambda: aliased(prop.mapper.class_))
        pairs = [
            getattr(entity, mapper.get_property_by_column(local).key)
            == getattr(target, prop.mapper.get_property_by_column(remote).key)
            for local, remote in prop.local_remote_pairs
        ]
        rules = active_rules(prop.mapper.class_, target)
        return target, and_(*pairs, *rules)

    def distinct(self, key: Value) -> bool:
        """Whether no two rows can hold equal values of ``key``: a column
        path the tables' unique keys make distinct per parent
        (:func:`~loadplan.mapping.distinct_per_parent`), through a to-one
        no rule restricts (a row a rule hides reads as NULL, and could
        repeat)."""
        if not isinstance(key, str) or not distinct_per_parent(self.prop, key):
            return False
        hops = key.split(".")[:-1]
        if not hops:
            return True
        target = self.joins[hops[0]][0]
        return not active_rules(inspect(target).mapper.class_, target)

    def value(self, value: Value) -> ColumnElement[Any]:
        return self.column(value) if isinstance(value, str) else value(self.item, self.context)

    def order(self, terms: Sequence[OrderTerm]) -> tuple[ColumnElement[Any], ...]:
        out: list[ColumnElement[Any]] = []
        for term in terms:
            if callable(term):
                out.append(term(self.item, self.parent, self.context))
                continue
            descending = term.startswith("-")
            path = term[1:] if descending else term
            column = self.column(path)
            keys = [column]
            if self._nullable(path):
                # NULL (or an absent to-one) last, first when descending, as
                # PostgreSQL orders them: SQLite and MariaDB put them first.
                keys.insert(0, column.is_(None))
            out += [key.desc() if descending else key for key in keys]
        return tuple(out)

    def _nullable(self, path: str) -> bool:
        """Whether ``path`` can read NULL: a nullable column, or one read
        through an outer-joined to-one."""
        *hops, last = path.split(".")
        if hops:
            return True
        nullable: bool = inspect(self.item).mapper.column_attrs[last].columns[0].nullable
        return nullable

    def rows(self, value: ColumnElement[Any], where: Iterable[Where]) -> Select[Any]:
        prop = self.prop
        stmt = select(value).select_from(self.item)
        if prop.secondary is not None and prop.secondaryjoin is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        for target, onclause in self.joins.values():
            stmt = stmt.outerjoin(target, onclause)
        conditions = [w(self.item, self.context) for w in where]
        conditions += active_rules(self.item, self.item)
        return stmt.where(self._correlation(prop), *conditions).correlate(self.parent)

    def _correlation(self, prop: RelationshipProperty[Any]) -> ColumnElement[bool]:
        """The relationship's join condition, on the parent's alias when it is one."""
        parent = inspect(self.parent)
        if not parent.is_aliased_class:
            return prop.primaryjoin
        adapted: ColumnElement[bool] = ClauseAdapter(parent.selectable).traverse(prop.primaryjoin)
        return adapted


def column_list(
    relationship: str,
    value: Value,
    *,
    order_by: Sequence[OrderTerm] = (),
    where: Iterable[Where] = (),
) -> Computed:
    """One column of a related collection, as a list in ``order_by`` order.

    ``column_list("assignees", "name", order_by=["name"])`` on a task is its
    assignees' names; ``value`` may walk to-ones (``"status.short_name"``) or
    be a computed expression of the related row. ``where`` callables
    ``(item, context) -> condition`` narrow the rows (row rules apply anyway).
    """
    where = tuple(where)
    order_by = tuple(order_by)

    def build(cls: type[Any], context: Any) -> ColumnElement[Any]:
        collection = _Collection(cls, relationship, context)
        item = collection.value(value)
        order = collection.order(order_by)
        rows = collection.rows(item, where)
        return JsonArrayOf(rows, item, order, nested=False, type_=_JsonList())

    return Computed(build, label=f"list({relationship}: {_label(value)})")


def column_map(
    relationship: str,
    key: Value,
    value: Value,
    *,
    order_by: Sequence[OrderTerm] = (),
    where: Iterable[Where] = (),
) -> Computed:
    """A dict built from a related collection, ``key`` column → ``value``
    column, its entries in ``order_by`` order (a later row with an equal key
    replaces an earlier one's value, as in a dict).

    ``column_map("tasks", "task_type.name", "status.short_name",
    order_by=["task_type.name"])`` is an entity's status per task type.
    """
    where = tuple(where)
    order_by = tuple(order_by)

    def build(cls: type[Any], context: Any) -> ColumnElement[Any]:
        collection = _Collection(cls, relationship, context)
        pair = _JsonPair(collection.value(key), collection.value(value))
        order = collection.order(order_by)
        rows = collection.rows(pair, where)
        unique_keys = collection.distinct(key)
        return JsonArrayOf(
            rows, pair, order, nested=True, type_=_JsonPairs(), unique_keys=unique_keys
        )

    return Computed(build, label=f"map({relationship}: {_label(key)} -> {_label(value)})")


class _JsonPair(ColumnElement[Any]):
    """A two-element JSON array: ``json_build_array`` on PostgreSQL,
    ``json_array`` on SQLite and MariaDB."""

    __visit_name__ = "loadplan_json_pair"
    inherit_cache = True
    _traverse_internals = [
        ("first", InternalTraversal.dp_clauseelement),
        ("second", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, first: ColumnElement[Any], second: ColumnElement[Any]) -> None:
        self.first = first
        self.second = second
        self.type = JSON()


@compiles(_JsonPair, "postgresql")
def _pair_postgresql(element: _JsonPair, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.json_build_array(element.first, element.second), **kw)


@compiles(_JsonPair)
def _pair_default(element: _JsonPair, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.json_array(element.first, element.second), **kw)


def _label(value: Value) -> str:
    return value if isinstance(value, str) else value.label
