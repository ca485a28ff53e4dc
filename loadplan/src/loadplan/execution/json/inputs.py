"""What one request puts into a JSON statement, gathered before it is built.

A JSON statement is large (a grid's is thousands of SQL elements), and
building it, then having SQLAlchemy derive its cache key, costs more than
the database takes to run it. Most of it is the same on every request of a
plan; what a request changes is the root statement (its filters and page),
the list arguments, and what row rules, hinted criteria and computed
expressions make of its context. :func:`gather` builds those parts alone,
walking the layout in the order the statement's writer asks for them, so
that a statement built for equal parts by an earlier request is reused
(:mod:`loadplan.execution.statement_cache`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased

from loadplan.execution.binding import Binding
from loadplan.execution.entities import criteria_for, entity_for, namespace_of
from loadplan.execution.json.errors import NotEligible
from loadplan.execution.json.layout import Constant, Layout, Related, Scalar
from loadplan.execution.strategies import load_of
from loadplan.plans import RelationshipPlan, Strategy
from loadplan.rules import applying
from loadplan.selection import Arguments
from loadplan.state import Memo

__all__ = ["Inputs", "Joins", "gather", "join_alias"]


@dataclass
class Inputs:
    """A request's parts of a JSON statement, each kind in the order the
    writer asks for it: computed expressions, row conditions (of each
    joined alias and each subquery's rows) and list arguments."""

    expressions: list[ColumnElement[Any]] = field(default_factory=list)
    criteria: list[list[Any]] = field(default_factory=list)
    arguments: list[Arguments] = field(default_factory=list)

    def built(self) -> list[Any]:
        """The built SQL parts, for the statement cache."""
        return [*self.expressions, *(c for found in self.criteria for c in found)]

    def readers(self) -> tuple[Iterator[Any], Iterator[list[Any]], Iterator[Arguments]]:
        return iter(self.expressions), iter(self.criteria), iter(self.arguments)


@dataclass
class Joins:
    """The aliases one statement (or subquery) outer-joins, each to-one of
    each entity once."""

    aliases: dict[tuple[int, str], Any] = field(default_factory=dict)
    used: list[Any] = field(default_factory=list)

    def below(self) -> Joins:
        """The joins of a subquery of this statement: aliases of its own,
        none it can see from here (the same alias joined inside would hide
        the outer one, and the subquery's correlation to its parent row
        would read its own join instead)."""
        return Joins(used=list(self.used))

    def alias(self, entity: Any, rel: RelationshipPlan) -> tuple[Any, bool]:
        """The alias of ``rel`` from ``entity``, and whether it is new here."""
        key = (id(entity), rel.key)
        found = self.aliases.get(key)
        if found is not None:
            return found, False
        found = self.aliases[key] = join_alias(rel.target.cls, self.used)
        self.used.append(found)
        return found, True


_aliases: Memo[type[Any], list[Any]] = Memo("JSON mode join aliases")


def join_alias(cls: type[Any], used: list[Any]) -> Any:
    """An alias of ``cls`` not in ``used``, kept across requests (a new
    alias builds each column's expression on first use)."""
    taken = {id(alias) for alias in used}
    pool = _aliases.get(cls, list)
    for alias in pool:
        if id(alias) not in taken:
            return alias
    alias = aliased(cls)
    pool.append(alias)
    return alias


def gather(layout: Layout, entity: Any, binding: Binding) -> Inputs:
    """The parts a request puts into the JSON statement of ``layout`` over
    ``entity`` (the root's class or alias)."""
    inputs = Inputs()
    _object(layout, entity, binding, inputs, Joins())
    return inputs


def _object(layout: Layout, entity: Any, binding: Binding, inputs: Inputs, joins: Joins) -> None:
    for part in layout.parts:
        if isinstance(part, Constant):
            continue
        source = entity
        for rel in part.hops:
            source = _joined(source, rel, binding, inputs, joins)
        if isinstance(part, Scalar):
            if part.expression is not None:
                level = layout.plan
                for rel in part.hops:
                    level = rel.target
                namespace = namespace_of(source, level.cls)
                with applying(binding.rules, binding.context):
                    inputs.expressions.append(part.expression.source(namespace, binding.context))
            continue
        _related(part, source, binding, inputs, joins)


def _joined(
    entity: Any, rel: RelationshipPlan, binding: Binding, inputs: Inputs, joins: Joins
) -> Any:
    alias, new = joins.alias(entity, rel)
    if new:
        inputs.criteria.append(criteria_for(rel.target, alias, binding))
    return alias


def _related(part: Related, entity: Any, binding: Binding, inputs: Inputs, joins: Joins) -> None:
    rel = part.rel
    if rel.strategy is Strategy.JOINED:
        alias = _joined(entity, rel, binding, inputs, joins)
        _object(part.layout, alias, binding, inputs, joins)
        return
    arguments = load_of(rel).arguments(rel, binding)
    if arguments.reverse:
        raise NotEligible(f"{rel.key}: a page counted from the end")
    if arguments.conditions or arguments.ordering:
        raise NotEligible(f"{rel.key}: conditions or ordering of a resolver's statement")
    inputs.arguments.append(arguments)
    rows = entity_for(rel.target)
    inputs.criteria.append(criteria_for(rel.target, rows, binding))
    _object(part.layout, rows, binding, inputs, joins.below())
