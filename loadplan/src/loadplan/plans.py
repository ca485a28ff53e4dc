"""The load plan: pure data saying what to load and how.

A plan is computed once per selection shape (see :mod:`loadplan.planner`) and
holds no argument values and no SQL: execution modules turn it into loader
options or statements. Keeping it plain data is what makes plans printable,
comparable in tests and cacheable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from loadplan.expressions import Computed
from loadplan.hints import Hints
from loadplan.properties import property_needs_object
from loadplan.selection import Arguments

__all__ = ["EntityPlan", "ExpressionLoad", "RelationshipPlan", "Strategy"]


class Strategy(StrEnum):
    """How a relationship is loaded."""

    #: In the parent's statement, through a LEFT OUTER JOIN (to-one only).
    JOINED = "joined"
    #: One batched ``IN`` statement per relationship and level (SQLAlchemy's selectinload).
    SELECTIN = "selectin"
    #: loadplan's own batched statement, for lists with filters, ordering or a
    #: per-parent page (``ROW_NUMBER() OVER (PARTITION BY ...)``), attached to
    #: the parents after the parent statement ran.
    WINDOWED = "windowed"


@dataclass(frozen=True)
class ExpressionLoad:
    """A SQL expression loaded into the ``query_expression`` attribute ``attribute``."""

    name: str
    attribute: str
    source: Computed


@dataclass(frozen=True)
class RelationshipPlan:
    """One relationship load: which attribute, how, with what below it.

    ``arguments`` keeps the *shape* the plan was made for; the values come from
    the selection when the plan is bound. ``keys`` are the response keys
    (aliases) of the selections merged into this load; ``side`` is true for a
    second, differently-filtered variant of the same relationship, which is
    kept beside the attribute under those keys (see :func:`loadplan.related`).
    ``paths`` are the argument paths of the selection nodes merged here
    (response keys joined by dots), used to find argument values.
    ``prefetch``: a hint asked for a statement of its own (never joined);
    ``batch_size``: the parents one batched statement serves.
    """

    key: str
    owner: type[Any]
    strategy: Strategy
    uselist: bool
    target: EntityPlan
    paths: tuple[str, ...]
    arguments: Arguments = field(default_factory=Arguments)
    keys: tuple[str, ...] = ()
    side: bool = False
    prefetch: bool = False
    batch_size: int = 30_000

    @property
    def windowed(self) -> bool:
        return self.strategy is Strategy.WINDOWED


@dataclass(frozen=True)
class EntityPlan:
    """What to load for one mapped class at one place in the tree.

    ``subtypes`` are the polymorphic subclasses whose own fields were selected
    (each with only its own columns and relationships); ``criteria`` restrict
    which rows of this entity may be loaded here; ``options`` are loader
    options a hint supplied, applied relative to this entity; ``properties``
    are Python properties selected (they need objects to run on).
    """

    cls: type[Any]
    columns: tuple[str, ...]
    expressions: tuple[ExpressionLoad, ...] = ()
    relationships: tuple[RelationshipPlan, ...] = ()
    subtypes: tuple[EntityPlan, ...] = ()
    hints: Hints = field(default_factory=Hints)
    options: tuple[Any, ...] = ()
    properties: tuple[str, ...] = ()

    @property
    def polymorphic(self) -> bool:
        return bool(self.subtypes)

    @property
    def criteria(self) -> tuple[Any, ...]:
        return self.hints.criteria

    def all_relationships(self) -> tuple[RelationshipPlan, ...]:
        """Relationships of this entity and of its selected subtypes."""
        nested = tuple(r for sub in self.subtypes for r in sub.relationships)
        return self.relationships + nested

    def statement_count(self) -> int:
        """Statements this entity's subtree issues, the entity's own not counted.

        Counts one statement per selectin or windowed relationship, none for a
        joined one, assuming every level has rows (an empty level issues
        nothing below it) and at most ``PlanSettings.batch_size`` parents per
        level.
        """
        total = 0
        for rel in self.all_relationships():
            total += 0 if rel.strategy is Strategy.JOINED else 1
            total += rel.target.statement_count()
        return total

    def needs_objects(self) -> bool:
        """Whether anything below can only be answered from ORM objects: a
        model property declared ``needs_object``, or a hint's own loader options."""
        return self._objects_needed

    @cached_property
    def _objects_needed(self) -> bool:
        # Asked several times per request of a cached plan: computed once.
        parts = (self, *self.subtypes)
        own = any(
            p.options or any(property_needs_object(p.cls, name) for name in p.properties)
            for p in parts
        )
        return own or any(rel.target.needs_objects() for rel in self.all_relationships())

    def has_properties(self) -> bool:
        """Whether a model property is selected here or anywhere below."""
        return any(p.properties for p in (self, *self.subtypes)) or any(
            rel.target.has_properties() for rel in self.all_relationships()
        )

    def has_side_lists(self) -> bool:
        """Whether a list anywhere below is kept beside its attribute."""
        return any(rel.side or rel.target.has_side_lists() for rel in self.all_relationships())

    def explain(self, indent: str = "") -> list[str]:
        lines = [f"{indent}columns: {', '.join(self.columns)}"]
        lines.extend(
            f"{indent}expression {e.name} -> {e.attribute}: {e.source.label}"
            for e in self.expressions
        )
        if self.criteria:
            lines.append(f"{indent}criteria: {len(self.criteria)}")
        for rel in self.relationships:
            lines.extend(_explain_relationship(rel, indent))
        for sub in self.subtypes:
            lines.append(f"{indent}as {sub.cls.__name__}:")
            lines.extend(sub.explain(indent + "  "))
        return lines


def _explain_relationship(rel: RelationshipPlan, indent: str) -> list[str]:
    details = [rel.strategy.value]
    if rel.arguments.filters:
        details.append("filter " + ", ".join(f.describe() for f in rel.arguments.filters))
    if rel.arguments.order_by:
        details.append(
            "order "
            + ", ".join(("-" if o.descending else "") + o.path for o in rel.arguments.order_by)
        )
    if rel.arguments.paginated:
        details.append("page per parent" if rel.arguments.counted else "page per parent, no total")
    if rel.side:
        details.append(f"as {', '.join(rel.keys)}")
    head = f"{indent}{rel.key} -> {rel.target.cls.__name__} [{'; '.join(details)}]"
    return [head, *rel.target.explain(indent + "  ")]
