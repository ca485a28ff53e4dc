"""``OptimizerExtension``: plans and runs every ``Select`` a resolver returns.

Any resolver, root or nested, built in or custom, may return an unexecuted
``Select``; the extension builds the selection below that field, plans it,
applies the plan to the statement and executes it with the request's session
(sync or async). Mutation results are reloaded with the payload's selection,
without column pruning, since they are objects being written.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeAlias

from graphql import GraphQLResolveInfo, OperationType
from sqlalchemy import Select, inspect, select, tuple_
from sqlalchemy.orm import Session
from strawberry.extensions import SchemaExtension

import loadplan
from loadplan._async import is_async_session
from loadplan.execution.binding import Strict
from loadplan.execution.entities import entity_for
from loadplan.execution.row_keys import MODE_HEADER, OBJECT_KEY
from loadplan.execution.rows.load import load_rows
from loadplan.execution.rows.views import rows_of
from loadplan.planner import PlanSettings
from loadplan.rules import Rules
from loadplan.selection import Selection
from loadplan.strawberry.fields import is_root_resolver, shape_result, spec_of
from loadplan.strawberry.pagination import encode_cursor, make_window_dict
from loadplan.strawberry.rows import RowExecutionContext, RowsResult
from loadplan.strawberry.selection import (
    DEFINITION,
    RootRequest,
    SelectionBuilder,
    get_queryset_of,
    unwrap,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

SessionGetter: TypeAlias = "Callable[[Any], Session | AsyncSession]"


def default_session_getter(info: Any) -> Session | AsyncSession:
    """The session of a request: ``context["session"]`` or ``context.session``."""
    context = info.context
    session = (
        context.get("session") if isinstance(context, dict) else getattr(context, "session", None)
    )
    if session is None:
        raise loadplan.LoadplanError(
            "no session in the GraphQL context: put it under context['session'] "
            "or pass session_getter= to OptimizerExtension"
        )
    return session  # type: ignore[no-any-return]


_session_getter: ContextVar[SessionGetter] = ContextVar(
    "loadplan_session_getter", default=default_session_getter
)


_optimizing: ContextVar[bool] = ContextVar("loadplan_optimizing", default=False)


def optimizing() -> bool:
    """Whether the operation now running is planned by an enabled optimizer
    (computed fields were then loaded with their rows)."""
    return _optimizing.get()


def session_from_info(info: Any) -> Session | AsyncSession:
    """The session of the operation now running, for resolvers that query
    on their own (the optimizer off, a field left out of the plan)."""
    return _session_getter.get()(getattr(info, "_raw_info", info))


class OptimizerExtension(SchemaExtension):
    """Optimizes the ``Select`` statements resolvers return.

    Pass the class itself, or ``OptimizerExtension.with_options(...)`` for:
    ``session_getter`` (``info -> session``), ``strict`` (``"raise"``,
    ``"warn"`` or ``"off"``; the process default otherwise), switches ``only``,
    ``joined``, ``selectin`` and ``expressions`` (each optimization can be
    turned off; with ``selectin`` off, use strict mode ``off``),
    ``enabled`` (off: statements run as written, fields load lazily),
    ``max_page_size`` (the largest ``limit``/``first``/``last`` accepted) and
    ``rules`` (class → ``rule(entity, info)``: row conditions applied wherever
    that class is loaded, see :mod:`loadplan.rules`) and ``rows`` (answer a
    root field from plain rows when nothing below it needs a resolver of its
    own; needs ``execution_context_class=RowExecutionContext`` on the schema,
    see :mod:`loadplan.strawberry.rows`; a request may force the ORM mode
    with the ``X-Loadplan-Mode: orm`` header when its context has the
    request).
    """

    def __init__(
        self,
        *,
        execution_context: Any = None,
        session_getter: SessionGetter = default_session_getter,
        strict: Strict | str | None = None,
        only: bool = True,
        joined: bool = True,
        selectin: bool = True,
        expressions: bool = True,
        enabled: bool = True,
        max_page_size: int | None = None,
        rules: Rules | None = None,
        rows: bool = False,
    ) -> None:
        if execution_context is not None:
            self.execution_context = execution_context
        self.session_getter = session_getter
        self.strict = strict
        self.settings = PlanSettings(
            only=only, joined=joined, selectin=selectin, expressions=expressions
        )
        self.enabled = enabled
        self.max_page_size = max_page_size
        self.rules = dict(rules or {})
        self.rows = rows

    @classmethod
    def with_options(cls, **options: Any) -> Callable[[], OptimizerExtension]:
        """A factory Strawberry calls once per request."""
        return functools.partial(cls, **options)

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        result = _next(root, info, *args, **kwargs)
        if isawaitable(result):
            return self._finish_async(result, info)
        return self._finish(result, info)

    async def _finish_async(self, pending: Any, info: GraphQLResolveInfo[Any]) -> Any:
        result = self._finish(await pending, info)
        return await result if isawaitable(result) else result

    def _finish(self, result: Any, info: GraphQLResolveInfo[Any]) -> Any:
        if isinstance(result, Select):
            return self._run(result, info)
        if self.enabled and _is_mutation_root(info) and _is_mapped(result):
            return self._reload(result, info)
        return result

    def on_operation(self) -> Iterator[None]:
        token = _session_getter.set(self.session_getter)
        enabled = _optimizing.set(self.enabled)
        try:
            yield
        finally:
            _optimizing.reset(enabled)
            _session_getter.reset(token)

    def _session(self, info: GraphQLResolveInfo[Any]) -> Session | AsyncSession:
        return self.session_getter(info)

    def _request(self, info: GraphQLResolveInfo[Any]) -> RootRequest | None:
        graphql_field = info.parent_type.fields[info.field_name]
        spec = spec_of(graphql_field.extensions.get(DEFINITION))
        return SelectionBuilder(info, self.max_page_size).for_resolver_result(spec)

    def _run(self, stmt: Select[Any], info: GraphQLResolveInfo[Any]) -> Any:
        session = self._session(info)
        request = self._request(info)
        if request is None:
            return _execute(session, stmt, request)
        hook = get_queryset_of(unwrap(_item_type(info, request)))
        if hook is not None:
            stmt = hook(stmt, info)
        selection = request.selection
        if not self.enabled:
            # Only the root list's own arguments; everything below loads lazily.
            selection = Selection("", arguments=selection.arguments)
        plan = loadplan.plan(
            request.model,
            selection,
            context=info,
            strict=self.strict if self.enabled else Strict.OFF,
            settings=self.settings if self.enabled else PlanSettings(only=False),
            rules=self.rules,
        )
        count = plan.count(stmt) if request.wants_total else None
        fast = (
            self.enabled
            and self.rows
            and request.row_ready
            and self._rows_completed()
            # Objects for fallback subtrees are loaded synchronously.
            and not (request.fallbacks and is_async_session(session))
            and _mode_forced(info) != "orm"
        )
        rows_plan = plan
        if fast and request.fallbacks and request.row_selection is not None:
            # Rows for everything but what only the fallback subtrees load.
            rows_plan = loadplan.plan(
                request.model,
                request.row_selection,
                context=info,
                strict=self.strict,
                settings=self.settings,
                rules=self.rules,
            )
        if fast and rows_plan.supports_rows:
            _report_mode(info, "rows")
            restricted = rows_plan.restrict(stmt, entity_for(rows_plan.root))
            if _is_root_list(info):
                restricted = restricted.order_by(*inspect(request.model).primary_key)
            if is_async_session(session):
                return _execute_rows_async(session, rows_plan, restricted, request, count)
            rows = load_rows(session, rows_plan.root, rows_plan.binding, restricted)
            for cls, nodes in request.fallbacks:
                self._attach_objects(session, rows_plan, rows, cls, nodes, info)
            total = session.scalar(count) if count is not None else None
            return _rows_value(request, rows, total)
        _report_mode(info, "orm")
        applied = plan.apply(stmt)
        if _is_root_list(info):
            applied = applied.order_by(*inspect(request.model).primary_key)
        return _execute(session, applied, request, count)

    def _attach_objects(
        self,
        session: Session,
        plan: loadplan.Plan,
        rows: list[dict[str, Any]],
        cls: type[Any],
        nodes: tuple[Selection, ...],
        info: GraphQLResolveInfo[Any],
    ) -> None:
        """Give the rows of ``cls`` their ORM objects (one statement, planned
        for what the fields that need them load), under ``OBJECT_KEY``: those
        fields then resolve on the objects, in the ORM mode, and only they."""
        found = rows_of(plan.root, rows, cls)
        if not found:
            return
        mapper = inspect(cls)
        keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
        wanted = {tuple(row[k] for k in keys) for row in found}
        objects_plan = loadplan.plan(
            cls,
            Selection("", children=nodes),
            context=info,
            strict=self.strict,
            settings=self.settings,
            rules=self.rules,
        )
        if len(keys) == 1:
            condition = mapper.primary_key[0].in_([k[0] for k in wanted])
        else:
            condition = tuple_(*mapper.primary_key).in_(list(wanted))
        stmt = objects_plan.apply(select(cls).where(condition))
        objects = {inspect(o).identity: o for o in session.scalars(stmt)}
        for row in found:
            obj = objects.get(tuple(row[k] for k in keys))
            if obj is not None:
                row[OBJECT_KEY] = obj

    def _rows_completed(self) -> bool:
        """Whether the schema completes row results (``RowExecutionContext``);
        without it the ORM mode answers, rather than failing."""
        schema = getattr(getattr(self, "execution_context", None), "schema", None)
        context_class = getattr(schema, "execution_context_class", None)
        return isinstance(context_class, type) and issubclass(context_class, RowExecutionContext)

    def _reload(self, result: Any, info: GraphQLResolveInfo[Any]) -> Any:
        request = self._request(info)
        if request is None:
            return result
        objects = list(result) if isinstance(result, list | tuple) else [result]
        cls = request.model
        mapper = inspect(cls)
        keys = [inspect(o).identity for o in objects]
        pk = mapper.primary_key
        if len(pk) != 1 or any(k is None for k in keys):
            return result
        plan = loadplan.plan(
            cls,
            request.selection,
            context=info,
            strict=self.strict,
            settings=dataclasses.replace(self.settings, only=False),
            rules=self.rules,
        )
        stmt = plan.apply(select(cls).where(pk[0].in_([k[0] for k in keys]))).execution_options(
            populate_existing=True
        )
        session = self._session(info)
        if is_async_session(session):
            return _reordered_async(session, stmt, objects, result)
        loaded = {inspect(o).identity: o for o in session.scalars(stmt)}
        return _reordered(loaded, objects, result)


def _is_root_list(info: GraphQLResolveInfo[Any]) -> bool:
    """A list field made by ``field()``/``connection()``/``offset_page()`` on
    a type not bound to a model, whose statement loadplan wrote."""
    strawberry_field = info.parent_type.fields[info.field_name].extensions.get(DEFINITION)
    return strawberry_field is not None and is_root_resolver(strawberry_field)


def _http_headers(info: GraphQLResolveInfo[Any], part: str) -> Any:
    """The headers of the context's HTTP ``request`` or ``response``, if any."""
    context = info.context
    message = context.get(part) if isinstance(context, dict) else getattr(context, part, None)
    return getattr(message, "headers", None)


