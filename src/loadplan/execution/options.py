"""Turn an entity plan into SQLAlchemy loader options.

Options are built relative to an *entity*: the mapped class, or the
``with_polymorphic`` alias when subtypes are loaded, so the same code serves
the root statement, joined and selectin loads, and loadplan's own windowed
statements.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import (
    joinedload,
    load_only,
    raiseload,
    selectinload,
    with_expression,
    with_polymorphic,
)

from loadplan.execution.binding import Binding, Strict
from loadplan.plan import EntityPlan, Strategy
from loadplan.rules import applying, conditions


def entity_for(plan: EntityPlan) -> Any:
    """The class to load ``plan`` with, or a ``with_polymorphic`` alias of it.

    The alias spans every subclass, not only those with selected fields: an
    object of a subclass left out of it would come back without its primary
    key attribute under joined inheritance (the key spans two tables). Only
    the selected subtypes' columns are loaded; the others add their key.
    """
    if not plan.subtypes:
        return plan.cls
    found = _polymorphic.get(plan.cls)
    if found is None:
        found = _polymorphic[plan.cls] = with_polymorphic(plan.cls, "*")
    return found


_polymorphic: dict[type[Any], Any] = {}
"""One ``with_polymorphic`` entity per class, kept across requests: each
attribute of a new one builds its SQL expression again on first use."""


def namespace_of(entity: Any, cls: type[Any]) -> Any:
    """The attribute namespace of ``cls`` within ``entity``."""
    if entity is cls:
        return entity
    info = inspect(entity)
    if info.is_aliased_class and info.mapper.class_ is not cls:
        return getattr(entity, cls.__name__)
    return entity


def criteria_for(plan: EntityPlan, entity: Any, binding: Binding) -> list[Any]:
    """Row conditions of ``plan``'s entity: its hints' criteria and the rules
    on its class."""
    hinted = [criterion(entity, binding.context) for criterion in plan.criteria]
    return hinted + conditions(binding.rules, plan.cls, entity, binding.context)


def entity_options(plan: EntityPlan, entity: Any, binding: Binding) -> list[Any]:
    """Loader options for ``plan``, relative to ``entity``."""
    strict = binding.strict is Strict.RAISE
    options: list[Any] = []
    parts = (plan, *plan.subtypes)
    columns = [
        getattr(namespace_of(entity, part.cls), key) for part in parts for key in part.columns
    ]
    options.append(load_only(*columns, raiseload=strict))
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
            if rel.strategy is Strategy.WINDOWED:
                continue
            target = entity_for(rel.target)
            attribute = getattr(namespace, rel.key)
            if target is not rel.target.cls:
                attribute = attribute.of_type(target)
            criteria = criteria_for(rel.target, target, binding)
            if criteria:
                attribute = attribute.and_(*criteria)
            # A relationship may default to an inner join; criteria in the
            # ON clause must hide the target, never the parent row.
            loader = (
                joinedload(attribute, innerjoin=False if criteria else None)
                if rel.strategy is Strategy.JOINED
                else selectinload(attribute, chunksize=rel.batch_size)
            )
            options.append(loader.options(*entity_options(rel.target, target, binding)))
        options.extend(part.options)
    if strict:
        options.append(raiseload("*"))
    return options
