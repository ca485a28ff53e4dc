"""FastAPI integration: an endpoint declares its response model once and gets
planned loading, sparse fieldsets, nested list arguments and pagination.

``PlannedEndpoint(Model, Schema)`` compiles the schema at import time (a field
nothing can load is an error before the app serves anything) and is itself a
dependency: it reads ``fields``, ``limit``, ``offset``, ``cursor``, ``order``,
``total`` and ``explain`` (plus ``<list>.limit``, ``<list>.offset`` and
``<list>.order`` for nested lists) and hands the endpoint a
:class:`PlannedRequest` that runs the endpoint's own ``Select``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import inspect as inspect_module
import re
import typing
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import orjson
from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import Session

import loadplan
from loadplan.arguments import seek_conditions
from loadplan.core import RootStatement, plan_settings
from loadplan.documents import Document
from loadplan.errors import LoadplanError, PlanError
from loadplan.hints import Hints
from loadplan.keysets import OtherOrder, dump_keys, keyset_orders, load_keys, read_keys
from loadplan.loaded import Loaded, Mode, Paging
from loadplan.model_documents import document_of
from loadplan.planner import PlanSettings
from loadplan.planner.cache import dynamic
from loadplan.pydantic import (
    FieldsetError,
    SchemaTree,
    compile_schema,
    list_arguments,
    narrowed_schema,
    order_columns,
    parse_fieldset,
    tree_selection,
)
from loadplan.row_json import Unwritable, dumps, row_writer
from loadplan.rules import Rules
from loadplan.selection import Arguments, Order, Seek, Selection
from loadplan.state import Memo
from loadplan.storage import related
from loadplan.testing import count_queries

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["MAX_OFFSET", "EndpointSettings", "Mode", "Page", "PlannedEndpoint", "PlannedRequest"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list endpoint: ``total`` only when asked (``total=true``),
    ``next_cursor`` when another page follows (keyset pagination)."""

    items: list[T]
    total: int | None = None
    next_cursor: str | None = None


_FORCED: dict[str, Mode] = {"rows": "rows", "orm": "orm", "json": "json"}

MAX_OFFSET = 2**63 - 1
"""The largest ``offset`` every dialect accepts (past it: a 422, not a
database error)."""


def _signature(
    settings: Callable[..., EndpointSettings] | None, orderable: Iterable[str]
) -> inspect_module.Signature:
    """The signature FastAPI reads of an endpoint's ``__call__``: its query
    parameters (``order`` documenting the names this list may be ordered by,
    as a pattern and in words), and the ``settings`` dependency when there
    is one."""
    full = inspect_module.signature(PlannedEndpoint.__call__, eval_str=True)
    parameters = [p for name, p in full.parameters.items() if name != "self"]
    if settings is None:
        parameters = [p for p in parameters if p.name != "settings"]
    else:
        parameters = [
            p.replace(default=Depends(settings)) if p.name == "settings" else p for p in parameters
        ]
    names = sorted(orderable)
    order = _order_query(names)
    parameters = [p.replace(default=order) if p.name == "order" else p for p in parameters]
    return full.replace(parameters=parameters)


def _order_query(names: list[str]) -> Any:
    """``order``'s declaration for a list ordered by ``names``. The pattern
    documents what :meth:`PlannedEndpoint._root_order` accepts; the endpoint
    itself refuses the rest (a 400 naming the valid fields), so that the
    refusal says which names are valid."""
    if not names:
        return Query(
            None, description="This list cannot be ordered.", json_schema_extra={"maxLength": 0}
        )
    term = rf"\s*[-+]?({'|'.join(re.escape(name) for name in names)})\s*"
    return Query(
        None,
        description=(
            "Comma-separated fields, '-' for descending, of: "
            f"{', '.join(names)} (e.g. -{names[0]})."
        ),
        json_schema_extra={"pattern": f"^({term}(,{term})*)?$"},
    )


