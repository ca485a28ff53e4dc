"""The row mode: a plan answered with plain rows, assembled into nested dicts.

Building ORM objects costs about 20 µs a row; once N+1 is gone that is where
the time goes. This mode runs the same statements as the ORM mode (the root
with its joined to-ones as outer joins, one batched statement per other
relationship, the same pages, filters, ordering, expressions, subtypes and
row rules) but selects columns, not entities, and puts each row straight
into a dict keyed by attribute name, nested the way the plan loads it and
kept by the rule of :mod:`loadplan.storage`. Model properties run on views
of those dicts (:mod:`loadplan.views`); a plan that needs
real objects (:meth:`EntityPlan.needs_objects`) runs in the ORM mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from loadplan.execution.batches import cached_batch_statement, complete_keys, fetch, key_getter
from loadplan.execution.binding import Binding
from loadplan.execution.entities import entity_for
from loadplan.execution.rows.levels import Level, Parts, compile_level
from loadplan.execution.rows.raw import RawRows
from loadplan.execution.strategies import load_of
from loadplan.mapping import key_pairs, relationship_of
from loadplan.plans import EntityPlan, RelationshipPlan
from loadplan.selection import Arguments
from loadplan.storage import MODEL_KEY, keep
from loadplan.views import compute_properties, distinct

__all__ = ["RowLoader", "load_rows"]


def _parents(
    level: Level, rel: RelationshipPlan, dicts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The dicts ``rel`` loads for: all, or those of the subtype that owns it."""
    if rel.owner is level.plan.cls:
        return dicts
    return [d for d in dicts if issubclass(d[MODEL_KEY], rel.owner)]


@dataclass
class RowLoader:
    """The row mode's loads below a statement, for one session and request."""

    session: Session
    binding: Binding

    def below(self, level: Level, dicts: list[dict[str, Any]]) -> None:
        """Load what ``level``'s plan loads below ``dicts`` (its rows)."""
        for rel, sub, _ in level.joined:
            children = distinct(d[rel.key] for d in dicts if d.get(rel.key) is not None)
            if children:
                self.below(sub, children)
        for rel in level.plan.all_relationships():
            load = load_of(rel)
            if load.joined:
                continue
            parents = _parents(level, rel, dicts)
            if parents:
                load.load_rows(self, rel, parents)

    def batch(
        self,
        rel: RelationshipPlan,
        parents: Sequence[dict[str, Any]],
        arguments: Arguments,
        keeps_total: bool,
    ) -> list[dict[str, Any]]:
        entity = entity_for(rel.target)
        parts = Parts()
        prop = relationship_of(rel.owner, rel.key)
        repeats = not rel.uselist or prop.secondary is not None
        level = compile_level(rel.target, entity, parts, self.binding, shared=repeats)
        parent_keys = key_pairs(prop).parent_keys
        key_of = key_getter(parent_keys)
        wanted = complete_keys(map(key_of, parents), len(parent_keys))
        batch = cached_batch_statement(
            rel,
            self.binding,
            arguments,
            parts.head,
            parts.joins,
            parts.built,
            raw=True,
            single=len(wanted) == 1,
        )
        by_parent, totals = fetch(
            self.session, batch, batch.stmt, wanted, rel.batch_size, level.read
        )
        children = [child for rows in by_parent.values() for child in rows]
        counted = keeps_total and batch.counted
        # Parent dicts with one key (a root statement whose join repeats rows)
        # share that key's list: nothing writes to the lists once loaded.
        for parent in parents:
            key = key_of(parent)
            rows = by_parent.get(key)
            if rows is None:
                rows = []
            value: Any = rows if rel.uselist else (rows[0] if rows else None)
            total = totals.get(key, len(rows)) if counted else None
            keep(parent, rel.key, rel.keys, rel.side, value, total, keeps_total)
        if children:
            self.below(level, distinct(children) if repeats else children)
        return children


def load_rows(
    session: Session, root: EntityPlan, binding: Binding, stmt: Select[Any]
) -> list[dict[str, Any]]:
    """``stmt`` (already restricted by the plan) answered as nested dicts."""
    entity = entity_for(root)
    parts = Parts()
    level = compile_level(root, entity, parts, binding, shared=False)
    columns_stmt = stmt.with_only_columns(RawRows("lp_row", *parts.head))
    for target, onclause in parts.joins:
        columns_stmt = columns_stmt.outerjoin(target, onclause)
    dicts = [level.read(row) for row in session.execute(columns_stmt).scalars()]
    if dicts:
        RowLoader(session, binding).below(level, dicts)
        compute_properties(root, dicts)
    return dicts
