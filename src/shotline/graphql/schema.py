"""The GraphQL API at ``/graphql`` (GraphiQL on GET), built on ``loadplan.strawberry``.

Schema overview (types in :mod:`shotline.graphql.types`, mutations in
:mod:`shotline.graphql.mutations`):

- ``projects`` / ``projectConnection`` / ``project(id)``: productions, with
  their ``episodes``, ``sequences``, ``shots`` and ``assets``,
  ``entityConnection`` (every kind, as the ``Entity`` interface), their
  ordered ``taskTypes`` and ``taskStatuses``, ``assetCount``/``shotCount``
  and ``progress`` (per task type: counts by status and done ratio, one
  grouped statement per project), and ``eventConnection``, its activity
  feed (the events of docs/events.md the person may read, newest first).
- ``entity(id)`` / ``entityConnection``: the ``Entity`` interface, implemented
  by ``Asset``, ``Episode``, ``Sequence`` and ``Shot``; every entity has its
  ``tasks``.
- ``task(id)`` / ``taskConnection``: tasks with their type, status,
  ``assignees``, ``comments``, ``latestComment``, ``commentCount``, ``timeLogs``;
  ``myTasks``: the signed-in person's open tasks, newest activity first.
- ``people`` / ``personConnection`` / ``person(id)``, ``departments``,
  ``taskTypes``, ``taskStatuses``, ``assetTypes``: the studio's vocabulary.
- Mutations ``setTaskStatus``, ``assignTask``, ``addComment``, answering
  with the changed task; ``addProjectMember``, ``setProjectMemberRole``,
  ``removeProjectMember``, answering with the project (its ``members`` are
  its team, with each one's ``projectRole``).
- Subscription ``events(projectId)``: the events of docs/events.md the
  person may read, as they are committed (:mod:`shotline.graphql.events`),
  over the ``graphql-transport-ws`` WebSocket protocol.

Each collection is a plain list (``shots``) and a Relay connection
(``shotConnection``; a project's entities of every kind only the latter, as
that relationship has no order of its own). Every list takes ``filter``
(``<Type>Filter``: conditions on the type's column fields, all of which must
hold) and ``order`` (a list of ``<Type>Order``); a plain list also takes
``limit``/``offset``, a connection ``first``/``after``/``last``/``before``. ``OptimizerExtension`` turns a whole request into a fixed
number of SQL statements (one per level of lists, to-ones joined), whatever
the number of rows. A single object asked for by an unknown id is ``null``.

Limits, from :class:`~shotline.settings.Settings`, so that one request cannot
bring the database down:

- ``graphql_max_depth``: the deepest field nesting an operation may have (a
  connection's ``edges { node }`` counts as two levels). Answered
  ``'<operation>' exceeds maximum operation depth of <n>``.
- ``graphql_max_aliases``: how many aliased fields a document may hold, since
  each alias of a list with other arguments is a statement of its own.
  Answered ``<k> aliases found. Allowed: <n>``.
- ``max_page_size``: the largest ``first``/``last``/``limit`` accepted, and
  the page size of a connection asked for without one. Answered ``first must
  not exceed <n>`` (or ``last``/``limit``).
- ``graphql_max_query_chars``, ``graphql_max_cost`` (the values an operation
  may answer, estimated from its page sizes), a nesting bound, text and list
  rules on arguments, and ``operationName`` for a document of several
  operations: see :mod:`shotline.graphql.limits`, which measures depth and
  aliases in time linear in the document and keeps parsed documents bounded
  by the size of their text.

Every operation needs a bearer token (a missing or bad one is an HTTP 401
whose body has an ``UNAUTHENTICATED`` error; a subscription's WebSocket
without one is closed with 1008); the GraphiQL page does not. The
access rules of :mod:`shotline.access` apply to every level of every
operation (a project the principal is not on is ``null``, a vendor's lists
hold only their tasks and those tasks' entities), and a mutation the
principal may not make is a ``FORBIDDEN`` error.

Every limit rejects the operation before any statement runs. Errors
raised on purpose (:mod:`shotline.graphql.errors`, loadplan's page and cursor
errors, GraphQL validation) keep their message; any other exception is
answered as ``Unexpected error.`` with ``extensions.code``
``INTERNAL_SERVER_ERROR`` and the ``request_id`` it was logged with, so no SQL
or internals reach clients. Responses are HTTP 200 with ``errors``, as GraphQL clients expect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any, cast

import orjson
import strawberry
from cross_web import HTTPException
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from graphql import GraphQLError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from strawberry.extensions import MaskErrors
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionContext, ExecutionResult, unset
from strawberry.types.graphql import OperationType

import loadplan.strawberry as lp
from loadplan import PlanError
from shotline import models as m
from shotline.access import RULES, principal_key
from shotline.errors import TIMED_OUT, timed_out
from shotline.graphql import events
from shotline.graphql.context import get_context, principal, session_of
from shotline.graphql.errors import key
from shotline.graphql.events import NotificationNode, Subscription
from shotline.graphql.limits import DocumentCache, GraphQLLimits, RequestLimits
from shotline.graphql.mutations import Mutation
from shotline.graphql.types import (
    ENTITY_TYPES,
    AssetType,
    Department,
    Entity,
    Person,
    Project,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.request_id import current_request_id
from shotline.settings import MODE_HEADER, Settings
from shotline.web import graphiql_page

logger = logging.getLogger("shotline.graphql")

_JSON_MODES = {"auto": "auto", "json": "force", "rows": "off", "orm": "off"}
"""loadplan's JSON mode for GraphQL per ``Settings.loadplan_mode``: chosen
where it can answer, forced for debugging, or never."""


@strawberry.type
class Query:
    """Lists are planned from the field's selection by ``OptimizerExtension``.
    So are the single objects: their resolvers answer with a statement (cast
    to the type the extension turns it into), ``null`` when it finds no row."""

    projects: list[Project] = lp.field()
    project_connection: lp.Connection[Project] = lp.connection()
    entity_connection: lp.Connection[Entity] = lp.connection()
    task_connection: lp.Connection[Task] = lp.connection()
    people: list[Person] = lp.field()
    person_connection: lp.Connection[Person] = lp.connection()
    departments: list[Department] = lp.field()
    task_types: list[TaskType] = lp.field()
    task_statuses: list[TaskStatus] = lp.field()
    asset_types: list[AssetType] = lp.field()
    notifications: list[NotificationNode] = strawberry.field(resolver=events.notifications)
    unread_notification_count: int = strawberry.field(resolver=events.unread_notification_count)

    @strawberry.field
    def project(self, id: strawberry.ID) -> Project | None:
        return cast("Project | None", select(m.Project).where(m.Project.id == key(id, "project")))

    @strawberry.field
    def entity(self, id: strawberry.ID) -> Entity | None:
        return cast("Entity | None", select(m.Entity).where(m.Entity.id == key(id, "entity")))

    @strawberry.field
    def task(self, id: strawberry.ID) -> Task | None:
        return cast("Task | None", select(m.Task).where(m.Task.id == key(id, "task")))

    @strawberry.field
    def person(self, id: strawberry.ID) -> Person | None:
        return cast("Person | None", select(m.Person).where(m.Person.id == key(id, "person")))

    @strawberry.field(
        description="My to-do: the open (not done) tasks assigned to me, the most recently "
        "changed first (REST: GET /api/me/tasks)."
    )
    def my_tasks(
        self, info: strawberry.Info, project_id: strawberry.ID | None = None
    ) -> list[Task]:
        conditions = [
            m.Task.assignees.any(m.Person.id == principal(info).person_id),
            m.Task.task_status.has(m.TaskStatus.is_done.is_(False)),
        ]
        if project_id is not None:
            conditions.append(m.Task.project_id == key(project_id, "project"))
        stmt = select(m.Task).where(*conditions).order_by(m.Task.updated_at.desc(), m.Task.id)
        return cast("list[Task]", stmt)


def _unexpected(error: GraphQLError) -> bool:
    """Errors nobody raised for the client: bugs, database errors."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | PlanError)