def _bad_request(error: FieldsetError) -> HTTPException:
    detail: dict[str, Any] = {"message": error.message, "field": error.path}
    if error.valid:
        detail["valid"] = error.valid
    return HTTPException(status_code=400, detail=detail)


SHAPES = 256
"""Request shapes (fields, order, nested list arguments) an endpoint keeps
planned, least recently used dropped first."""


def _nested_parameters(request: Request) -> tuple[tuple[str, str], ...]:
    """The query parameters naming a nested list's argument (``tasks.limit``),
    the last value of each as :func:`list_arguments` reads them."""
    return tuple((name, value) for name, value in request.query_params.items() if "." in name)


@dataclass(frozen=True)
class _Shape:
    """A request shape's selection, keyset ordering (the root order, then
    the primary key), response model and document, and its plan bound to no
    request (``None``: planned per request)."""

    selection: Selection
    keyset: tuple[Order, ...]
    response_type: Any
    document: Document | None
    plan: loadplan.Plan | None


@dataclass(frozen=True)
class EndpointSettings:
    """What an endpoint may be told per request rather than once: the largest
    ``limit`` (of the list and of its nested lists), the page size without
    one (``None``: every row), whether ``explain`` is allowed, and the mode."""

    max_limit: int = 500
    default_limit: int | None = None
    debug: bool = False
    mode: Mode = "auto"


