"""Nothing that waits for the database or works for long runs on the event
loop, where it would stall every other request (issue: validation and
error rendering never block the event loop).

FastAPI runs a ``def`` endpoint in its thread pool and an ``async def`` one
on the loop; GraphQL operations run in a thread (``ShotlineSchema.execute``).
So every endpoint of the API is a ``def``, but the few reviewed ones below,
which read their body as a stream and hand every statement to a thread.
A new ``async def`` endpoint fails here until it is reviewed the same way."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine

from shotline.app import create_app
from tests.reliability.conftest import LIMITS, graphql_schema

ASYNC_ENDPOINTS = {
    # The file arrives in chunks written by a thread; checks and the record
    # of the preview run in threads (shotline.api.crud.previews).
    ("POST", "/api/comments/{comment_id}/previews"),
    # The CSVs are read whole (at most MAX_CSV_BYTES), then checked and
    # applied in a thread (shotline.api.crud.casting, .csv_io).
    ("POST", "/api/projects/{project_id}/casting.csv"),
    ("POST", "/api/projects/{project_id}/assets.csv"),
    ("POST", "/api/projects/{project_id}/shots.csv"),
    ("POST", "/api/projects/{project_id}/tasks.csv"),
    ("POST", "/api/people.csv"),
    # The event stream waits on its queue; the backlog it resumes from is
    # read in a thread, a bounded page at a time (shotline.api.events).
    ("GET", "/api/events/stream"),
    # Strawberry's router: parsing is bounded by the query text limit,
    # execution runs in a thread.
    ("GET", "/graphql"),
    ("POST", "/graphql"),
}


def test_only_reviewed_endpoints_run_on_the_event_loop(engine: Engine) -> None:
    app = create_app(engine, LIMITS)
    endpoints = [
        (method, context.path, context.original_route.endpoint)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.original_route.methods
    ]
    assert len(endpoints) > 100
    on_the_loop = {
        (method, path)
        for method, path, endpoint in endpoints
        if inspect.iscoroutinefunction(endpoint)
    }
    assert on_the_loop == ASYNC_ENDPOINTS


def test_graphql_operations_run_in_a_thread(engine: Engine) -> None:
    """Strawberry would run resolvers, and their statements, on the loop."""
    schema = graphql_schema(create_app(engine, LIMITS))
    source = inspect.getsource(type(schema).execute)
    assert "run_in_threadpool(" in source
    assert "self.execute_sync" in source