def _rewritten(error: GraphQLError) -> bool:
    """Errors answered otherwise than as raised: the unexpected ones, and
    loadplan's refusals of a filter value (a ``projectId`` that is no number)."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class MaskInternalErrors(MaskErrors):
    """``Unexpected error.`` in place of what a bug or the database said,
    with ``extensions.code`` ``INTERNAL_SERVER_ERROR`` and the request id the
    error was logged with (see :meth:`ShotlineSchema.process_errors`); a
    filter value loadplan refuses is ``BAD_USER_INPUT``, with its message."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_rewritten)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, PlanError):
            return GraphQLError(
                str(error.original_error),
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": "BAD_USER_INPUT"},
            )
        if error.original_error is not None and timed_out(error.original_error):
            return GraphQLError(
                TIMED_OUT,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": "STATEMENT_TIMEOUT"},
            )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "request_id": current_request_id()},
        )


class ShotlineSchema(strawberry.Schema):
    """Runs each operation in a worker thread, and logs only unexpected errors.

    Resolvers do blocking I/O on a sync ``Session``; Strawberry's FastAPI
    router would run them on the event loop, stalling every other request
    (REST included) for the duration of the SQL. REST endpoints are sync
    ``def``s that FastAPI already runs in its thread pool: so is this. It
    follows that resolvers must be plain functions, not coroutines.

    Strawberry logs every error with its traceback; a client's mistake (an
    unknown id, a query too deep) is answered, not worth an error in the logs.
    """

    documents: DocumentCache
    """The parsed and validated documents it keeps (see :mod:`shotline.graphql.limits`)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if _unexpected(error):
                logger.error(
                    "internal error in GraphQL request %s at %s",
                    current_request_id(),
                    error.path,
                    exc_info=error.original_error,
                )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        return await run_in_threadpool(
            self.execute_sync,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )


def make_schema(settings: Settings) -> ShotlineSchema:
    """A schema per application: its limits come from the app's settings."""
    limits = GraphQLLimits(
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_query_chars=settings.graphql_max_query_chars,
        max_cost=settings.graphql_max_cost,
        list_estimate=settings.graphql_list_estimate,
        max_page_size=settings.max_page_size,
    )
    documents = DocumentCache(settings.graphql_cache_chars)
    schema = ShotlineSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=[
            # First: it refuses what is too big to run before anything else
            # works on it, and keeps the documents clients send over and over
            # parsed and validated.
            partial(RequestLimits, limits=limits, documents=documents),
            MaskInternalErrors,
            lp.OptimizerExtension.with_options(
                session_getter=session_of,
                max_page_size=settings.max_page_size,
                rules=RULES,
                context_key=principal_key,
                rows=settings.loadplan_mode != "orm",
                mode_header=MODE_HEADER,
                json=_JSON_MODES[settings.loadplan_mode],
                # Responses are encoded by orjson (the router's encode_json),
                # which writes the JSON mode's texts into them as they are.
                splice=True,
            ),
        ],
        # Root fields whose whole subtree is plain loadplan fields are
        # answered from rows, completed in one pass (loadplan's fast path).
        execution_context_class=lp.RowExecutionContext,
    )
    schema.documents = documents
    return schema


