"""The public entry point: ``plan(Model, selection)`` and what a plan can do.

A :class:`Plan` is the one door to execution: :meth:`Plan.fetch` chooses the
mode, runs the statements and returns a :class:`~loadplan.loaded.Loaded`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, bindparam, inspect
from sqlalchemy.orm import Session

from loadplan.documents import Document
from loadplan.execution.binding import Binding, Strict, argument_values
from loadplan.execution.entities import entity_for
from loadplan.execution.json import Incomplete, NotEligible, layout_of, load_documents
from loadplan.execution.rows.load import load_rows
from loadplan.execution.rows.objects import attach_objects
from loadplan.execution.statements import counted, planned, restricted
from loadplan.loaded import Loaded, Mode, Paging, Ran
from loadplan.planner import PlanSettings, build_plan
from loadplan.plans import EntityPlan
from loadplan.rules import Rules
from loadplan.selection import Selection

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["Plan", "RootStatement", "configure", "plan", "plan_settings"]

S = TypeVar("S", bound=Select[Any])

RootStatement = Select[Any] | Callable[[], Select[Any]]
"""The root statement a plan runs: built, or a function building it, which
:meth:`Plan.fetch` calls only when the statement is needed (not when a
statement kept for its ``key`` answers)."""

_defaults: dict[str, Any] = {"strict": Strict.WARN, "settings": PlanSettings()}


def configure(*, strict: Strict | str | None = None, settings: PlanSettings | None = None) -> None:
    """Set process-wide defaults: the strict mode (``raise``, ``warn`` or ``off``;
    ``warn`` unless configured) and the optimization switches."""
    if strict is not None:
        _defaults["strict"] = Strict(strict)
    if settings is not None:
        _defaults["settings"] = settings


def plan_settings() -> PlanSettings:
    """The optimization switches :func:`plan` uses without ``settings``
    (part of the key of a cache of plans made with them)."""
    settings: PlanSettings = _defaults["settings"]
    return settings


@dataclass(frozen=True)
class Plan:
    """A cached entity plan bound to one request's argument values and context.

    :meth:`fetch` runs it; :meth:`apply` only adds its loading to a statement
    the caller runs. ``rows_plan`` and ``object_plans`` are set by
    :meth:`with_objects`, ``document`` by :meth:`with_document`.
    """

    root: EntityPlan
    binding: Binding
    rows_plan: Plan | None = None
    object_plans: tuple[tuple[type[Any], Plan], ...] = ()
    document: Document | None = None

    def with_document(self, document: Document | None) -> Plan:
        """This plan, whose items a front end writes as ``document``: what
        the JSON mode builds in the database (see :mod:`loadplan.documents`)."""
        return replace(self, document=document)

    def bound(self, context: Any, context_key: Hashable | None = None) -> Plan:
        """This plan bound to another request's context (and its
        ``context_key``, see :func:`plan`), its argument values and rules
        kept: a front end that caches a plan per request shape (the REST
        endpoints) binds only the context per request, so row rules are
        evaluated for each request's principal."""
        binding = replace(
            self.binding, context=context, context_key=context_key, strict=_defaults["strict"]
        )
        rows_plan = self.rows_plan
        return replace(
            self,
            binding=binding,
            rows_plan=rows_plan.bound(context, context_key) if rows_plan is not None else None,
            object_plans=tuple(
                (cls, p.bound(context, context_key)) for cls, p in self.object_plans
            ),
        )

    def with_objects(self, rows: Plan, objects: Sequence[tuple[type[Any], Plan]]) -> Plan:
        """This plan, answered in the row mode by ``rows`` (the same request
        without the subtrees that need ORM objects) and, for each class of
        ``objects``, by its rows' objects, loaded by the plan beside it and
        kept in each row under ``loadplan.storage.OBJECT_KEY``."""
        return replace(self, rows_plan=rows, object_plans=tuple(objects))

    def mode(self, wanted: Mode = "auto", dialect: Dialect | None = None) -> Ran:
        """The mode :meth:`fetch` runs when ``wanted`` on ``dialect``: the
        JSON mode when wanted, or automatically where the plan has a
        document and is eligible on ``dialect``; else the row mode unless
        the ORM mode is wanted or something below needs objects. Wanting
        the JSON mode for a plan it cannot answer raises
        :class:`~loadplan.errors.PlanError` saying why."""
        if wanted == "json":
            self._check_json(dialect)
            return "json"
        if wanted == "auto" and dialect is not None and self.supports_json(dialect):
            return "json"
        return "rows" if wanted != "orm" and self.supports_rows else "orm"

    def supports_json(self, dialect: Dialect) -> bool:
        """Whether the JSON mode can answer this plan on ``dialect``."""
        try:
            self._check_json(dialect)
        except NotEligible:
            return False
        return True

    def _check_json(self, dialect: Dialect | None) -> None:
        if self.document is None:
            raise NotEligible("the plan has no document (see Plan.with_document)")
        if self.rows_plan is not None or self.root.needs_objects():
            raise NotEligible("something below needs ORM objects")
        if dialect is not None:
            layout_of(self.root, self.document, dialect)

    @property
    def supports_rows(self) -> bool:
        """Whether the row mode can answer this plan."""
        return not (self.rows_plan or self).root.needs_objects()

    def fetch(
        self,
        session: Session,
        stmt: RootStatement,
        *,
        mode: Mode = "auto",
        page: Paging | None = None,
        total: bool = False,
        key: Hashable | None = None,
    ) -> Loaded:
        """Run ``stmt`` with this plan in the mode :meth:`mode` chooses,
        ``page`` applied (see :class:`~loadplan.loaded.Paging`), and its
        total counted if ``total``.

        ``key`` (optional, with a context key, see :func:`plan`) declares
        that ``stmt`` is decided by it alone: two fetches of plans of this
        selection and document, wherever they run, with equal keys, context
        keys, argument values and page (its limit and offset; a keyset page
        is never kept) run the same statement, so a key names what the query
        is, not only its values. The JSON mode then keeps its statement per
        key and answers a key seen before without building ``stmt`` (pass a
        function to skip building it), its restrictions, its page or their
        cache key. A root statement binding a value computed at execution
        (a ``callable_``, as ``with_parent`` binds) is never kept."""
        statement = _Built(stmt)
        ran = self.mode(mode, session.get_bind(self.root.cls).dialect)
        if ran == "json":
            try:
                items: list[Any] = self._documents(session, statement, page, key)
            except Incomplete:
                # The other modes refuse what the item lacks: let them.
                ran = self.mode("rows")
            except NotEligible:
                # A computed expression's type is known once it is built.
                if mode == "json":
                    raise
                ran = self.mode("rows")
        if ran == "rows":
            items = self._rows(session, statement(), page)
        elif ran == "orm":
            paged = _paged(self.apply(statement()), self.root.cls, page)
            items = list(session.scalars(paged).unique())
        more = page is not None and page.limit is not None and len(items) > page.limit
        if more:
            items = items[: page.limit] if page is not None else items
        count = session.scalar(self.count(statement())) if total else None
        return Loaded(items, ran, count, more)

    async def afetch(
        self,
        session: AsyncSession,
        stmt: RootStatement,
        *,
        mode: Mode = "auto",
        page: Paging | None = None,
        total: bool = False,
        key: Hashable | None = None,
    ) -> Loaded:
        """:meth:`fetch` with an async session: the same statements."""
        return await session.run_sync(
            lambda sync: self.fetch(sync, stmt, mode=mode, page=page, total=total, key=key)
        )

    def _documents(
        self, session: Session, stmt: _Built, page: Paging | None, key: Hashable | None
    ) -> list[Any]:
        assert self.document is not None
        entity = entity_for(self.root)

        def paged() -> Select[Any]:
            return _paged(restricted(self.root, self.binding, stmt(), entity), self.root.cls, page)

        kept = None if key is None or self.binding.context_key is None else _page_key(key, page)
        return load_documents(session, self.root, self.binding, self.document, paged, entity, kept)

    def _rows(self, session: Session, stmt: Select[Any], page: Paging | None) -> list[Any]:
        plan = self.rows_plan or self
        entity = entity_for(plan.root)
        paged = _paged(restricted(plan.root, plan.binding, stmt, entity), plan.root.cls, page)
        rows = load_rows(session, plan.root, plan.binding, paged)
        for cls, objects in self.object_plans:
            attach_objects(session, plan.root, rows, cls, objects.apply)
        return rows

    def apply(self, stmt: S) -> S:
        """Add the plan's loading to ``stmt``; its own filters, ordering and
        options stay. Arguments of the root selection (filters, ordering, page)
        are added to it too."""
        return planned(self.root, self.binding, stmt)

    def count(self, stmt: Select[Any]) -> Select[Any]:
        """A statement counting the rows ``apply(stmt)`` would return without
        its page (the root arguments' filters kept, limit and offset dropped)."""
        return counted(self.root, self.binding, stmt)

    def statement_count(self) -> int:
        """Statements a query with this plan issues when every level has rows."""
        return 1 + self.root.statement_count()

    def explain(self) -> str:
        """The plan as an indented tree, one line per column set or relationship."""
        header = f"{self.root.cls.__name__} ({self.statement_count()} statements)"
        return "\n".join([header, *self.root.explain("  ")])


