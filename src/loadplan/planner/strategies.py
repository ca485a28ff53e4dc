"""Choose how each relationship is loaded.

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
pages) need loadplan's own windowed statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import RelationshipProperty

from loadplan.errors import PlanError
from loadplan.plan import EntityPlan, Strategy
from loadplan.selection import Arguments


def choose_strategy(
    prop: RelationshipProperty[Any],
    target: EntityPlan,
    arguments: Arguments,
    extra_variant: bool,
    prefetch: bool,
    joined_allowed: bool,
) -> Strategy:
    if arguments and not prop.uselist:
        raise PlanError(
            prop.parent.class_.__name__, prop.key, "is a to-one relationship and takes no arguments"
        )
    if arguments or extra_variant:
        return Strategy.WINDOWED
    if prop.uselist or prefetch or not joined_allowed:
        return Strategy.SELECTIN
    if target.polymorphic or target.expressions:
        return Strategy.SELECTIN
    return Strategy.JOINED