class PlannedEndpoint:
    """A response model bound to a mapped class, usable as a dependency.

    ``rules`` (class → ``rule(entity, request)``) restrict rows of those
    classes wherever the response loads them (see :mod:`loadplan.rules`).
    ``mode`` chooses how responses are built: ``"json"`` by the database
    (the JSON mode; refused with a :class:`~loadplan.errors.PlanError` for a
    response it cannot build), ``"rows"`` from plain rows (no ORM objects),
    ``"orm"`` from loaded objects, ``"auto"`` (default) the JSON mode where
    the response allows it, else rows whenever the response needs no Python
    property. ``mode_header`` (none by default) names an HTTP header in
    which a request may ask for a mode (``json``, ``rows`` or ``orm``; one
    the response cannot run in falls back as ``auto`` would) and in which
    the response names the mode that ran.

    A list response model (``list[Schema]``) makes :meth:`PlannedRequest.page`
    answer the bare JSON array of the items instead of a :class:`Page`; such a
    response has nowhere to put a total, so ``total=true`` is a 400 there,
    and ``limit`` cuts the list without a ``next_cursor``.

    ``settings``, a FastAPI dependency returning :class:`EndpointSettings`,
    replaces ``max_limit``, ``default_limit``, ``debug`` and ``mode`` per
    request (an application's settings, say). ``default_order`` orders a
    request without ``order``. ``check`` runs on each request's
    :class:`PlannedRequest` before anything is loaded: raise from it (an
    ``HTTPException``) to refuse the request. ``context_key`` (a function
    of the request) returns what the ``rules`` read of it, such as the
    signed-in principal's identity and roles: requests with equal keys then
    share the JSON mode's statement without rebuilding its rules (see
    :func:`loadplan.plan`).
    """

    def __init__(
        self,
        model: type[Any],
        schema: type[BaseModel] | Any,
        *,
        max_limit: int = 500,
        default_limit: int | None = None,
        debug: bool = False,
        rules: Rules | None = None,
        mode: Mode = "auto",
        mode_header: str | None = None,
        settings: Callable[..., EndpointSettings] | None = None,
        default_order: str | None = None,
        check: Callable[[PlannedRequest], object] | None = None,
        context_key: Callable[[Request], Hashable] | None = None,
    ) -> None:
        self.model = model
        self.context_key = context_key
        self.mode_header = mode_header
        self.default_order = default_order
        self.check = check
        self.rules = dict(rules or {})
        self.mode = mode
        self.bare = typing.get_origin(schema) is list
        item: type[BaseModel] = typing.get_args(schema)[0] if self.bare else schema
        self.schema = item
        self.tree: SchemaTree = compile_schema(model, item)
        self.max_limit = max_limit
        self.default_limit = default_limit
        self.debug = debug
        self.page_model: Any = list[item] if self.bare else Page[item]  # type: ignore[valid-type]
        try:
            loadplan.plan(model, Selection("", children=tree_selection(self.tree)))
        except PlanError as error:
            raise LoadplanError(
                f"{item.__name__} cannot be loaded from {model.__name__}: {error}"
            ) from error
        self._orderable = order_columns(self.tree)
        # Bounded: the key holds the client's strings.
        self._shaped = functools.lru_cache(maxsize=SHAPES)(self._shape)
        self.__signature__ = _signature(settings, self._orderable)

    async def __call__(
        self,
        request: Request,
        fields: str | None = Query(
            None, description="Comma-separated dotted paths of the fields to return."
        ),
        limit: int | None = Query(None, ge=0, description="Page size."),
        offset: int | None = Query(None, ge=0, le=MAX_OFFSET, description="Rows to skip."),
        cursor: str | None = Query(None, description="Keyset cursor from a previous page."),
        order: str | None = Query(
            None, description="Comma-separated fields, '-' for descending (e.g. -updated_at,name)."
        ),
        total: bool = Query(False, description="Also return the total number of rows."),
        explain: bool = Query(False, description="Debug mode: return the plan and its SQL."),
        settings: EndpointSettings | None = None,
    ) -> PlannedRequest:
        """The dependency: the request's plan for its query parameters."""
        return self.request_for(
            request,
            fields=fields,
            limit=limit,
            offset=offset,
            cursor=cursor,
            order=order,
            total=total,
            explain=explain,
            settings=settings,
        )

    def request_for(
        self,
        request: Request,
        *,
        fields: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
        total: bool = False,
        explain: bool = False,
        settings: EndpointSettings | None = None,
    ) -> PlannedRequest:
        """The :class:`PlannedRequest` of these parameters: what the
        dependency hands an endpoint, for a dependency of one's own that
        declares fewer of them (a single object's page needs no ``limit``)."""
        chosen = settings or EndpointSettings(
            self.max_limit, self.default_limit, self.debug, self.mode
        )
        if limit is not None and limit > chosen.max_limit:
            raise HTTPException(
                status_code=422,
                detail=[
                    {
                        "loc": ["query", "limit"],
                        "msg": f"must not exceed {chosen.max_limit}",
                        "type": "less_than_equal",
                    }
                ],
            )
        if total and self.bare:
            raise _bad_request(FieldsetError("a list response carries no total", "total", []))
        try:
            shape = self._shaped(
                fields,
                order or self.default_order,
                _nested_parameters(request),
                chosen.max_limit,
                plan_settings(),
            )
        except FieldsetError as error:
            raise _bad_request(error) from error
        wants_explain = chosen.debug and (
            explain or request.headers.get("x-loadplan-explain", "") in {"1", "true"}
        )
        key = self.context_key(request) if self.context_key is not None else None
        if shape.plan is None:
            plan = loadplan.plan(
                self.model, shape.selection, context=request, rules=self.rules, context_key=key
            )
            plan = plan.with_document(shape.document)
        else:
            plan = shape.plan.bound(request, key)
        mode, asked = self._mode(request, chosen.mode)
        planned = PlannedRequest(
            endpoint=self,
            plan=plan,
            mode=mode,
            response_type=shape.response_type,
            keyset=shape.keyset,
            limit=limit if limit is not None else chosen.default_limit,
            offset=offset or 0,
            cursor=cursor,
            total=total,
            explain=wants_explain,
            asked=asked,
        )
        if self.check is not None:
            self.check(planned)
        return planned

    def _mode(self, request: Request, mode: Mode) -> tuple[Mode, bool]:
        """``mode``, unless the request asks for one in ``mode_header``
        (then true: a mode asked for falls back where it cannot run)."""
        if self.mode_header is None:
            return mode, False
        asked = _FORCED.get(request.headers.get(self.mode_header, "").lower())
        return (mode, False) if asked is None else (asked, True)

    def _shape(
        self,
        fields: str | None,
        order: str | None,
        nested_parameters: tuple[tuple[str, str], ...],
        max_limit: int,
        settings: PlanSettings,
    ) -> _Shape:
        """What a request's plan is made of that depends only on what it asks
        for (fields, order, nested list arguments), not on who asks: the
        selection, the response model and the plan with its document, bound
        to no request. A plan whose hints read the request is left to make
        per request."""
        fieldset = parse_fieldset(self.tree, fields.split(",")) if fields else None
        nested = list_arguments(self.tree, dict(nested_parameters), max_limit)
        asked_order = self._root_order(order)
        children = tree_selection(self.tree, fieldset, nested)
        keyset = keyset_orders(self.model, asked_order)
        # Cursor keys are read from the last row: load them whatever is selected.
        selection = Selection(
            "",
            children=(*children, Selection("", hints=Hints(only=tuple(o.path for o in keyset)))),
            # The client's terms, each NULL placed as the cursor's bounds place it.
            arguments=Arguments(order_by=keyset[: len(asked_order)]),
        )
        response_type = narrowed_schema(self.tree, fieldset)
        document = document_of(response_type)
        plan = None
        if not dynamic(selection):
            plan = loadplan.plan(self.model, selection, settings=settings, rules=self.rules)
            plan = plan.with_document(document)
        return _Shape(selection, keyset, response_type, document, plan)

    def _root_order(self, order: str | None) -> tuple[Order, ...]:
        if not order:
            return ()
        terms = []
        for raw in order.split(","):
            term = Order.parse(raw)
            if term.path not in self._orderable:
                raise FieldsetError("cannot order by", term.path, sorted(self._orderable))
            terms.append(Order(self._orderable[term.path], term.descending))
        return tuple(terms)