def _mode_forced(info: GraphQLResolveInfo[Any]) -> str:
    """The mode a request forces with the ``X-Loadplan-Mode`` header, if its
    context carries the HTTP request."""
    headers = _http_headers(info, "request")
    return str(headers.get(MODE_HEADER, "")).lower() if headers is not None else ""


def _report_mode(info: GraphQLResolveInfo[Any], mode: str) -> None:
    """Name the modes that answered in the response's ``X-Loadplan-Mode``
    header (``rows``, ``orm``, or ``rows,orm`` when root fields differed)."""
    headers = _http_headers(info, "response")
    if headers is None:
        return
    current = headers.get(MODE_HEADER)
    if current is None:
        headers[MODE_HEADER] = mode
    elif mode not in current.split(","):
        headers[MODE_HEADER] = ",".join(sorted({*current.split(","), mode}, reverse=True))


def _rows_value(request: RootRequest, rows: list[Any], total: int | None) -> RowsResult:
    if request.kind == "connection":
        assert request.window is not None
        total = total if total is not None else len(rows)
        return RowsResult(make_window_dict(rows, total, request.window, encode_cursor))
    if request.kind == "page":
        return RowsResult(
            {"results": rows, "total_count": total if total is not None else len(rows)}
        )
    if request.is_list:
        return RowsResult(rows)
    return RowsResult(rows[0] if rows else None)


