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
marker of its total, so an empty page costs no extra count; ``COUNT(*)``
only where a front end reads totals). The page of a single parent is a plain
``WHERE fk = :parent ORDER BY ... LIMIT``, which an index can answer from its
first rows. The rows then go to their parents: into the relationship
attribute (as a committed value, so nothing is lazily fetched later) or, for
an extra variant of the same relationship, into the parent's state under the
variant's key. Window functions run on SQLite 3.25+, PostgreSQL and MariaDB
10.2+.
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
    column,
    func,
    inspect,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import UnaryExpression

from loadplan.execution.arguments import filter_condition, order_expression, reversed_order
from loadplan.execution.binding import Binding
from loadplan.execution.options import criteria_for, entity_for, entity_options
from loadplan.execution.parent_keys import PARENT_KEYS, ParentKeysIn
from loadplan.execution.raw_rows import RawRows
from loadplan.execution.statement_cache import StatementCache
from loadplan.mapping import KeyPairs, extra_join_criteria, key_pairs
from loadplan.plan import RelationshipPlan
from loadplan.results import store_related, store_total
from loadplan.selection import NO_ARGUMENTS


def _parent_key(parent: Any, keys: Sequence[str]) -> Any:
    state = inspect(parent)
    found = tuple(state.dict.get(k) if k in state.dict else getattr(parent, k) for k in keys)
    return found[0] if len(found) == 1 else found


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


def load_windowed(
    session: Session, parents: Sequence[Any], rel: RelationshipPlan, binding: Binding
) -> list[Any]:
    """Load ``rel`` for every parent with one statement; return the children."""
    entity = entity_for(rel.target)
    parent_keys = relationship_keys(rel).parent_keys
    wanted = complete_keys((_parent_key(p, parent_keys) for p in parents), len(parent_keys))
    batch = cached_batch_statement(rel, binding, [entity], (), (), single=len(wanted) == 1)
    batch_stmt = batch.stmt.options(*entity_options(rel.target, entity, binding))
    by_parent, totals = fetch(session, batch, batch_stmt, wanted, rel.batch_size, itemgetter(0))
    children = [child for rows in by_parent.values() for child in rows]

    for parent in parents:
        key = _parent_key(parent, parent_keys)
        rows = by_parent.get(key, [])
        if not rel.side:
            set_committed_value(
                parent, rel.key, rows if rel.uselist else (rows[0] if rows else None)
            )
        total = totals.get(key, len(rows)) if batch.counted else None
        for name in rel.keys if rel.side else (rel.key, *rel.keys):
            if rel.side:
                store_related(parent, name, rows)
            store_total(parent, name, total)
    return children


def relationship_keys(rel: RelationshipPlan) -> KeyPairs:
    """The key pairs joining ``rel``'s parents to its children."""
    owner: Mapper[Any] = inspect(rel.owner)
    return key_pairs(owner.relationships[rel.key])