class _Built:
    """A :data:`RootStatement`, built on first use and only then."""

    def __init__(self, stmt: RootStatement) -> None:
        self._source = stmt
        self._built: Select[Any] | None = stmt if isinstance(stmt, Select) else None

    def __call__(self) -> Select[Any]:
        if self._built is None:
            assert not isinstance(self._source, Select)
            self._built = self._source()
        return self._built


def _page_key(key: Hashable, page: Paging | None) -> Hashable | None:
    """``key`` with what the page puts in the statement (no page; or its
    limit and offset, after the primary key it orders by); ``None`` for a
    keyset page, whose cursor values would make an entry no later request
    reuses."""
    if page is None:
        return (key, "unpaged")
    return None if page.after is not None else (key, "paged", page.limit, page.offset)


def _paged(stmt: S, cls: type[Any], page: Paging | None) -> S:
    """``stmt`` with ``page`` applied (one row more than its limit).

    The limit is written into the SQL, not bound: PostgreSQL plans a
    statement it has prepared for every value of its parameters after five
    runs, and that plan ran a 100-asset grid page about 0.3 ms slower than
    the one planned for the limit it is given. SQLAlchemy still compiles
    the statement once (the value is put in at execution)."""
    if page is None:
        return stmt
    stmt = stmt.order_by(*inspect(cls).primary_key)
    if page.after is not None:
        stmt = stmt.where(page.after)
    elif page.offset:
        stmt = stmt.offset(page.offset)
    if page.limit is not None:
        stmt = stmt.limit(bindparam("lp_page_limit", page.limit + 1, literal_execute=True))
    return stmt


