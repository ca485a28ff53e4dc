"""The ORM mode: a plan as loader options on a statement, and the loads that
run once its objects exist.

Options are built relative to an *entity* (the mapped class, or its
``with_polymorphic`` alias when subtypes are loaded), so the same code
serves the root statement and every batched statement below it. Each
relationship's strategy (:mod:`loadplan.execution.strategies`) gives its own
option, or loads after the parent statement through :class:`ObjectLoader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session, load_only, raiseload, with_expression

from loadplan.execution.batches import cached_batch_statement, complete_keys, fetch
from loadplan.execution.binding import Binding, Strict
from loadplan.execution.entities import criteria_for, entity_for, namespace_of
from loadplan.execution.strategies import load_of
from loadplan.mapping import key_pairs, relationship_of
from loadplan.plans import EntityPlan, RelationshipPlan
from loadplan.rules import applying
from loadplan.selection import Arguments
from loadplan.storage import keep

__all__ = ["ObjectLoader", "entity_options", "loads_after"]


def entity_options(plan: EntityPlan, entity: Any, binding: Binding) -> list[Any]:
    """Loader options for ``plan``, relative to ``entity``."""
    strict = binding.strict is Strict.RAISE
    parts = (plan, *plan.subtypes)
    columns = [
        getattr(namespace_of(entity, part.cls), key) for part in parts for key in part.columns
    ]
    options: list[Any] = [load_only(*columns, raiseload=strict)]
    for part in parts:
        namespace = namespace_of(entity, part.cls)
        with applying(binding.rules, binding.context):
            options.extend(
                with_expression(
                    getattr(namespace, e.attribute), e.source(namespace, binding.context)
                )
                for e in part.expressions
            )
        for rel in part.relationships:
            target = entity_for(rel.target)
            attribute = getattr(namespace, rel.key)
            if target is not rel.target.cls:
                attribute = attribute.of_type(target)
            criteria = criteria_for(rel.target, target, binding)
            if criteria:
                attribute = attribute.and_(*criteria)
            option = load_of(rel).option(rel, attribute, bool(criteria))
            if option is not None:
                options.append(option.options(*entity_options(rel.target, target, binding)))
        options.extend(part.options)
    if strict:
        options.append(raiseload("*"))
    return options


def loads_after(plan: EntityPlan) -> bool:
    """Whether anything below ``plan`` loads after its statement returned."""
    return any(
        load_of(rel).after_parent or loads_after(rel.target) for rel in plan.all_relationships()
    )


def _parent_key(parent: Any, keys: Sequence[str]) -> Any:
    state = inspect(parent)
    found = tuple(state.dict.get(k) if k in state.dict else getattr(parent, k) for k in keys)
    return found[0] if len(found) == 1 else found


@dataclass(frozen=True)
class ObjectLoader:
    """The ORM mode's loads after a statement, for one session and request."""

    session: Session
    binding: Binding

    def after(self, objects: Sequence[Any], plan: EntityPlan) -> None:
        """Run the loads of ``plan`` that wait for ``objects`` (and below)."""
        for rel in plan.all_relationships():
            load = load_of(rel)
            if not (load.after_parent or loads_after(rel.target)):
                continue
            parents = [obj for obj in objects if isinstance(obj, rel.owner)]
            if not parents:
                continue
            children = load.load_objects(self, rel, parents)
            if children and loads_after(rel.target):
                self.after(list(dict.fromkeys(children)), rel.target)

    def batch(
        self,
        rel: RelationshipPlan,
        parents: Sequence[Any],
        arguments: Arguments,
        keeps_total: bool,
    ) -> list[Any]:
        entity = entity_for(rel.target)
        parent_keys = key_pairs(relationship_of(rel.owner, rel.key)).parent_keys
        wanted = complete_keys((_parent_key(p, parent_keys) for p in parents), len(parent_keys))
        batch = cached_batch_statement(
            rel, self.binding, arguments, [entity], (), (), single=len(wanted) == 1
        )
        stmt = batch.stmt.options(*entity_options(rel.target, entity, self.binding))
        by_parent, totals = fetch(self.session, batch, stmt, wanted, rel.batch_size, itemgetter(0))
        counted = keeps_total and batch.counted
        for parent in parents:
            key = _parent_key(parent, parent_keys)
            rows = by_parent.get(key, [])
            total = totals.get(key, len(rows)) if counted else None
            value = rows if rel.uselist else (rows[0] if rows else None)
            keep(parent, rel.key, rel.keys, rel.side, value, total, keeps_total)
        return [child for rows in by_parent.values() for child in rows]
