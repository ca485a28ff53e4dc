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
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, inspect, or_, select, tuple_
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, BooleanClauseList
from sqlalchemy.sql.operators import and_ as and_operator
from sqlalchemy.sql.schema import Column

from loadplan.errors import PlanError
from loadplan.execution.arguments import filter_condition, order_expression
from loadplan.execution.binding import Binding
from loadplan.execution.options import criteria_for, entity_for, entity_options
from loadplan.plan import RelationshipPlan
from loadplan.planner.keys import key_pairs
from loadplan.results import store_related, store_total


def _parent_key(parent: Any, keys: Sequence[str]) -> tuple[Any, ...]:
    state = inspect(parent)
    return tuple(state.dict.get(k) if k in state.dict else getattr(parent, k) for k in keys)


def extra_join_criteria(prop: Any) -> list[ColumnElement[bool]]:
    """Conditions of a custom ``primaryjoin`` beyond its key pairs, which a
    batched statement over the child alone must still apply (e.g. a
    project's *active* sequences). Conditions on the parent's other columns
    cannot be applied per batch and are refused."""
    join = prop.primaryjoin
    terms = (
        list(join.clauses)
        if isinstance(join, BooleanClauseList) and join.operator is and_operator
        else [join]
    )
    parent_table = prop.parent.local_table
    if prop.secondary is not None or parent_table is prop.target:
        return []
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
    return extra


def load_windowed(
    session: Session, parents: Sequence[Any], rel: RelationshipPlan, binding: Binding
) -> list[Any]:
    """Load ``rel`` for every parent with one statement; return the children."""
    owner: Mapper[Any] = inspect(rel.owner)
    prop = owner.relationships[rel.key]
    pairs = key_pairs(prop)
    arguments = binding.arguments_at(rel.path)
    entity = entity_for(rel.target)
    target_mapper: Mapper[Any] = prop.mapper

    parent_keys = {_parent_key(p, pairs.parent_keys) for p in parents}
    wanted = sorted(k for k in parent_keys if None not in k)
    remote = list(pairs.remote_columns)
    key_expr = remote[0] if len(remote) == 1 else tuple_(*remote)
    values: list[Any] = [k[0] for k in wanted] if len(remote) == 1 else wanted
    keys_in: BindParameter[Any] = bindparam("lp_parent_keys", expanding=True)

    conditions: list[Any] = [key_expr.in_(keys_in), *extra_join_criteria(prop)]
    conditions += [filter_condition(entity, f) for f in arguments.filters]
    conditions += criteria_for(rel.target, entity, binding)
    order = [order_expression(entity, o) for o in arguments.order_by]
    if not order and prop.order_by:
        order = list(prop.order_by)
    pk = [
        getattr(entity, target_mapper.get_property_by_column(c).key)
        for c in target_mapper.primary_key
    ]
    order += pk

    keys = [column.label(f"lp_k{i}") for i, column in enumerate(remote)]
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
        offset = arguments.offset or 0
        rn, total_column = ranked.c.lp_rn, ranked.c.lp_total
        page = rn > offset
        if arguments.limit is not None:
            page = and_(page, rn <= offset + arguments.limit)
        if offset:
            # A page past the end still returns the parent's last row, as a
            # marker carrying the total: no second statement to count.
            page = or_(page, and_(rn == total_column, total_column <= offset))
        stmt = (
            select(entity, *[ranked.c[f"lp_k{i}"] for i in range(len(keys))], total_column, rn)
            .join(ranked, and_(*[c == ranked.c[f"lp_pk{i}"] for i, c in enumerate(pk)]))
            .where(page)
            .order_by(*[ranked.c[f"lp_k{i}"] for i in range(len(keys))], ranked.c.lp_rn)
        )
    else:
        stmt = select(entity, *keys).select_from(entity)
        if prop.secondary is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        stmt = stmt.where(*conditions).order_by(*remote, *order)
    stmt = stmt.options(*entity_options(rel.target, entity, binding))

    by_parent: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    totals: dict[tuple[Any, ...], int] = {}
    children: list[Any] = []
    size = binding.settings.batch_size
    for start in range(0, len(values), size):
        batch = {"lp_parent_keys": values[start : start + size]}
        for row in session.execute(stmt, batch):
            child, key = row[0], tuple(row[1 : 1 + len(keys)])
            if arguments.paginated:
                totals[key] = row[-2]
                if row[-1] <= (arguments.offset or 0):
                    continue
            by_parent[key].append(child)
            children.append(child)

    for parent in parents:
        key = _parent_key(parent, pairs.parent_keys)
        rows = by_parent.get(key, [])
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