@dataclass(frozen=True)
class Batch:
    """The batched statement of one relationship level, for any parents.

    ``stmt`` selects ``head`` (an entity, or plain columns in row mode), then
    the parent key columns, then the total (``total_column``) and the row
    number (``ranked``). ``counted`` says whether totals are wanted at all
    (without a page, a list's total is its length). The parent keys are
    bound at execution as ``PARENT_KEYS``, or, for the ``ORDER BY ... LIMIT``
    form of a ``single`` parent, each as ``PARENT_KEY<i>``. A ``raw`` batch
    selects them as one :class:`RawRows` bundle: its rows are plain tuples.
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


PARENT_KEY = "lp_parent_key"
"""Prefix of the parameters carrying the key of a single parent."""


def batch_statement(
    rel: RelationshipPlan,
    binding: Binding,
    head: Sequence[Any],
    joins: Sequence[tuple[Any, Any]] = (),
    *,
    raw: bool = False,
    single: bool = False,
    criteria: Sequence[Any] | None = None,
) -> Batch:
    """The statement loading ``rel`` for a batch of parents, or for a
    ``single`` one: ``head`` first (outer-joining ``joins`` for columns of
    joined to-ones, in row mode), the rows restricted by ``criteria`` (the
    target's row conditions, built here unless given).

    The page of a single parent is read with ``ORDER BY ... LIMIT``, which an
    index on (parent key, order) answers from its first rows, rather than by
    ranking the whole list. Its total, when counted, is a scalar subquery; a
    counted page past the start keeps the ranked form, whose marker row
    carries the total even when the page lies past the end.
    """

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
    offset = arguments.offset or 0
    total_column = arguments.paginated and arguments.counted
    limited = arguments.paginated and single and not (total_column and offset)
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
    conditions += criteria if criteria is not None else criteria_for(rel.target, entity, binding)
    order = [order_expression(entity, o) for o in arguments.order_by]
    if not order and prop.order_by:
        order = list(prop.order_by)
    pk = [
        getattr(entity, target_mapper.get_property_by_column(c).key)
        for c in target_mapper.primary_key
    ]
    order += [c for c in pk if not any(c.compare(_ordered_column(term)) for term in order)]
    if arguments.reverse:
        order = reversed_order(order)

    def source(stmt: Select[Any]) -> Select[Any]:
        stmt = stmt.select_from(entity)
        if prop.secondary is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        return stmt

    keys = [key.label(f"lp_k{i}") for i, key in enumerate(remote)]
    total: list[ColumnElement[Any]] = []
    if limited:
        if total_column:
            count = source(select(func.count())).where(*conditions)
            total = [count.correlate(None).scalar_subquery().label("lp_total")]
        stmt = source(selecting(*head, *keys, *total))
        for target, onclause in joins:
            stmt = stmt.outerjoin(target, onclause)
        stmt = stmt.where(*conditions).order_by(*order).offset(offset or None)
        stmt = stmt.limit(arguments.limit)
    elif arguments.paginated:
        counts = [func.count().over(partition_by=remote).label("lp_total")] if total_column else []
        ranked = (
            source(
                select(
                    *[c.label(f"lp_pk{i}") for i, c in enumerate(pk)],
                    *keys,
                    func.row_number().over(partition_by=remote, order_by=order).label("lp_rn"),
                    *counts,
                )
            )
            .where(*conditions)
            .subquery("lp_ranked")
        )
        rn = _of(ranked, "lp_rn", Integer())
        if total_column:
            total = [_of(ranked, "lp_total", Integer())]
        page = rn > offset
        if arguments.limit is not None:
            page = and_(page, rn <= offset + arguments.limit)
        ranked_keys = [_of(ranked, f"lp_k{i}", c.type) for i, c in enumerate(remote)]
        same_row = and_(*[c == _of(ranked, f"lp_pk{i}", c.type) for i, c in enumerate(pk)])
        stmt = selecting(*head, *ranked_keys, *total, rn).order_by(*ranked_keys, rn)
        if total_column and offset:
            # A parent whose page lies past the end of its list still sends
            # its last row, carrying the total, with the child's columns left
            # NULL by the outer join: no object, no eager load, no count query.
            marker = and_(rn == total[0], total[0] <= offset)
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
        stmt = source(selecting(*head, *keys))
        for target, onclause in joins:
            stmt = stmt.outerjoin(target, onclause)
        stmt = stmt.where(*conditions).order_by(*remote, *order)
    ranked_rows = arguments.paginated and not limited
    return Batch(
        stmt,
        pairs,
        len(head),
        len(keys),
        arguments.counted,
        total_column,
        ranked_rows,
        offset,
        raw,
        limited,
    )


_batches: StatementCache[Batch] = StatementCache(512)


def cached_batch_statement(
    rel: RelationshipPlan,
    binding: Binding,
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
    arguments = binding.arguments_at(*rel.paths) if rel.windowed else NO_ARGUMENTS
    criteria = criteria_for(rel.target, entity_for(rel.target), binding)
    values = (
        raw,
        single,
        arguments.order_by,
        arguments.limit,
        arguments.offset,
        arguments.reverse,
        arguments.counted,
        tuple((f.path, f.op, f.value) for f in arguments.filters),
    )
    return _batches.get(
        rel,
        values,
        [*built, *criteria],
        lambda: batch_statement(
            rel, binding, head, joins, raw=raw, single=single, criteria=criteria
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
            if batch.ranked and row[-1] <= batch.offset:
                continue
            by_parent[key].append(read(row))
    return by_parent, totals
