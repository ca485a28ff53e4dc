"""``OptimizerExtension``: plans and runs every ``Select`` a resolver returns.

Any resolver, root or nested, built in or custom, may return an unexecuted
``Select``; the extension builds the selection below that field, plans it,
applies the plan to the statement and executes it with the request's session
(sync or async). Mutation results are reloaded with the payload's selection,
without column pruning, since they are objects being written.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Hashable, Iterator
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar

from graphql import GraphQLResolveInfo, OperationType
from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session
from strawberry import relay
from strawberry.extensions import SchemaExtension

import loadplan
from loadplan._async import is_async_session
from loadplan.documents import Document
from loadplan.loaded import Loaded, Mode, Paging
from loadplan.planner import PlanSettings
from loadplan.rules import Rules
from loadplan.selection import Selection
from loadplan.strawberry.definitions import (
    DEFINITION,
    SessionGetter,
    default_session_getter,
    get_queryset_of,
    optimizing_now,
    page_size_limit,
    session_getter,
    spec_of,
    unwrap,
)
from loadplan.strawberry.documents import SPLICING, completed, document_of, spliced
from loadplan.strawberry.fields import is_root_resolver, shape_result
from loadplan.strawberry.pagination import make_page_dict, make_window_dict
from loadplan.strawberry.relay import NodeLookup, node_class, node_keys, own_rows
from loadplan.strawberry.rows import TYPE_KEY, RowExecutionContext, RowsResult
from loadplan.strawberry.selection import RootRequest, SelectionBuilder
from loadplan.strawberry.types import relay_key

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


_NodeLoad = tuple[str, str, loadplan.Plan, Select[Any]]
"""One type's part of a ``node`` or ``nodes`` field: the type's name, the
attribute of its key, its plan and its statement."""

_FORCED: dict[str, Mode] = {"orm": "orm", "rows": "rows"}
"""The modes a request may force in the mode header (``json`` is chosen
wherever it can answer, as if no mode were asked)."""


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
    see :mod:`loadplan.strawberry.rows`; without it every request fails
    with an error saying so) and ``mode_header`` (none by
    default: an HTTP header in which a request may force the ORM mode,
    ``orm``, or the row mode, ``rows``, and in which the response names the
    modes that ran, when the context holds the request and the response)
    and ``json`` (``auto``: a root list the database can write is answered
    in the JSON mode, see :mod:`loadplan.strawberry.documents`; ``off``:
    never; ``force``: always, one it cannot write is an error saying why,
    for debugging) and ``splice`` (off by default: the JSON mode's answers
    are left as the database's text, an ``orjson.Fragment`` in the
    result's ``data`` that ``orjson.dumps`` writes as it is, instead of
    values parsed from it; for a server whose responses are encoded by
    orjson, as the same bytes; needs orjson) and ``context_key`` (a
    function of the resolver's ``info`` returning what the ``rules`` and
    computed fields read of it, a principal's identity and roles, say:
    requests with equal keys share the JSON mode's statement without
    rebuilding its rules, see :func:`loadplan.plan`).
    """

    def __init__(
        self,
        *,
        execution_context: Any = None,
        session_getter: SessionGetter = default_session_getter,
        strict: loadplan.Strict | str | None = None,
        only: bool = True,
        joined: bool = True,
        selectin: bool = True,
        expressions: bool = True,
        enabled: bool = True,
        max_page_size: int | None = None,
        rules: Rules | None = None,
        rows: bool = False,
        mode_header: str | None = None,
        json: str = "auto",
        splice: bool = False,
        context_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if splice and not SPLICING:
            raise loadplan.LoadplanError("OptimizerExtension(splice=True) needs orjson")
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
        self.mode_header = mode_header
        self.json = json
        self.splice = splice
        self.context_key = context_key

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
        if isinstance(result, NodeLookup):
            return self._nodes(result, info)
        if self.enabled and _is_mutation_root(info) and _is_mapped(result):
            return self._reload(result, info)
        return result

    def on_operation(self) -> Iterator[None]:
        if self.enabled and self.rows and not self._rows_completed():
            raise loadplan.LoadplanError(
                "OptimizerExtension(rows=True) needs a schema built with "
                "execution_context_class=loadplan.strawberry.RowExecutionContext, "
                "which completes the row answers"
            )
        token = session_getter.set(self.session_getter)
        enabled = optimizing_now.set(self.enabled)
        limit = page_size_limit.set(self.max_page_size)
        try:
            yield
        finally:
            page_size_limit.reset(limit)
            optimizing_now.reset(enabled)
            session_getter.reset(token)

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
            return _unplanned(session, stmt)
        hook = get_queryset_of(unwrap(_item_type(info, request)))
        if hook is not None:
            stmt = hook(stmt, info)
        plan = self._plan(request, info)
        mode = self._mode(request, info)
        if mode == "auto" and self.json != "off":
            document = (
                document_of(info, _item_type(info, request))
                if request.kind in ("root", "custom")
                else f"a {request.kind} is built by the row mode"
            )
            if isinstance(document, str) and self.json == "force":
                raise loadplan.PlanError(
                    info.parent_type.name,
                    info.field_name,
                    f"the JSON mode cannot answer: {document}",
                )
            plan = plan.with_document(document if isinstance(document, Document) else None)
            mode = "json" if self.json == "force" else mode
        page = Paging() if _is_root_list(info) else None
        if is_async_session(session):
            return self._value_async(
                _in_turn(
                    session,
                    plan.afetch(session, stmt, mode=mode, page=page, total=request.wants_total),
                ),
                request,
                info,
            )
        loaded = plan.fetch(session, stmt, mode=mode, page=page, total=request.wants_total)
        return self._value(loaded, request, info)

    def _nodes(self, lookup: NodeLookup, info: GraphQLResolveInfo[Any]) -> Any:
        """The objects a ``node`` or ``nodes`` field asks for, in the order
        asked (``None`` where missing): per type asked, one planned statement
        of its objects by key, restricted by its ``get_queryset``. The row
        mode answers only if it can answer every type asked."""
        wanted: dict[str, list[relay.GlobalID]] = {}
        for global_id in lookup.ids:
            wanted.setdefault(global_id.type_name, []).append(global_id)
        loads: list[_NodeLoad] = []
        modes: set[Mode] = set()
        keys: dict[tuple[str, str], Any] = {}
        for type_name, ids in wanted.items():
            node_type, model = node_class(info.schema, type_name)
            request = SelectionBuilder(info, self.max_page_size).for_node(node_type, model)
            key = relay_key(model)
            values = node_keys(model, ids)
            keys.update(((type_name, i.node_id), v) for i, v in zip(ids, values, strict=True))
            stmt = select(model).where(getattr(model, key).in_(values))
            own = own_rows(info.schema, model)
            if own is not None:
                stmt = stmt.where(own)
            hook = get_queryset_of(node_type)
            if hook is not None:
                stmt = hook(stmt, info)
            loads.append((type_name, key, self._plan(request, info), stmt))
            modes.add(self._mode(request, info))
        mode: Mode = "orm" if "orm" in modes else "rows"
        if self.mode_header is not None:
            _report_mode(info, self.mode_header, mode)
        session = self._session(info)
        if is_async_session(session):
            return self._nodes_async(session, lookup, keys, loads, mode)
        found: dict[tuple[str, Any], Any] = {}
        for type_name, key, plan, stmt in loads:
            found.update(_by_key(type_name, key, plan.fetch(session, stmt, mode=mode).items))
        return _node_value(lookup, keys, found, mode)

    async def _nodes_async(
        self,
        session: AsyncSession,
        lookup: NodeLookup,
        keys: dict[tuple[str, str], Any],
        loads: list[_NodeLoad],
        mode: Mode,
    ) -> Any:
        found: dict[tuple[str, Any], Any] = {}
        for type_name, key, plan, stmt in loads:
            loaded = await _in_turn(session, plan.afetch(session, stmt, mode=mode))
            found.update(_by_key(type_name, key, loaded.items))
        return _node_value(lookup, keys, found, mode)

    def _plan(self, request: RootRequest, info: GraphQLResolveInfo[Any]) -> loadplan.Plan:
        """The request's plan; in the row mode, the subtrees whose fields need
        ORM objects run on objects loaded for their rows."""
        if not self.enabled:
            # Only the root list's own arguments; everything below loads lazily.
            selection = Selection("", arguments=request.selection.arguments)
            return loadplan.plan(
                request.model,
                selection,
                context=info,
                strict=loadplan.Strict.OFF,
                settings=PlanSettings(only=False),
                rules=self.rules,
            )
        plan = self._planned(request.model, request.selection, info)
        if not request.fallbacks or request.row_selection is None:
            return plan
        objects = [
            (cls, self._planned(cls, Selection("", children=nodes), info))
            for cls, nodes in request.fallbacks
        ]
        return plan.with_objects(self._planned(request.model, request.row_selection, info), objects)

    def _planned(
        self, cls: type[Any], selection: Selection, info: GraphQLResolveInfo[Any]
    ) -> loadplan.Plan:
        return loadplan.plan(
            cls,
            selection,
            context=info,
            strict=self.strict,
            settings=self.settings,
            rules=self.rules,
            context_key=self.context_key(info) if self.context_key is not None else None,
        )

    def _mode(self, request: RootRequest, info: GraphQLResolveInfo[Any]) -> Mode:
        """The mode asked for: rows only where the extension answers rows and
        every field below can be completed from them."""
        if not (self.enabled and self.rows and request.row_ready):
            return "orm"
        return _FORCED.get(self._forced(info), "auto")

    def _forced(self, info: GraphQLResolveInfo[Any]) -> str:
        """The mode a request forces in the ``mode_header`` of its HTTP
        request, when that option names one and the context has the request."""
        if self.mode_header is None:
            return ""
        headers = _http_headers(info, "request")
        return str(headers.get(self.mode_header, "")).lower() if headers is not None else ""

    def _value(self, loaded: Loaded, request: RootRequest, info: GraphQLResolveInfo[Any]) -> Any:
        """The field's value from what was loaded: complete rows for the row
        mode's execution context, else objects for Strawberry's resolvers."""
        if self.mode_header is not None:
            _report_mode(info, self.mode_header, loaded.mode)
        if loaded.mode == "json":
            value = (spliced if self.splice else completed)(loaded.documents, request.is_list)
            return value if value is not None else RowsResult(None)
        total = loaded.total if loaded.total is not None else len(loaded.items)
        if loaded.mode == "rows":
            return RowsResult(_rows_value(request, loaded.items, total))
        return _shape(request, loaded.items, total)

    async def _value_async(
        self, pending: Awaitable[Loaded], request: RootRequest, info: GraphQLResolveInfo[Any]
    ) -> Any:
        return self._value(await pending, request, info)

    def _rows_completed(self) -> bool:
        """Whether the schema completes row results (``RowExecutionContext``);
        ``rows=True`` without it is a configuration error, named on the
        first request rather than answered wrongly."""
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


def _by_key(type_name: str, key: str, items: list[Any]) -> dict[tuple[str, Any], Any]:
    """Loaded objects or rows of one type, by type name and key; a row says
    its type, which need not be the first type of its class."""
    found: dict[tuple[str, Any], Any] = {}
    for item in items:
        if isinstance(item, dict):
            found[type_name, item[key]] = {**item, TYPE_KEY: type_name}
        else:
            found[type_name, getattr(item, key)] = item
    return found


def _node_value(
    lookup: NodeLookup,
    keys: dict[tuple[str, str], Any],
    found: dict[tuple[str, Any], Any],
    mode: Mode,
) -> Any:
    """The field's value: what was found for each id asked (an id's key
    text read as the key's type, so ``"IssueNode:07"`` finds issue 7)."""
    values = [found.get((i.type_name, keys[i.type_name, i.node_id])) for i in lookup.ids]
    value = values if lookup.is_list else values[0]
    return RowsResult(value) if mode == "rows" else value


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


def _report_mode(info: GraphQLResolveInfo[Any], header: str, mode: str) -> None:
    """Name the modes that answered in the response's ``header`` (``rows``,
    ``orm``, or ``rows,orm`` when root fields differed)."""
    headers = _http_headers(info, "response")
    if headers is None:
        return
    current = headers.get(header)
    if current is None:
        headers[header] = mode
    elif mode not in current.split(","):
        headers[header] = ",".join(sorted({*current.split(","), mode}, reverse=True))


def _rows_value(request: RootRequest, rows: list[Any], total: int) -> Any:
    if request.kind == "connection":
        assert request.window is not None
        return make_window_dict(rows, total, request.window)
    if request.kind == "page":
        page = request.selection.arguments
        return make_page_dict(rows, total, page.limit, page.offset or 0)
    if request.is_list:
        return rows
    return rows[0] if rows else None


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
    loaded = {
        inspect(o).identity: o for o in (await _in_turn(session, session.scalars(stmt))).all()
    }
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


def _shape(request: RootRequest, items: list[Any], total: int) -> Any:
    if request.kind in {"connection", "page"}:
        return shape_result(
            request.kind, items, total, request.window, arguments=request.selection.arguments
        )
    if request.is_list:
        return items
    return items[0] if items else None


def _unplanned(session: Session | AsyncSession, stmt: Select[Any]) -> Any:
    """The objects of a statement whose field's type is not bound to a model."""
    if is_async_session(session):
        return _unplanned_async(session, stmt)
    return list(session.scalars(stmt).unique())


async def _unplanned_async(session: AsyncSession, stmt: Select[Any]) -> Any:
    return list((await _in_turn(session, session.scalars(stmt))).unique())


_TURN = "loadplan.strawberry.turn"
"""The key of an async session's lock in its ``info``."""

T = TypeVar("T")


async def _in_turn(session: AsyncSession, pending: Awaitable[T]) -> T:
    """``pending``, run once no other field's statements are running on
    ``session``: graphql-core resolves the root fields of a query
    concurrently, and an ``AsyncSession`` refuses concurrent operations."""
    lock: asyncio.Lock = session.info.setdefault(_TURN, asyncio.Lock())
    async with lock:
        return await pending
