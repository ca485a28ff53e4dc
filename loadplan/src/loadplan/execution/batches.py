"""loadplan's own batched statement: one relationship level for many parents.

SQLAlchemy's selectinload cannot page per parent, order differently from the
relationship, or load one relationship twice with different filters; the
row mode needs a statement of plain columns. A :class:`Batch` loads a level
for all of its parents at once, in one of three forms (:func:`batch_statement`
picks one):

- a plain batch, ``WHERE key IN (:parents) ORDER BY key, ...``: no page;
- ranked pages, for pages of many parents::

    SELECT child.*, k, total, rn FROM child JOIN (
        SELECT child.pk, fk AS k,
               ROW_NUMBER() OVER (PARTITION BY fk ORDER BY ...) AS rn,
               COUNT(*) OVER (PARTITION BY fk) AS total
        FROM child WHERE fk IN (:parents) AND <filters>) AS ranked
      ON child.pk = ranked.pk
    WHERE rn > :offset AND rn <= :offset + :limit

  (a parent whose page lies past the end of its list sends its last row as
  a marker of its total, so an empty page costs no extra count;
  ``COUNT(*)`` only where a front end reads totals);
- one parent's page, ``WHERE fk = :parent ORDER BY ... LIMIT``, which an
  index on (parent key, order) answers from its first rows, its total (when
  counted) a scalar subquery.

A keyset page (``Arguments.seek``) puts its bounds in the ``WHERE`` of
these forms when no total is read. When one is, the bounds must not
restrict the count: each parent's rows are ranked and counted whole, and
the rank of a row is taken relative to the last row before the page
(``ROW_NUMBER() - SUM(CASE WHEN <after the cursor> THEN 0 ELSE 1 END)``,
the rows after a cursor being the end of the list), so the page is ranks
1 to the limit as for an offset of 0, every parent sending its first row
to carry its total.

Window functions run on SQLite 3.25+, PostgreSQL and MariaDB 10.2+. Built
statements are kept across requests (:mod:`loadplan.execution.statement_cache`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import RelationshipProperty, Session
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import UnaryExpression

from loadplan.arguments import (
    filter_condition,
    order_terms,
    reversed_order,
    seek_bounds,
    seek_conditions,
)
from loadplan.execution.binding import Binding
from loadplan.execution.entities import adapted, criteria_for, entity_for
from loadplan.execution.parent_keys import PARENT_KEYS, ParentKeysIn
from loadplan.execution.rows.raw import RawRows
from loadplan.execution.statement_cache import StatementCache, value_key
from loadplan.mapping import KeyPairs, extra_join_criteria, key_pairs, relationship_of
from loadplan.plans import RelationshipPlan
from loadplan.selection import Arguments
from loadplan.state import register

__all__ = [
    "PARENT_KEY",
    "Batch",
    "batch_statement",
    "cached_batch_statement",
    "complete_keys",
    "fetch",
    "key_getter",
]

PARENT_KEY = "lp_parent_key"
"""Prefix of the parameters carrying the key of a single parent."""


def key_getter(positions: Sequence[Any]) -> Callable[[Any], Any]:
    """Reads a parent key out of a row or a row dict at ``positions``: the
    value itself for a one-column key (the usual case, with no tuple built
    per row), a tuple for a composite one."""
    return itemgetter(*positions)


def complete_keys(keys: Iterable[Any], width: int) -> list[Any]:
    """``keys`` without those that miss a column (no parent to load for),
    sorted and each once."""
    if width == 1:
        return sorted({k for k in keys if k is not None})
    return sorted({k for k in keys if None not in k})


@dataclass(frozen=True)
class Batch:
    """The batched statement of one relationship level, for any parents.

    ``stmt`` selects ``head`` (an entity, or plain columns in row mode), then
    the parent key columns, then the total (``total_column``) and the row
    number (``ranked``). ``counted`` says whether totals are wanted at all
    (without a page, a list's total is its length). The parent keys are
    bound at execution as ``PARENT_KEYS``, or, for the ``single`` parent's
    page, each as ``PARENT_KEY<i>``. A ``raw`` batch selects them as one
    :class:`RawRows` bundle: its rows are plain tuples.
    """

    stmt: Select[Any]
    pairs: KeyPairs
    head_width: int
    key_width: int
    counted: bool
    total_column: bool
    ranked: bool
    offset: int
    raw: bool
    single: bool
    empty: bool = False
    """A page of no row (``limit`` 0): its rows only carry totals."""

    def parameters(self, keys: Sequence[Any]) -> dict[str, Any]:
        """The statement's parameters for ``keys`` (the only one, if ``single``)."""
        if self.single:
            values = keys[0] if self.key_width > 1 else (keys[0],)
            return {f"{PARENT_KEY}{i}": v for i, v in enumerate(values)}
        return {PARENT_KEYS: list(keys)}

    @cached_property
    def key_of(self) -> Callable[[Any], Any]:
        """Reads a row's parent key (see :func:`key_getter`)."""
        return key_getter(range(self.head_width, self.head_width + self.key_width))


@dataclass(frozen=True)
class _Shape:
    """What every form of a batch shares: what it selects and joins, the
    rows' conditions and order, and the parent key columns."""

    prop: RelationshipProperty[Any]
    entity: Any
    head: Sequence[Any]
    joins: Sequence[tuple[Any, Any]]
    raw: bool
    arguments: Arguments
    conditions: list[Any]
    order: list[Any]
    pk: list[Any]

    @property
    def remote(self) -> list[ColumnElement[Any]]:
        return list(key_pairs(self.prop).remote_columns)

    @property
    def keys(self) -> list[ColumnElement[Any]]:
        return [key.label(f"lp_k{i}") for i, key in enumerate(self.remote)]

    @property
    def offset(self) -> int:
        return self.arguments.offset or 0

    @property
    def total_column(self) -> bool:
        return self.arguments.paginated and self.arguments.counted

    def selecting(self, *columns: Any) -> Select[Any]:
        return select(RawRows("lp_row", *columns)) if self.raw else select(*columns)

    def source(self, stmt: Select[Any]) -> Select[Any]:
        stmt = stmt.select_from(self.entity)
        if self.prop.secondary is not None:
            stmt = stmt.join(self.prop.secondary, self.prop.secondaryjoin)
        return stmt

    def joined(self, stmt: Select[Any]) -> Select[Any]:
        for target, onclause in self.joins:
            stmt = stmt.outerjoin(target, onclause)
        return stmt

    def batch(self, stmt: Select[Any], total_column: bool, ranked: bool, single: bool) -> Batch:
        return Batch(
            stmt,
            key_pairs(self.prop),
            len(self.head),
            len(self.remote),
            self.arguments.counted,
            total_column,
            ranked,
            self.offset,
            self.raw,
            single,
            self.arguments.limit == 0,
        )


def batch_statement(
    rel: RelationshipPlan,
    binding: Binding,
    arguments: Arguments,
    head: Sequence[Any],
    joins: Sequence[tuple[Any, Any]] = (),
    *,
    raw: bool = False,
    single: bool = False,
    criteria: Sequence[Any] | None = None,
) -> Batch:
    """The statement loading ``rel`` with ``arguments`` for a batch of
    parents, or for a ``single`` one: ``head`` first (outer-joining
    ``joins`` for columns of joined to-ones, in row mode), the rows
    restricted by ``criteria`` (the target's row conditions, built here
    unless given). A counted page past the start of a single parent's list
    keeps the ranked form, whose marker row carries the total even when the
    page lies past the end."""
    prop = relationship_of(rel.owner, rel.key)
    entity = entity_for(rel.target)
    remote = list(key_pairs(prop).remote_columns)
    paginated = arguments.paginated
    seeking = arguments.seek is not None
    limited = (
        paginated
        and single
        and not (arguments.counted and (arguments.offset or arguments.limit == 0 or seeking))
    )
    if limited:
        in_batch: ColumnElement[bool] = and_(
            *[c == bindparam(f"{PARENT_KEY}{i}") for i, c in enumerate(remote)]
        )
    elif len(remote) == 1:
        in_batch = ParentKeysIn(remote[0])
    else:
        in_batch = tuple_(*remote).in_(bindparam(PARENT_KEYS, expanding=True))
    conditions: list[Any] = [in_batch, *extra_join_criteria(prop)]
    conditions += [filter_condition(entity, f) for f in arguments.filters]
    conditions += adapted(entity, arguments.conditions)
    conditions += criteria if criteria is not None else criteria_for(rel.target, entity, binding)
    order = adapted(entity, arguments.ordering) + order_terms(entity, arguments.order_by)
    if not order and prop.order_by:
        order = list(prop.order_by)
    target_mapper = prop.mapper
    pk = [
        getattr(entity, target_mapper.get_property_by_column(c).key)
        for c in target_mapper.primary_key
    ]
    order += [c for c in pk if not any(c.compare(_ordered_column(term)) for term in order)]
    if arguments.reverse:
        order = reversed_order(order)
    if seeking and not arguments.counted:
        conditions += seek_conditions(entity, arguments)
    shape = _Shape(prop, entity, head, joins, raw, arguments, conditions, order, pk)
    if limited:
        return _one_parent_page(shape)
    if seeking and arguments.counted:
        return _counted_keyset_pages(shape, entity)
    if paginated:
        return _ranked_pages(shape)
    return _plain_batch(shape)


def _plain_batch(shape: _Shape) -> Batch:
    """Every child of the parents, by parent key then the list's order."""
    stmt = shape.joined(shape.source(shape.selecting(*shape.head, *shape.keys)))
    stmt = stmt.where(*shape.conditions).order_by(*shape.remote, *shape.order)
    return shape.batch(stmt, total_column=False, ranked=False, single=False)


def _one_parent_page(shape: _Shape) -> Batch:
    """One parent's page with ``ORDER BY ... LIMIT``; its total, when
    counted, a scalar subquery."""
    total: list[ColumnElement[Any]] = []
    if shape.total_column:
        count = shape.source(select(func.count())).where(*shape.conditions)
        total = [count.correlate(None).scalar_subquery().label("lp_total")]
    stmt = shape.joined(shape.source(shape.selecting(*shape.head, *shape.keys, *total)))
    stmt = stmt.where(*shape.conditions).order_by(*shape.order).offset(shape.offset or None)
    stmt = stmt.limit(shape.arguments.limit)
    return shape.batch(stmt, total_column=shape.total_column, ranked=False, single=True)


def _ranked_pages(shape: _Shape) -> Batch:
    """Each parent's page, by ``ROW_NUMBER()`` per parent (and its total by
    ``COUNT(*)`` per parent, when counted)."""
    remote, offset, total_column = shape.remote, shape.offset, shape.total_column
    counts = [func.count().over(partition_by=remote).label("lp_total")] if total_column else []
    ranked = (
        shape.source(
            select(
                *[c.label(f"lp_pk{i}") for i, c in enumerate(shape.pk)],
                *shape.keys,
                func.row_number().over(partition_by=remote, order_by=shape.order).label("lp_rn"),
                *counts,
            )
        )
        .where(*shape.conditions)
        .subquery("lp_ranked")
    )
    rn = _of(ranked, "lp_rn", Integer())
    total = [_of(ranked, "lp_total", Integer())] if total_column else []
    page = rn > offset
    if shape.arguments.limit is not None:
        page = and_(page, rn <= offset + shape.arguments.limit)
    ranked_keys = [_of(ranked, f"lp_k{i}", c.type) for i, c in enumerate(remote)]
    same_row = and_(*[c == _of(ranked, f"lp_pk{i}", c.type) for i, c in enumerate(shape.pk)])
    stmt = shape.selecting(*shape.head, *ranked_keys, *total, rn).order_by(*ranked_keys, rn)
    empty = shape.arguments.limit == 0
    if total_column and (offset or empty):
        # A parent whose page lies past the end of its list (or is a page
        # of no row) still sends its last row, carrying the total, with the
        # child's columns left NULL by the outer join: no object, no eager
        # load, no count query.
        marker = rn == total[0] if empty else and_(rn == total[0], total[0] <= offset)
        stmt = (
            stmt.select_from(ranked)
            .outerjoin(shape.entity, and_(same_row, page))
            .where(or_(page, marker))
        )
    else:
        stmt = stmt.select_from(shape.entity).join(ranked, same_row).where(page)
    stmt = shape.joined(stmt)
    return shape.batch(stmt, total_column=total_column, ranked=True, single=False)


def _counted_keyset_pages(shape: _Shape, entity: Any) -> Batch:
    """Each parent's keyset page with its total: its rows ranked and counted
    whole (the bounds left out of the ``WHERE``), each row's rank taken from
    the last row before the page; the first row of every parent carries
    its total, even when its page is empty."""
    remote, arguments = shape.remote, shape.arguments
    after, before = seek_bounds(entity, arguments)
    # Read from the end (``last``), the page starts before ``before``.
    start, stop = (before, after) if arguments.reverse else (after, before)
    ranked = (
        shape.source(
            select(
                *[c.label(f"lp_pk{i}") for i, c in enumerate(shape.pk)],
                *shape.keys,
                func.row_number().over(partition_by=remote, order_by=shape.order).label("lp_at"),
                func.sum(1 - _flag(start)).over(partition_by=remote).label("lp_skip"),
                _flag(stop).label("lp_in"),
                func.count().over(partition_by=remote).label("lp_total"),
            )
        )
        .where(*shape.conditions)
        .subquery("lp_ranked")
    )
    at = _of(ranked, "lp_at", Integer())
    inside = _of(ranked, "lp_in", Integer()) == 1
    rn = cast(case((inside, at - _of(ranked, "lp_skip", Integer())), else_=0), Integer())
    page = rn > 0
    if arguments.limit is not None:
        page = and_(page, rn <= arguments.limit)
    ranked_keys = [_of(ranked, f"lp_k{i}", c.type) for i, c in enumerate(remote)]
    same_row = and_(*[c == _of(ranked, f"lp_pk{i}", c.type) for i, c in enumerate(shape.pk)])
    stmt = (
        shape.selecting(*shape.head, *ranked_keys, _of(ranked, "lp_total", Integer()), rn)
        .order_by(*ranked_keys, at)
        .select_from(ranked)
        .outerjoin(shape.entity, and_(same_row, page))
        .where(or_(page, at == 1))
    )
    return shape.batch(shape.joined(stmt), total_column=True, ranked=True, single=False)


def _flag(condition: ColumnElement[bool] | None) -> ColumnElement[Any]:
    """1 where ``condition`` holds (always, without one), else 0."""
    if condition is None:
        return literal_column("1", Integer())
    return case((condition, 1), else_=0)


_batches: StatementCache[Batch] = register("batched statements", StatementCache(512))


def cached_batch_statement(
    rel: RelationshipPlan,
    binding: Binding,
    arguments: Arguments,
    head: Sequence[Any],
    joins: Sequence[tuple[Any, Any]],
    built: Sequence[Any],
    *,
    raw: bool = False,
    single: bool = False,
) -> Batch:
    """:func:`batch_statement`, kept for the next request that asks ``rel``
    with the same arguments and builds the same ``built`` elements of
    ``head`` and ``joins`` (computed expressions, row conditions)."""
    criteria = criteria_for(rel.target, entity_for(rel.target), binding)
    values = (
        raw,
        single,
        arguments.order_by,
        arguments.limit,
        arguments.offset,
        arguments.reverse,
        arguments.counted,
        arguments.filters,
        value_key(arguments.seek and (arguments.seek.after, arguments.seek.before)),
    )
    return _batches.get(
        rel,
        values,
        [*built, *criteria, *arguments.conditions, *arguments.ordering],
        lambda: batch_statement(
            rel, binding, arguments, head, joins, raw=raw, single=single, criteria=criteria
        ),
    )


def _ordered_column(term: Any) -> Any:
    """The expression an ordering term sorts by (``x`` of ``x DESC``)."""
    return getattr(term, "element", term) if isinstance(term, UnaryExpression) else term


def _of(subquery: Subquery, name: str, type_: Any) -> ColumnElement[Any]:
    """A column of ``subquery`` by name, rather than from its ``.c``: that
    collection copies each table column it proxies (event listeners
    included), about half a millisecond per statement on every request."""
    return column(name, type_, _selectable=subquery)


def fetch(
    session: Session,
    batch: Batch,
    stmt: Select[Any],
    wanted: Sequence[Any],
    batch_size: int,
    read: Callable[[Any], Any],
) -> tuple[dict[Any, list[Any]], dict[Any, int]]:
    """What ``read`` makes of the rows of ``stmt`` for the ``wanted`` parent
    keys, grouped by parent key, and the per-parent totals where the
    statement counts them."""
    by_parent: dict[Any, list[Any]] = defaultdict(list)
    totals: dict[Any, int] = {}
    key_of = batch.key_of
    total_at = batch.head_width + batch.key_width
    for start in range(0, len(wanted), batch_size):
        parameters = batch.parameters(wanted[start : start + batch_size])
        result = session.execute(stmt, parameters)
        for row in result.scalars() if batch.raw else result:
            key = key_of(row)
            if batch.total_column:
                totals[key] = row[total_at]
            if batch.ranked and (row[-1] <= batch.offset or batch.empty):
                continue
            by_parent[key].append(read(row))
    return by_parent, totals
