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

and attaches the rows to their parents: into the relationship attribute (as a
committed value, so nothing is lazily fetched later) or, for an extra variant
of the same relationship, into the parent's state under the variant's key.
Window functions run on SQLite 3.25+, PostgreSQL and MariaDB 10.2+.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, inspect, select, tuple_
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value

from loadplan.execution.arguments import filter_condition, order_expression
from loadplan.execution.binding import Binding
from loadplan.execution.options import criteria_for, entity_for, entity_options
from loadplan.plan import RelationshipPlan
from loadplan.planner.keys import key_pairs
from loadplan.results import store_related, store_total


def _parent_key(parent: Any, keys: Sequence[str]) -> tuple[Any, ...]:
    state = inspect(parent)
    return tuple(state.dict.get(k) if k in state.dict else getattr(parent, k) for k in keys)


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
    parent_keys.discard(tuple(None for _ in pairs.parent_keys))
    wanted = sorted(k for k in parent_keys if None not in k)
    remote = list(pairs.remote_columns)
    key_expr = remote[0] if len(remote) == 1 else tuple_(*remote)
    values: list[Any] = [k[0] for k in wanted] if len(remote) == 1 else wanted

    conditions: list[Any] = [key_expr.in_(values)]
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
        window = [ranked.c.lp_rn > offset]
        if arguments.limit is not None:
            window.append(ranked.c.lp_rn <= offset + arguments.limit)
        stmt = (
            select(entity, *[ranked.c[f"lp_k{i}"] for i in range(len(keys))], ranked.c.lp_total)
            .join(ranked, and_(*[c == ranked.c[f"lp_pk{i}"] for i, c in enumerate(pk)]))
            .where(*window)
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
    if values:
        for row in session.execute(stmt):
            child, key = row[0], tuple(row[1 : 1 + len(keys)])
            by_parent[key].append(child)
            children.append(child)
            if arguments.paginated:
                totals[key] = row[-1]
    missing = [k for k in wanted if k not in by_parent]
    if arguments.offset and missing:
        totals.update(_count(session, prop, entity, remote, missing, conditions[1:]))

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


def _count(
    session: Session,
    prop: Any,
    entity: Any,
    remote: list[Any],
    keys: list[tuple[Any, ...]],
    conditions: list[Any],
) -> dict[tuple[Any, ...], int]:
    """Totals of parents whose page came back empty because it is past the end."""
    key_expr = remote[0] if len(remote) == 1 else tuple_(*remote)
    values: list[Any] = [k[0] for k in keys] if len(remote) == 1 else keys
    stmt = select(*remote, func.count()).select_from(entity)
    if prop.secondary is not None:
        stmt = stmt.join(prop.secondary, prop.secondaryjoin)
    stmt = stmt.where(key_expr.in_(values), *conditions).group_by(*remote)
    return {tuple(row[:-1]): row[-1] for row in session.execute(stmt)}
