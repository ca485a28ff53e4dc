"""From a selection to an :class:`~loadplan.plan.EntityPlan`, cached by shape.

Planning runs in order, per entity: resolve the selected names (and expand
hints), group relationship selections into variants, plan each target
recursively, choose a strategy, then add the key columns the chosen loads
need. Each step lives in its own module; this one composes them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Mapper

from loadplan.execution.arguments import check_paths
from loadplan.plan import EntityPlan, ExpressionLoad, RelationshipPlan, Strategy
from loadplan.planner.fields import ResolvedFields, mapper_of, resolve
from loadplan.planner.keys import key_pairs
from loadplan.planner.strategies import choose_strategy
from loadplan.selection import Arguments, Selection

__all__ = ["PlanSettings", "build_plan", "clear_plan_cache"]


@dataclass(frozen=True)
class PlanSettings:
    """Switches for each optimization, all on by default.

    Turning one off falls back to SQLAlchemy's default for that part:
    ``only`` off loads every column, ``joined`` off loads to-ones with a
    separate batched statement, ``selectin`` off leaves collections to lazy
    loading (strict mode must then be off), ``expressions`` off skips
    computed fields.
    ``batch_size`` is the number of parents one batched statement serves
    (SQLAlchemy's selectinload defaults to 500; a whole-project grid has tens
    of thousands of tasks). It stays under the bind-parameter limits of SQLite
    (32,766) and PostgreSQL (65,535).
    """

    only: bool = True
    joined: bool = True
    selectin: bool = True
    expressions: bool = True
    batch_size: int = 30_000


def _variants(nodes: list[Selection]) -> dict[str, list[list[Selection]]]:
    """Group selections of one relationship by equal arguments.

    Equal arguments (aliases of the same field) load once with the union of
    their sub-selections; different arguments load separately. The variant
    without arguments, if any, comes first so it can fill the attribute.
    """
    groups: dict[str, list[list[Selection]]] = {}
    for node in nodes:
        variants = groups.setdefault(node.name, [])
        for variant in variants:
            if variant[0].arguments == node.arguments:
                variant.append(node)
                break
        else:
            variants.append([node])
    for variants in groups.values():
        variants.sort(key=lambda v: bool(v[0].arguments))
    return groups


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _plan_fields(
    mapper: Mapper[Any],
    fields: ResolvedFields,
    context: Any,
    paths: tuple[str, ...],
    extra_columns: Iterable[str],
    settings: PlanSettings,
    inherited: tuple[str, ...],
) -> EntityPlan:
    columns: list[str] = []
    if not inherited:
        columns.extend(mapper.get_property_by_column(c).key for c in mapper.primary_key)
        if mapper.polymorphic_on is not None:
            discriminator = mapper.get_property_by_column(mapper.polymorphic_on)
            columns.append(discriminator.key)
    columns.extend(extra_columns)
    columns.extend(fields.columns)

    relationships: list[RelationshipPlan] = []
    for name, variants in _variants(fields.relationships).items():
        prop = mapper.relationships[name]
        keys = key_pairs(prop)
        columns.extend(keys.parent_keys)
        for index, variant in enumerate(variants):
            children = tuple(child for node in variant for child in node.children)
            # Each merged selection has a path of its own: arguments below any
            # of them are found under one of these.
            child_paths = tuple(
                dict.fromkeys(_join(p, node.key) for p in paths for node in variant)
            )
            target = _plan_entity(
                prop.mapper, children, context, child_paths, keys.child_keys, settings
            )
            arguments = variant[0].arguments
            check_paths(prop.mapper.class_, arguments)
            strategy = choose_strategy(
                prop,
                target,
                arguments,
                index > 0,
                name in fields.prefetch,
                settings.joined,
            )
            if strategy is Strategy.SELECTIN and not settings.selectin:
                continue
            relationships.append(
                RelationshipPlan(
                    key=name,
                    owner=mapper.class_,
                    strategy=strategy,
                    uselist=bool(prop.uselist),
                    target=target,
                    paths=child_paths,
                    arguments=arguments,
                    keys=tuple(dict.fromkeys(node.key for node in variant)),
                    side=index > 0,
                )
            )

    expressions = (
        tuple(
            ExpressionLoad(name, attribute, source)
            for name, (attribute, source) in fields.expressions.items()
        )
        if settings.expressions
        else ()
    )
    unique = tuple(dict.fromkeys(c for c in columns if c not in inherited))
    return EntityPlan(
        cls=mapper.class_,
        columns=unique,
        expressions=expressions,
        relationships=tuple(relationships),
        hints=fields.hints,
        options=tuple(fields.options),
        properties=tuple(fields.properties),
    )


def _plan_entity(
    mapper: Mapper[Any],
    nodes: Iterable[Selection],
    context: Any,
    paths: tuple[str, ...],
    extra_columns: Iterable[str],
    settings: PlanSettings,
) -> EntityPlan:
    by_mapper = resolve(mapper, nodes, context)
    base_fields = by_mapper.pop(mapper, None) or ResolvedFields(mapper.class_)
    base = _plan_fields(mapper, base_fields, context, paths, extra_columns, settings, ())
    if not by_mapper:
        return base
    subtypes = tuple(
        _plan_fields(sub, fields, context, paths, (), settings, base.columns)
        for sub, fields in by_mapper.items()
    )
    return EntityPlan(
        cls=base.cls,
        columns=base.columns,
        expressions=base.expressions,
        relationships=base.relationships,
        subtypes=subtypes,
        hints=base.hints,
        options=base.options,
        properties=base.properties,
    )


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


def _separate_conflicts(plan: EntityPlan) -> EntityPlan:
    """Keep per-parent pages out of the relationship attribute where the same
    relationship is loaded elsewhere in the tree with other arguments.

    One object can be reached along several paths (a task's entity is also a
    project's entity): writing a page of its tasks into ``entity.tasks`` would
    overwrite the full list another path loaded, so such pages are kept beside
    the attribute, under their keys.
    """
    found: dict[tuple[Any, str], set[Arguments]] = {}
    _signatures(plan, found)
    conflicting = {key for key, variants in found.items() if len(variants) > 1}
    return _separate(plan, conflicting) if conflicting else plan


def _shape(node: Selection) -> Hashable:
    """The cache key of a selection: its tree without argument values, plus
    which sibling selections of one relationship have equal arguments."""
    seen: dict[tuple[str, str | None], list[Any]] = {}
    children = []
    for child in node.children:
        variants = seen.setdefault((child.name, child.type_condition), [])
        if child.arguments not in variants:
            variants.append(child.arguments)
        children.append(
            (
                child.name,
                child.alias,
                child.type_condition,
                child.arguments.shape(),
                variants.index(child.arguments),
                child.hints,
                _shape(child),
            )
        )
    return tuple(children)


def _dynamic(node: Selection) -> bool:
    return bool(node.hints and node.hints.dynamic) or any(_dynamic(c) for c in node.children)


class _PlanCache:
    """A bounded, thread-safe LRU of entity plans."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._plans: OrderedDict[Hashable, EntityPlan] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> EntityPlan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                self.misses += 1
                return None
            self._plans.move_to_end(key)
            self.hits += 1
            return plan

    def put(self, key: Hashable, plan: EntityPlan) -> None:
        with self._lock:
            self._plans[key] = plan
            if len(self._plans) > self._size:
                self._plans.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self.hits = self.misses = 0


plan_cache = _PlanCache()


def clear_plan_cache() -> None:
    plan_cache.clear()


def build_plan(
    cls: type[Any], selection: Selection, context: Any, settings: PlanSettings
) -> EntityPlan:
    """The entity plan of ``selection`` on ``cls``; cached unless a hint
    computes its paths from the request context."""
    check_paths(cls, selection.arguments)
    if _dynamic(selection):
        return _build(cls, selection, context, settings)
    key = (cls, _shape(selection), settings)
    plan = plan_cache.get(key)
    if plan is None:
        plan = _build(cls, selection, context, settings)
        plan_cache.put(key, plan)
    return plan


def _build(
    cls: type[Any], selection: Selection, context: Any, settings: PlanSettings
) -> EntityPlan:
    plan = _plan_entity(mapper_of(cls), selection.children, context, ("",), (), settings)
    return _separate_conflicts(plan)
