"""The public entry point: ``plan(Model, selection)`` and what a plan can do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.orm import Session

from loadplan.execution.arguments import filter_condition, order_expression, reversed_order
from loadplan.execution.binding import Binding, Strict, argument_values
from loadplan.execution.entities import criteria_for, entity_for
from loadplan.execution.events import PLAN_OPTION, PlannedMarker
from loadplan.execution.orm import entity_options, loads_after
from loadplan.execution.rows.load import load_rows
from loadplan.plan import EntityPlan
from loadplan.planner import PlanSettings, build_plan
from loadplan.rules import Rules
from loadplan.selection import Selection

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["Plan", "configure", "plan"]

S = TypeVar("S", bound=Select[Any])

_defaults: dict[str, Any] = {"strict": Strict.WARN, "settings": PlanSettings()}


def configure(*, strict: Strict | str | None = None, settings: PlanSettings | None = None) -> None:
    """Set process-wide defaults: the strict mode (``raise``, ``warn`` or ``off``;
    ``warn`` unless configured) and the optimization switches."""
    if strict is not None:
        _defaults["strict"] = Strict(strict)
    if settings is not None:
        _defaults["settings"] = settings


@dataclass(frozen=True)
class Plan:
    """A cached entity plan bound to one request's argument values and context."""

    root: EntityPlan
    binding: Binding

    def apply(self, stmt: S) -> S:
        """Add the plan's loading to ``stmt``; its own filters, ordering and
        options stay. Arguments of the root selection (filters, ordering, page)
        are added to it too."""
        root = self.root
        entity = entity_for(root)
        stmt = self.restrict(stmt, entity)
        options = entity_options(root, entity, self.binding)
        if self.binding.strict is Strict.WARN:
            options.append(PlannedMarker())
        stmt = stmt.options(*options)
        if loads_after(root):
            stmt = stmt.execution_options(**{PLAN_OPTION: (root, self.binding)})
        return stmt

    def restrict(self, stmt: S, entity: Any) -> S:
        """``stmt`` with the root's rules and arguments (filters, ordering,
        page), selecting ``entity`` (the root class or its polymorphic alias)."""
        root = self.root
        if entity is not root.cls:
            stmt = _with_root_entity(stmt, root.cls, entity)
        arguments = self.binding.arguments_at("")
        criteria = criteria_for(root, entity, self.binding)
        if criteria:
            stmt = stmt.where(*criteria)
        if arguments.filters:
            stmt = stmt.where(*[filter_condition(entity, f) for f in arguments.filters])
        if arguments.reverse:
            # Counting from the end: the client's order (else the statement's
            # own), then the key, all turned around.
            terms = [order_expression(entity, o) for o in arguments.order_by] or list(
                stmt._order_by_clauses
            )
            key = [getattr(entity, k) for k in _key_attributes(root.cls)]
            stmt = stmt.order_by(None).order_by(*reversed_order([*terms, *key]))
        elif arguments.order_by:
            stmt = stmt.order_by(*[order_expression(entity, o) for o in arguments.order_by])
        if arguments.limit is not None:
            stmt = stmt.limit(arguments.limit)
        if arguments.offset:
            stmt = stmt.offset(arguments.offset)
        return stmt

    def rows(self, session: Session, stmt: Select[Any]) -> list[dict[str, Any]]:
        """Run ``stmt`` in row mode: nested dicts, no ORM objects (see
        :mod:`loadplan.execution.rows.load`). Only for plans that do not
        :meth:`~loadplan.plan.EntityPlan.needs_objects`."""
        entity = entity_for(self.root)
        return load_rows(session, self.root, self.binding, self.restrict(stmt, entity))

    async def arows(self, session: AsyncSession, stmt: Select[Any]) -> list[dict[str, Any]]:
        """:meth:`rows` with an async session."""
        return await session.run_sync(lambda sync: self.rows(sync, stmt))

    @property
    def supports_rows(self) -> bool:
        """Whether the row mode can answer this plan."""
        return not self.root.needs_objects()

    def count(self, stmt: Select[Any]) -> Select[Any]:
        """A statement counting the rows ``apply(stmt)`` would return without
        its page (the root arguments' filters kept, limit and offset dropped)."""
        arguments = self.binding.arguments_at("")
        criteria = criteria_for(self.root, self.root.cls, self.binding)
        if criteria:
            stmt = stmt.where(*criteria)
        if arguments.filters:
            stmt = stmt.where(*[filter_condition(self.root.cls, f) for f in arguments.filters])
        inner = stmt.order_by(None).limit(None).offset(None).subquery()
        return select(func.count()).select_from(inner)

    def statement_count(self) -> int:
        """Statements a query with this plan issues when every level has rows."""
        return 1 + self.root.statement_count()

    def explain(self) -> str:
        """The plan as an indented tree, one line per column set or relationship."""
        header = f"{self.root.cls.__name__} ({self.statement_count()} statements)"
        return "\n".join([header, *self.root.explain("  ")])


def _key_attributes(cls: type[Any]) -> list[str]:
    mapper = inspect(cls)
    return [mapper.get_property_by_column(c).key for c in mapper.primary_key]


def _with_root_entity(stmt: S, cls: type[Any], entity: Any) -> S:
    """Swap the root class of ``stmt`` for its ``with_polymorphic`` alias."""
    descriptions = stmt.column_descriptions
    if not descriptions or descriptions[0].get("expr") is not cls:
        return stmt
    rest = [d["expr"] for d in descriptions[1:]]
    return stmt.with_only_columns(entity, *rest)  # type: ignore[return-value]


def plan(
    cls: type[Any],
    selection: Selection,
    *,
    context: Any = None,
    strict: Strict | str | None = None,
    settings: PlanSettings | None = None,
    rules: Rules | None = None,
) -> Plan:
    """Plan loading ``selection`` on ``cls``.

    Planning is cached per class and selection shape: a repeated request only
    binds its argument values. ``rules`` (class → ``rule(entity, context)``)
    restrict the rows of those classes (and their subclasses) wherever the
    plan loads them: root statement, lists, to-ones, pages, totals, counts. Raises :class:`~loadplan.errors.PlanError`
    before anything runs when the selection names an unknown attribute or one
    of the wrong kind.
    """
    chosen = settings or _defaults["settings"]
    root = build_plan(cls, selection, context, chosen)
    binding = Binding(
        context=context,
        strict=Strict(strict) if strict is not None else _defaults["strict"],
        arguments=argument_values(selection),
        rules=dict(rules or {}),
    )
    return Plan(root, binding)
