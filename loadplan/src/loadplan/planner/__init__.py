"""From a selection to an :class:`~loadplan.plans.EntityPlan`, cached by shape.

Planning is an ordered list of passes, each a module with one function
``(plan, planning) -> plan``; this module only composes them. The first pass
resolves the selection into a plan (one relationship load per selection
node, the selected columns only); each later one rewrites the whole plan. A
new planning rule is a new pass in :data:`PASSES`, or a change to the one
pass it belongs to.
"""

from __future__ import annotations

from typing import Any

from loadplan.mapping import check_arguments
from loadplan.planner.cache import PlanCache, dynamic, shape
from loadplan.planner.conflicts import separate_conflicts
from loadplan.planner.fields import resolve_fields
from loadplan.planner.keys import add_key_columns
from loadplan.planner.planning import Pass, Planning, PlanSettings
from loadplan.planner.strategies import choose_strategies
from loadplan.planner.variants import group_variants
from loadplan.plans import EntityPlan
from loadplan.selection import Selection
from loadplan.state import register

__all__ = ["PASSES", "PlanSettings", "build_plan", "clear_plan_cache", "plan_cache"]

PASSES: tuple[Pass, ...] = (
    resolve_fields,
    group_variants,
    add_key_columns,
    choose_strategies,
    separate_conflicts,
)

plan_cache = register("plans", PlanCache())


def clear_plan_cache() -> None:
    """Forget every cached plan."""
    plan_cache.clear()


def build_plan(
    cls: type[Any], selection: Selection, context: Any, settings: PlanSettings
) -> EntityPlan:
    """The entity plan of ``selection`` on ``cls``; cached unless a hint
    computes its paths from the request context. The root's arguments are
    checked on every call: their values are not part of the cache key."""
    check_arguments(cls, selection.arguments)
    if dynamic(selection):
        return _planned(cls, selection, context, settings)
    key = (cls, shape(selection), settings)
    plan = plan_cache.get(key)
    if plan is None:
        plan = _planned(cls, selection, context, settings)
        plan_cache.put(key, plan)
    return plan


def _planned(
    cls: type[Any], selection: Selection, context: Any, settings: PlanSettings
) -> EntityPlan:
    plan = EntityPlan(cls, columns=())
    planning = Planning(selection, context, settings)
    for step in PASSES:
        plan = step(plan, planning)
    return plan