def plan(
    cls: type[Any],
    selection: Selection,
    *,
    context: Any = None,
    strict: Strict | str | None = None,
    settings: PlanSettings | None = None,
    rules: Rules | None = None,
    context_key: Hashable | None = None,
) -> Plan:
    """Plan loading ``selection`` on ``cls``.

    Planning is cached per class and selection shape: a repeated request only
    binds its argument values. ``rules`` (class → ``rule(entity, context)``)
    restrict the rows of those classes (and their subclasses) wherever the
    plan loads them: root statement, lists, to-ones, pages, totals, counts. Raises :class:`~loadplan.errors.PlanError`
    before anything runs when the selection names an unknown attribute or one
    of the wrong kind.

    ``context_key`` (optional) declares that the SQL the rules and computed
    expressions make of ``context`` is decided by it alone: two requests
    with equal keys get the same conditions. The JSON mode then keeps its
    statement per key (with the root statement and argument values) instead
    of rebuilding those parts on every request to compare them. A principal's
    identity and roles make a key; anything a rule reads besides the context
    (the clock, a global) must not vary while the key is equal.
    """
    chosen = settings or _defaults["settings"]
    root = build_plan(cls, selection, context, chosen)
    binding = Binding(
        context=context,
        strict=Strict(strict) if strict is not None else _defaults["strict"],
        arguments=argument_values(selection),
        rules=dict(rules or {}),
        context_key=context_key,
    )
    return Plan(root, binding)
