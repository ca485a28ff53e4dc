"""A plan's root statement: the caller's ``Select`` with the plan's rules,
root arguments and loading added, in either mode, and its count.

Both modes start here, so the root rows they read are the same rows: the
same row conditions, filters, order and page. The ORM mode adds its loader
options (:func:`planned`); the row mode selects columns instead
(:mod:`loadplan.execution.rows.load`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from loadplan.arguments import filter_condition, order_terms, reversed_order, seek_conditions
from loadplan.execution.binding import Binding, Strict
from loadplan.execution.entities import criteria_for, entity_for
from loadplan.execution.events import PLAN_OPTION, PlannedMarker
from loadplan.execution.orm import entity_options, loads_after
from loadplan.mapping import primary_key
from loadplan.plans import EntityPlan

__all__ = ["counted", "planned", "restricted"]

S = TypeVar("S", bound=Select[Any])


def planned(root: EntityPlan, binding: Binding, stmt: S) -> S:
    """``stmt`` restricted (:func:`restricted`) with the ORM mode's loader
    options; a plan that loads after the statement marks it for the session
    hook (:mod:`loadplan.execution.events`)."""
    entity = entity_for(root)
    stmt = restricted(root, binding, stmt, entity)
    options = entity_options(root, entity, binding)
    if binding.strict is Strict.WARN:
        options.append(PlannedMarker())
    stmt = stmt.options(*options)
    if loads_after(root):
        stmt = stmt.execution_options(**{PLAN_OPTION: (root, binding)})
    return stmt


def restricted(root: EntityPlan, binding: Binding, stmt: S, entity: Any) -> S:
    """``stmt`` with the root's rules and arguments (filters, ordering,
    page), selecting ``entity`` (the root class or its polymorphic alias)."""
    if entity is not root.cls:
        stmt = _with_root_entity(stmt, root.cls, entity)
    arguments = binding.arguments_at("")
    criteria = criteria_for(root, entity, binding)
    if criteria:
        stmt = stmt.where(*criteria)
    if arguments.filters:
        stmt = stmt.where(*[filter_condition(entity, f) for f in arguments.filters])
    if arguments.seek is not None:
        stmt = stmt.where(*seek_conditions(entity, arguments))
    if arguments.reverse:
        # Counting from the end: the client's order (else the statement's
        # own), then the key, all turned around.
        terms = order_terms(entity, arguments.order_by) or list(stmt._order_by_clauses)
        key = [getattr(entity, k) for k in primary_key(root.cls)]
        stmt = stmt.order_by(None).order_by(*reversed_order([*terms, *key]))
    elif arguments.order_by:
        stmt = stmt.order_by(*order_terms(entity, arguments.order_by))
    if arguments.limit is not None:
        stmt = stmt.limit(arguments.limit)
    if arguments.offset:
        stmt = stmt.offset(arguments.offset)
    return stmt


def counted(root: EntityPlan, binding: Binding, stmt: Select[Any]) -> Select[Any]:
    """A statement counting the rows :func:`restricted` would return without
    its page (the root arguments' filters kept, limit, offset and seek
    dropped)."""
    arguments = binding.arguments_at("")
    criteria = criteria_for(root, root.cls, binding)
    if criteria:
        stmt = stmt.where(*criteria)
    if arguments.filters:
        stmt = stmt.where(*[filter_condition(root.cls, f) for f in arguments.filters])
    inner = stmt.order_by(None).limit(None).offset(None).subquery()
    return select(func.count()).select_from(inner)


def _with_root_entity(stmt: S, cls: type[Any], entity: Any) -> S:
    """Swap the root class of ``stmt`` for its ``with_polymorphic`` alias."""
    descriptions = stmt.column_descriptions
    if not descriptions or descriptions[0].get("expr") is not cls:
        return stmt
    rest = [d["expr"] for d in descriptions[1:]]
    return stmt.with_only_columns(entity, *rest)  # type: ignore[return-value]
