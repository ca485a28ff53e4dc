"""The third planning pass: the columns every load needs besides the selected ones.

Each entity loads its primary key and polymorphic discriminator; each
relationship adds the parent's side of its join to the parent and the
child's side (the key pointing back to the parent) to the child. Leaving
either out is the classic "every row refetches" bug of other optimizers.
With ``PlanSettings.only`` off, every column of the entity is loaded.
"""

from __future__ import annotations

from dataclasses import replace

from loadplan.mapping import discriminator_key, key_pairs, mapper_of, primary_key
from loadplan.planner.fields import QUERY_EXPRESSION
from loadplan.planner.planning import Planning
from loadplan.plans import EntityPlan

__all__ = ["add_key_columns"]


def add_key_columns(plan: EntityPlan, planning: Planning) -> EntityPlan:
    return _with_keys(plan, (), planning.settings.only, ())


def _with_keys(
    plan: EntityPlan, child_keys: tuple[str, ...], only: bool, inherited: tuple[str, ...]
) -> EntityPlan:
    mapper = mapper_of(plan.cls)
    columns: list[str] = []
    if not inherited:
        columns.extend(primary_key(plan.cls))
        discriminator = discriminator_key(mapper)
        if discriminator is not None:
            columns.append(discriminator)
    columns.extend(child_keys)
    if only:
        columns.extend(plan.columns)
    else:
        # Not a computed identity either (see ``discriminator_key``): the
        # class has no attribute for it, and the ORM selects it on its own.
        columns.extend(
            prop.key
            for prop in mapper.column_attrs
            if prop.strategy_key != QUERY_EXPRESSION and hasattr(mapper.class_, prop.key)
        )
    relationships = []
    for rel in plan.relationships:
        pairs = key_pairs(mapper.relationships[rel.key])
        columns.extend(pairs.parent_keys)
        relationships.append(
            replace(rel, target=_with_keys(rel.target, pairs.child_keys, only, ()))
        )
    own = tuple(dict.fromkeys(c for c in columns if c not in inherited))
    return replace(
        plan,
        columns=own,
        relationships=tuple(relationships),
        subtypes=tuple(_with_keys(sub, (), only, own) for sub in plan.subtypes),
    )