class _Router(GraphQLRouter[Any, None]):
    """Strawberry's router, whose GraphiQL page loads its scripts from this
    server's static files instead of a CDN (see :mod:`shotline.web`), and
    whose request bodies are decoded by orjson: faster, and a body nested
    past its 1,024 levels is a 400 ``Unable to parse request body as JSON``
    (Python's parser recursed until a ``RecursionError``, a 500), whose
    results are encoded by orjson too, and whose refusals have the REST
    API's error body."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        """The result as JSON, by orjson: it is encoded on the event loop,
        and a result as large as the cost limit allows (megabytes) took
        Python's encoder a tenth of a second, every other request waiting."""
        return orjson.dumps(data)

    async def run(
        self, request: Request, context: Any = unset.UNSET, root_value: Any = unset.UNSET
    ) -> Response:
        """Strawberry's run, whose refusals of a request that is not a
        GraphQL one (a body that is not JSON, no query, a mutation sent with
        GET) are raised for the application's error handlers, which answer
        them in the one error body, instead of as plain text."""
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            raise StarletteHTTPException(error.status_code, error.reason) from error


def make_router(settings: Settings) -> APIRouter:
    """The ``/graphql`` routes; each request gets a session of its own (see
    :mod:`shotline.graphql.context`)."""
    # Subscriptions over graphql-transport-ws only (the protocol of
    # graphql-ws, which current clients speak); the authentication
    # middleware checks the WebSocket's token when it opens.
    return _Router(
        make_schema(settings),
        context_getter=get_context,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