@dataclass(frozen=True)
class PlannedRequest:
    """One request's plan, page and output model: runs the endpoint's
    statement through :meth:`loadplan.Plan.fetch` and writes the JSON of what
    it loaded. ``keyset`` is the page's keyset ordering: the client's order
    (NULLs placed), then the primary key (what a cursor holds), worked out
    once per request shape."""

    endpoint: PlannedEndpoint
    plan: loadplan.Plan
    mode: Mode
    response_type: Any
    keyset: tuple[Order, ...]
    limit: int | None
    offset: int
    cursor: str | None
    total: bool
    explain: bool
    asked: bool = False

    @property
    def paging(self) -> Paging:
        """The page asked for: after the cursor, else after ``offset`` rows."""
        after = self._after_cursor(self.cursor) if self.cursor is not None else None
        return Paging(limit=self.limit, offset=self.offset, after=after)

    def _after_cursor(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the cursor's keys, by the seek the GraphQL
        connections page with: a NULL key lies where ``keyset`` places it."""
        model = self.endpoint.model
        orders = self.keyset
        seek = Seek(after=_decode_cursor(cursor, model, orders))
        return and_(*seek_conditions(model, Arguments(order_by=orders, seek=seek)))

    def _next_cursor(self, last: Any) -> str:
        orders = self.keyset
        return base64.urlsafe_b64encode(
            dump_keys(read_keys(last, orders), orders).encode()
        ).decode()

    # -- results ------------------------------------------------------------------

    def _items(self, loaded: Loaded) -> bytes:
        """The JSON array of the items."""
        return b"".join(self._item_parts(loaded))

    def _item_parts(self, loaded: Loaded) -> tuple[bytes, ...]:
        """The JSON array of the items in parts, for a body to join once:
        the JSON mode's texts, joined and encoded once, with their brackets
        beside them rather than copied again to add them (a page of 1,000
        assets is a few megabytes)."""
        if loaded.mode == "json":
            return (b"[", ",".join(loaded.documents).encode(), b"]")
        return (self._written(loaded),)

    def _written(self, loaded: Loaded) -> bytes:
        """The JSON of the row or ORM mode's items as the response model
        writes it: straight from the row dicts with orjson when the model
        has a writer and every value fits it, else through the model (which
        reads row dicts as it reads objects, through the same aliases)."""
        rows = loaded.mode == "rows"
        writer = row_writer(self.response_type) if rows else None
        if writer is not None:
            try:
                return dumps([writer(row) for row in loaded.items])
            except Unwritable:
                pass
        items = loaded.items
        if not rows and self.plan.root.has_side_lists():
            items = [LoadedView(item) for item in items]
        adapter = _adapter(self.response_type)
        validated = adapter.validate_python(items, from_attributes=not rows)
        return adapter.dump_json(validated, by_alias=True)

    def _page(self, loaded: Loaded) -> Response:
        if self.endpoint.bare:
            return self._response(self._items(loaded), loaded)
        parts = [b'{"items":', *self._item_parts(loaded)]
        if self.total:
            parts += [b',"total":', orjson.dumps(loaded.total)]
        if self.limit is not None:
            cursor = self._next_cursor(loaded.items[-1]) if loaded.more and loaded.items else None
            parts += [b',"next_cursor":', orjson.dumps(cursor)]
        parts.append(b"}")
        return self._response(b"".join(parts), loaded)

    def _response(self, body: bytes, loaded: Loaded) -> Response:
        header = self.endpoint.mode_header
        headers = {header: loaded.mode} if header is not None else None
        return Response(body, media_type="application/json", headers=headers)

    def _one(self, loaded: Loaded, not_found: str) -> Response:
        if not loaded.items:
            raise HTTPException(status_code=404, detail=not_found)
        return self._response(self._items(loaded)[1:-1], loaded)

    def _mode_for(self, session: Session | AsyncSession) -> Mode:
        """The mode to fetch in: the JSON mode a request asked for only
        where it can answer, which is what ``auto`` runs. Some refusals are
        known only once the statement is built (a MariaDB map over rows of a
        composite key), past :meth:`loadplan.Plan.supports_json`: ``auto``
        falls back from those too, where a forced JSON mode raises."""
        if self.mode == "json" and self.asked:
            return "auto"
        return self.mode

    def _dialect(self, session: Session | AsyncSession) -> Any:
        """The dialect of the database the endpoint's model lives in."""
        return session.get_bind(self.endpoint.model).dialect

    def _explained(self, log: Any, session: Session | AsyncSession) -> Response:
        body = {
            "plan": self.plan.explain(),
            "mode": self.plan.mode(self._mode_for(session), self._dialect(session)),
            "statement_count": log.count,
            "statements": [s.sql for s in log],
        }
        return Response(orjson.dumps(body), media_type="application/json")

    def _recording(self, session: Session | AsyncSession) -> Any:
        return count_queries(session) if self.explain else contextlib.nullcontext()

    def page(
        self,
        session: Session,
        stmt: RootStatement,
        if_empty: Callable[[], object] | None = None,
        *,
        key: Hashable | None = None,
    ) -> Response:
        """Run ``stmt`` (sync session) as one page of planned objects.

        ``if_empty`` runs when the page has no rows: raise from it to answer
        404 for a list whose parent does not exist. Checking the parent only
        then, rather than first, saves a list with rows that statement.

        ``key`` (optional, with the endpoint's ``context_key``) declares
        that ``stmt`` is decided by it alone (see :meth:`loadplan.Plan.fetch`,
        keys are the endpoint's own): a request whose key was seen reuses
        the JSON mode's statement without building ``stmt`` when it is a
        function that builds it.
        """
        with self._recording(session) as log:
            loaded = self.plan.fetch(session, stmt, **self._fetch_options(session, key))
            if not loaded.items and if_empty is not None:
                if_empty()
            response = self._page(loaded)
        return self._explained(log, session) if self.explain else response

    async def apage(
        self,
        session: AsyncSession,
        stmt: RootStatement,
        if_empty: Callable[[], Awaitable[object]] | None = None,
        *,
        key: Hashable | None = None,
    ) -> Response:
        """Like :meth:`page`, with an async session (``if_empty`` is awaited)."""
        with self._recording(session) as log:
            loaded = await self.plan.afetch(session, stmt, **self._fetch_options(session, key))
            if not loaded.items and if_empty is not None:
                await if_empty()
            response = self._page(loaded)
        return self._explained(log, session) if self.explain else response

    def _fetch_options(
        self, session: Session | AsyncSession, key: Hashable | None
    ) -> dict[str, Any]:
        """What :meth:`page` and :meth:`apage` fetch with: the request's mode,
        page and total, and ``key`` as the endpoint's own (another endpoint
        of the same plan may use the same keys for other statements)."""
        return {
            "mode": self._mode_for(session),
            "page": self.paging,
            "total": self.total,
            "key": None if key is None else (self.endpoint, key),
        }

    def one(self, session: Session, stmt: Select[Any], not_found: str = "not found") -> Response:
        """Run ``stmt`` for a single object: 404 with ``not_found`` when there is none."""
        with self._recording(session) as log:
            loaded = self.plan.fetch(session, stmt.limit(1), mode=self._mode_for(session))
            response = self._one(loaded, not_found)
        return self._explained(log, session) if self.explain else response

    async def aone(
        self, session: AsyncSession, stmt: Select[Any], not_found: str = "not found"
    ) -> Response:
        """Like :meth:`one`, with an async session."""
        with self._recording(session) as log:
            loaded = await self.plan.afetch(session, stmt.limit(1), mode=self._mode_for(session))
            response = self._one(loaded, not_found)
        return self._explained(log, session) if self.explain else response

    def objects(self, session: Session, stmt: Select[Any]) -> Sequence[Any]:
        """The planned objects of one page, for endpoints that build their own response."""
        return self.plan.fetch(session, stmt, mode="orm", page=self.paging).items


class LoadedView:
    """An object read the way its plan loaded it.

    Where one relationship is loaded at several places of a request with
    different arguments (a page of tasks here, all of them for a computed
    field there), the page is kept beside the attribute; this view hands it
    to the response model under the attribute's name, and wraps what it
    returns so nested objects are read the same way.
    """

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return _view(related(self._obj, name, name))


def _view(value: Any) -> Any:
    if isinstance(value, list):
        return [_view(item) for item in value]
    if hasattr(value, "_sa_instance_state"):
        return LoadedView(value)
    return value


_adapters: Memo[tuple[Any, bool], TypeAdapter[Any]] = Memo("response type adapters")


def _adapter(response_type: Any, single: bool = False) -> TypeAdapter[Any]:
    return _adapters.get(
        (response_type, single),
        lambda: TypeAdapter(response_type if single else list[response_type]),
    )


def _decode_cursor(cursor: str, model: type[Any], orders: Sequence[Order]) -> tuple[Any, ...]:
    """The keys of ``cursor``: a 400 for a string that is not a cursor of
    this list, or one made for another ``order``."""
    try:
        return load_keys(base64.urlsafe_b64decode(cursor.encode()).decode(), model, orders)
    except OtherOrder as error:
        raise HTTPException(
            status_code=400,
            detail={"message": "cursor made for another order", "field": "cursor"},
        ) from error
    except ValueError as error:
        raise HTTPException(
            status_code=400, detail={"message": "invalid cursor", "field": "cursor"}
        ) from error
