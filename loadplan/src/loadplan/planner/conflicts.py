"""The last planning pass: keep pages out of attributes another path fills.

One object can be reached along several paths (a task's entity is also a
project's entity): writing a page of its tasks into ``entity.tasks`` would
overwrite the full list another path loaded, so where the same relationship
is loaded elsewhere in the tree with other arguments, its variants with
arguments are kept beside the attribute, under their keys (``side``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from loadplan.mapping import mapper_of
from loadplan.planner.planning import Planning
from loadplan.plans import EntityPlan
from loadplan.selection import Arguments

__all__ = ["separate_conflicts"]


def separate_conflicts(plan: EntityPlan, planning: Planning) -> EntityPlan:
    found: dict[tuple[Any, str], set[Arguments]] = {}
    _signatures(plan, found)
    conflicting = {key for key, variants in found.items() if len(variants) > 1}
    return _separate(plan, conflicting) if conflicting else plan


def _signatures(plan: EntityPlan, found: dict[tuple[Any, str], set[Arguments]]) -> None:
    for rel in plan.all_relationships():
        if not rel.side:
            owner = mapper_of(rel.owner).base_mapper
            found.setdefault((owner, rel.key), set()).add(rel.arguments)
        _signatures(rel.target, found)


def _separate(plan: EntityPlan, conflicting: set[tuple[Any, str]]) -> EntityPlan:
    relationships = tuple(
        replace(
            rel,
            target=_separate(rel.target, conflicting),
            side=rel.side
            or (bool(rel.arguments) and (mapper_of(rel.owner).base_mapper, rel.key) in conflicting),
        )
        for rel in plan.relationships
    )
    subtypes = tuple(_separate(sub, conflicting) for sub in plan.subtypes)
    return replace(plan, relationships=relationships, subtypes=subtypes)
