"""loadplan's own batched load for lists with arguments.

SQLAlchemy's selectinload cannot page per parent, order differently from the
relationship, or load one relationship twice with different filters. This
loader issues one statement for all parents of a level:

    SELECT child.*, k, total FROM child JOIN (
        SELECT child.pk, fk AS k,
               ROW_NUMBER() OVER (PARTITION BY fk ORDER BY ...) AS rn,
               COUNT(*) OVER (PARTITION BY fk) AS total
        FROM child WHERE fk IN (:parents) AND <filters>) AS ranked
      ON child.pk = ranked.pk
    WHERE rn > :offset AND rn <= :offset + :limit

(a parent whose page lies past the end of its list sends its last row as a
marker of its total, so an empty page costs no extra count) and attaches the rows to their parents: into the relationship attribute (as a
committed value, so nothing is lazily fetched later) or, for an extra variant
of the same relationship, into the parent's state under the variant's key.
Window functions run on SQLite 3.25+, PostgreSQL and MariaDB 10.2+.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    column,
    func,
    inspect,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery, visitors
from sqlalchemy.sql.elements import BooleanClauseList
from sqlalchemy.sql.operators import and_ as and_operator
from sqlalchemy.sql.schema import Column

from loadplan.errors import PlanError
from loadplan.execution.arguments import filter_condition, order_expression, reversed_order
from loadplan.execution.binding import Binding
from loadplan.execution.options import criteria_for, entity_for, entity_options
from loadplan.execution.parent_keys import PARENT_KEYS, ParentKeysIn
from loadplan.execution.raw_rows import RawRows
from loadplan.plan import RelationshipPlan
from loadplan.planner.keys import KeyPairs, key_pairs
from loadplan.results import store_related, store_total
from loadplan.selection import NO_ARGUMENTS


def _parent_key(parent: Any, keys: Sequence[str]) -> tuple[Any, ...]:
    state = inspect(parent)
    return tuple(state.dict.get(k) if k in state.dict else getattr(parent, k) for k in keys)


@cache
def extra_join_criteria(prop: Any) -> tuple[ColumnElement[bool], ...]:
    """Conditions of a custom ``primaryjoin`` beyond its key pairs, which a
    batched statement over the child alone must still apply (e.g. a
    project's *active* sequences). Conditions on the parent's other columns
    cannot be applied per batch and are refused. Found once per relationship
    (walking the join condition is not free, and every batch asks)."""
    join = prop.primaryjoin
    terms = (
        list(join.clauses)
        if isinstance(join, BooleanClauseList) and join.operator is and_operator
        else [join]
    )
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


def load_windowed(
    session: Session, parents: Sequence[Any], rel: RelationshipPlan, binding: Binding
) -> list[Any]:
    """Load ``rel`` for every parent with one statement; return the children."""
    entity = entity_for(rel.target)
    batch = batch_statement(rel, binding, [entity])
    pairs = batch.pairs
    wanted = sorted(
        {k for k in (_parent_key(p, pairs.parent_keys) for p in parents) if None not in k}
    )
    batch_stmt = batch.stmt.options(*entity_options(rel.target, entity, binding))
    by_parent, totals = fetch(session, batch, batch_stmt, wanted, binding.settings.batch_size)
    children = [row[0] for rows in by_parent.values() for row in rows]
    by_parent_objects = {key: [row[0] for row in rows] for key, rows in by_parent.items()}

    for parent in parents:
        key = _parent_key(parent, pairs.parent_keys)
        rows = by_parent_objects.get(key, [])
        if not rel.side:
            set_committed_value(
                parent, rel.key, rows if rel.uselist else (rows[0] if rows else None)
            )
        total = totals.get(key, len(rows))
        for name in rel.keys if rel.side else (rel.key, *rel.keys):
            if rel.side:
                store_related(parent, name, rows)
            store_total(parent, name, total)
    return children


@dataclass(frozen=True)
class Batch:
    """The batched statement of one relationship level, for any parents.

    ``stmt`` selects ``head`` (an entity, or plain columns in row mode), then
    the parent key columns, then (paginated) the total and row number; the
    parent keys are bound at execution as ``PARENT_KEYS``. A ``raw`` batch
    selects them as one :class:`RawRows` bundle: its rows are plain tuples.
    """

    stmt: Select[Any]
    pairs: KeyPairs
    head_width: int
    key_width: int
    paginated: bool
    offset: int
    raw: bool


def batch_statement(
    rel: RelationshipPlan,
    binding: Binding,
    head: Sequence[Any],
    joins: Sequence[tuple[Any, Any]] = (),
    *,
    raw: bool = False,
) -> Batch:
    """The statement loading ``rel`` for a batch of parents: ``head`` first
    (outer-joining ``joins`` for columns of joined to-ones, in row mode)."""

    def selecting(*columns: Any) -> Select[Any]:
        return select(RawRows("lp_row", *columns)) if raw else select(*columns)

    owner: Mapper[Any] = inspect(rel.owner)
    prop = owner.relationships[rel.key]
    pairs = key_pairs(prop)
    # Only windowed loads take arguments: another load of the same path (a
    # model property's full list beside a page) must not pick up the page's.
    arguments = binding.arguments_at(*rel.paths) if rel.windowed else NO_ARGUMENTS
    entity = entity_for(rel.target)
    target_mapper: Mapper[Any] = prop.mapper
    remote = list(pairs.remote_columns)
    if len(remote) == 1:
        in_batch: ColumnElement[bool] = ParentKeysIn(remote[0])
    else:
        in_batch = tuple_(*remote).in_(bindparam(PARENT_KEYS, expanding=True))
    conditions: list[Any] = [in_batch, *extra_join_criteria(prop)]
    conditions += [filter_condition(entity, f) for f in arguments.filters]
    conditions += criteria_for(rel.target, entity, binding)
    order = [order_expression(entity, o) for o in arguments.order_by]
    if not order and prop.order_by:
        order = list(prop.order_by)
    pk = [
        getattr(entity, target_mapper.get_property_by_column(c).key)
        for c in target_mapper.primary_key
    ]
    order += [c for c in pk if not any(c.compare(term) for term in order)]
    if arguments.reverse:
        order = reversed_order(order)

    keys = [key.label(f"lp_k{i}") for i, key in enumerate(remote)]
    offset = arguments.offset or 0
    if arguments.paginated:
        ranked_source = select(
            *[c.label(f"lp_pk{i}") for i, c in enumerate(pk)],
            *keys,
            func.row_number().over(partition_by=remote, order_by=order).label("lp_rn"),
            func.count().over(partition_by=remote).label("lp_total"),
        ).select_from(entity)
        if prop.secondary is not None:
            ranked_source = ranked_source.join(prop.secondary, prop.secondaryjoin)
        ranked = ranked_source.where(*conditions).subquery("lp_ranked")
        rn, total_column = _of(ranked, "lp_rn", Integer()), _of(ranked, "lp_total", Integer())
        page = rn > offset
        if arguments.limit is not None:
            page = and_(page, rn <= offset + arguments.limit)
        ranked_keys = [_of(ranked, f"lp_k{i}", c.type) for i, c in enumerate(remote)]
        same_row = and_(*[c == _of(ranked, f"lp_pk{i}", c.type) for i, c in enumerate(pk)])
        stmt = selecting(*head, *ranked_keys, total_column, rn).order_by(*ranked_keys, rn)
        if offset:
            # A parent whose page lies past the end of its list still sends
            # its last row, carrying the total, with the child's columns left
            # NULL by the outer join: no object, no eager load, no count query.
            marker = and_(rn == total_column, total_column <= offset)
            stmt = (
                stmt.select_from(ranked)
                .outerjoin(entity, and_(same_row, page))
                .where(or_(page, marker))
            )
        else:
            stmt = stmt.select_from(entity).join(ranked, same_row).where(page)
        for target, onclause in joins:
            stmt = stmt.outerjoin(target, onclause)
    else:
        stmt = selecting(*head, *keys).select_from(entity)
        if prop.secondary is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        for target, onclause in joins:
            stmt = stmt.outerjoin(target, onclause)
        stmt = stmt.where(*conditions).order_by(*remote, *order)
    return Batch(stmt, pairs, len(head), len(keys), arguments.paginated, offset, raw)


def _of(subquery: Subquery, name: str, type_: Any) -> ColumnElement[Any]:
    """A column of ``subquery`` by name, rather than from its ``.c``: that
    collection copies each table column it proxies (event listeners
    included), about half a millisecond per statement on every request."""
    return column(name, type_, _selectable=subquery)


def fetch(
    session: Session,
    batch: Batch,
    stmt: Select[Any],
    wanted: Sequence[tuple[Any, ...]],
    batch_size: int,
) -> tuple[dict[tuple[Any, ...], list[Any]], dict[tuple[Any, ...], int]]:
    """Rows of ``stmt`` for the ``wanted`` parent keys, grouped by parent key,
    and the per-parent totals of a paginated level."""
    values: list[Any] = [k[0] for k in wanted] if batch.key_width == 1 else list(wanted)
    by_parent: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    totals: dict[tuple[Any, ...], int] = {}
    width, key_end = batch.head_width, batch.head_width + batch.key_width
    for start in range(0, len(values), batch_size):
        result = session.execute(stmt, {PARENT_KEYS: values[start : start + batch_size]})
        for row in result.scalars() if batch.raw else result:
            key = tuple(row[width:key_end])
            if batch.paginated:
                totals[key] = row[-2]
                if row[-1] <= batch.offset:
                    continue
            by_parent[key].append(row)
    return by_parent, totals
