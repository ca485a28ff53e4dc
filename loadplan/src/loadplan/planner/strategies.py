"""The fourth planning pass: choose how each relationship is loaded.

A to-one joins into its parent's statement unless joining would be wrong or
wasteful: the target has polymorphic subtypes to load (every subclass table
joined into a page's statement is joined for each row the database sorts
before it cuts the page: one statement took 1.5 times as long as two for the
benchmark's 500 latest tasks with their entities), or computed expressions
(which must be computed against the target's own statement, not the
parent's). Row criteria and rules do not keep a to-one apart: they go
into the join's ON clause, so a row they hide reads as ``None``, as it would
from a separate statement, for one statement less. Collections never
join: a join multiplies the parent rows. Arguments (filters, ordering,
pages) and every variant beyond the first need loadplan's own windowed
statement. With ``PlanSettings.selectin`` off, batched collections are left
out of the plan (to lazy loading).
"""

from __future__ import annotations

from dataclasses import replace

from loadplan.errors import PlanError
from loadplan.mapping import relationship_of
from loadplan.planner.planning import Planning, PlanSettings
from loadplan.plans import EntityPlan, RelationshipPlan, Strategy

__all__ = ["choose_strategies", "choose_strategy"]


def choose_strategies(plan: EntityPlan, planning: Planning) -> EntityPlan:
    return _chosen(plan, planning.settings)


def _chosen(plan: EntityPlan, settings: PlanSettings) -> EntityPlan:
    relationships = []
    for rel in plan.relationships:
        strategy = choose_strategy(rel, settings.joined)
        if strategy is Strategy.SELECTIN and not settings.selectin:
            continue
        relationships.append(
            replace(
                rel,
                strategy=strategy,
                target=_chosen(rel.target, settings),
                batch_size=settings.batch_size,
            )
        )
    return replace(
        plan,
        relationships=tuple(relationships),
        subtypes=tuple(_chosen(sub, settings) for sub in plan.subtypes),
    )


def choose_strategy(rel: RelationshipPlan, joined_allowed: bool) -> Strategy:
    if rel.arguments and not rel.uselist:
        prop = relationship_of(rel.owner, rel.key)
        raise PlanError(
            prop.parent.class_.__name__, prop.key, "is a to-one relationship and takes no arguments"
        )
    if rel.arguments or rel.side:
        return Strategy.WINDOWED
    if rel.uselist or rel.prefetch or not joined_allowed:
        return Strategy.SELECTIN
    if rel.target.polymorphic or rel.target.expressions:
        return Strategy.SELECTIN
    return Strategy.JOINED
