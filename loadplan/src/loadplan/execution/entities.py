"""What a plan's entity is loaded as: the class or its polymorphic alias,
the namespace of each class inside it, and its row conditions.

Every mode and strategy loads an entity through these, so the root
statement, joined and batched loads and both modes agree on the entity a
statement selects and the conditions its rows meet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import with_polymorphic
from sqlalchemy.sql.util import ClauseAdapter

from loadplan.execution.binding import Binding
from loadplan.plans import EntityPlan
from loadplan.rules import conditions
from loadplan.state import Memo

__all__ = ["adapted", "criteria_for", "entity_for", "namespace_of"]

_polymorphic: Memo[type[Any], Any] = Memo("with_polymorphic entities")
"""One ``with_polymorphic`` entity per class, kept across requests: each
attribute of a new one builds its SQL expression again on first use."""


def entity_for(plan: EntityPlan) -> Any:
    """The class to load ``plan`` with, or a ``with_polymorphic`` alias of it.

    The alias spans every subclass, not only those with selected fields: an
    object of a subclass left out of it would come back without its primary
    key attribute under joined inheritance (the key spans two tables). Only
    the selected subtypes' columns are loaded; the others add their key.
    """
    if not plan.subtypes:
        return plan.cls
    return _polymorphic.get(plan.cls, lambda: with_polymorphic(plan.cls, "*"))


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


def adapted(entity: Any, clauses: tuple[Any, ...]) -> list[Any]:
    """``clauses`` written on a mapped class (a resolver's ``where`` and
    ``order_by``), made to read ``entity``, the class or its polymorphic
    alias."""
    if not clauses or not inspect(entity).is_aliased_class:
        return list(clauses)
    adapter = ClauseAdapter(inspect(entity).selectable)
    return [adapter.traverse(clause) for clause in clauses]
