"""The second planning pass: group the loads of one relationship into variants.

Selections of one relationship with equal arguments and equal row criteria
of the target (aliases of the same field, a hint's path beside a selected
one) load once, with the union of what is selected below them; different
arguments, or types of the target restricting its rows differently, load
separately. The variant without arguments or criteria, if any, comes first so that it can fill the
attribute; every further variant is kept beside it (``side``). Variants
that share a response key (one object reached along two paths, as a field
and below a resolver's hint) are kept under the key of the field holding
the list and their own, ``milestoneOf.issuePage``, which the front ends try
first.
"""

from __future__ import annotations

from dataclasses import replace
from functools import reduce

from loadplan.planner.planning import Planning
from loadplan.plans import EntityPlan, ExpressionLoad, RelationshipPlan

__all__ = ["group_variants", "merge_entities"]


def group_variants(plan: EntityPlan, planning: Planning) -> EntityPlan:
    return _grouped(plan)


def _grouped(plan: EntityPlan) -> EntityPlan:
    groups: dict[str, list[list[RelationshipPlan]]] = {}
    for rel in plan.relationships:
        variants = groups.setdefault(rel.key, [])
        for variant in variants:
            if _same_rows(variant[0], rel):
                variant.append(rel)
                break
        else:
            variants.append([rel])
    relationships: list[RelationshipPlan] = []
    for variants in groups.values():
        variants.sort(key=lambda v: (bool(v[0].arguments), bool(v[0].target.criteria)))
        seen = [
            k for variant in variants for k in dict.fromkeys(k for rel in variant for k in rel.keys)
        ]
        shared = {k for k in seen if seen.count(k) > 1}
        for index, variant in enumerate(variants):
            target = reduce(merge_entities, (rel.target for rel in variant))
            paths = tuple(dict.fromkeys(p for rel in variant for p in rel.paths))
            keys = tuple(dict.fromkeys(k for rel in variant for k in rel.keys))
            relationships.append(
                replace(
                    variant[0],
                    target=_grouped(target),
                    paths=paths,
                    keys=_qualified(paths) if shared.intersection(keys) else keys,
                    prefetch=any(rel.prefetch for rel in variant),
                    side=index > 0,
                )
            )
    return replace(
        plan,
        relationships=tuple(relationships),
        subtypes=tuple(_grouped(sub) for sub in plan.subtypes),
    )


def _same_rows(first: RelationshipPlan, second: RelationshipPlan) -> bool:
    """Whether two loads of a relationship read the same rows: equal
    arguments and equal row criteria of the target (a model may have
    several types, each restricting its rows by its own ``get_queryset``;
    the lists of two of them are two loads)."""
    return first.arguments == second.arguments and first.target.criteria == second.target.criteria


def _qualified(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of a variant whose response key another variant of the
    same relationship has (one object reached along two paths, each with
    its own arguments): the key of the field holding the list, a dot, and
    the list's own (see :data:`loadplan.storage.SIDE_PREFIX`)."""
    return tuple(dict.fromkeys(".".join(path.split(".")[-2:]) for path in paths))


def merge_entities(first: EntityPlan, second: EntityPlan) -> EntityPlan:
    """One plan of an entity selected twice: the union of both, in order of
    first appearance (relationships are grouped afterwards)."""
    expressions: dict[str, ExpressionLoad] = {e.name: e for e in first.expressions}
    for expression in second.expressions:
        expressions.setdefault(expression.name, expression)
    subtypes = {sub.cls: sub for sub in first.subtypes}
    for sub in second.subtypes:
        subtypes[sub.cls] = merge_entities(subtypes[sub.cls], sub) if sub.cls in subtypes else sub
    return replace(
        first,
        columns=tuple(dict.fromkeys((*first.columns, *second.columns))),
        expressions=tuple(expressions.values()),
        relationships=first.relationships + second.relationships,
        subtypes=tuple(subtypes.values()),
        hints=first.hints.merge(second.hints),
        options=first.options + second.options,
        properties=tuple(dict.fromkeys((*first.properties, *second.properties))),
    )