async def _execute_rows_async(
    session: AsyncSession,
    plan: loadplan.Plan,
    stmt: Select[Any],
    request: RootRequest,
    count: Select[Any] | None,
) -> Any:
    rows = await session.run_sync(lambda sync: load_rows(sync, plan.root, plan.binding, stmt))
    total = await session.scalar(count) if count is not None else None
    return _rows_value(request, rows, total)


def _item_type(info: GraphQLResolveInfo[Any], request: RootRequest) -> Any:
    field_type = unwrap(info.parent_type.fields[info.field_name].type)
    if request.kind == "connection":
        edge_type = unwrap(field_type.fields["edges"].type)
        return edge_type.fields["node"].type
    if request.kind == "page":
        return field_type.fields["results"].type
    return field_type


def _reordered(loaded: dict[Any, Any], objects: list[Any], result: Any) -> Any:
    ordered = [loaded.get(inspect(o).identity, o) for o in objects]
    return ordered if isinstance(result, list | tuple) else ordered[0]


async def _reordered_async(
    session: AsyncSession, stmt: Any, objects: list[Any], result: Any
) -> Any:
    loaded = {inspect(o).identity: o for o in (await session.scalars(stmt)).all()}
    return _reordered(loaded, objects, result)


def _is_mutation_root(info: GraphQLResolveInfo[Any]) -> bool:
    return info.operation.operation == OperationType.MUTATION and info.path.prev is None


def _is_mapped(result: Any) -> bool:
    items = result if isinstance(result, list | tuple) else [result]
    if not items:
        return False
    try:
        return all(inspect(item).mapper is not None for item in items)
    except Exception:
        return False


def _shape(request: RootRequest | None, rows: list[Any], total: int | None) -> Any:
    if request is None:
        return rows
    if request.kind in {"connection", "page"}:
        return shape_result(
            request.kind, rows, total if total is not None else len(rows), request.window
        )
    if request.is_list:
        return rows
    return rows[0] if rows else None


def _execute(
    session: Session | AsyncSession,
    stmt: Select[Any],
    request: RootRequest | None,
    count: Select[Any] | None = None,
) -> Any:
    if is_async_session(session):
        return _execute_async(session, stmt, request, count)
    rows = list(session.scalars(stmt).unique())
    total = session.scalar(count) if count is not None else None
    return _shape(request, rows, total)


async def _execute_async(
    session: AsyncSession, stmt: Select[Any], request: RootRequest | None, count: Select[Any] | None
) -> Any:
    rows = list((await session.scalars(stmt)).unique())
    total = await session.scalar(count) if count is not None else None
    return _shape(request, rows, total)
