"""The event stream: ``GET /api/events/stream``, server-sent events.

Each message is one event the person may read (see
:mod:`shotline.events.rules`): its ``id`` is the event's, its ``data`` the
event as JSON (``id``, ``time``, ``kind``, ``actor_id``, ``project_id``,
``entity_id``, ``task_id``, ``comment_id``, ``person_id``, ``payload``).
A client that reconnects with ``Last-Event-ID`` (browsers' EventSource does
it by itself) first receives, from the log, every event after that one it
may read, in order, then the live ones: it misses nothing. Without it, the
stream starts with the next change. A comment line every
:data:`KEEPALIVE_SECONDS` keeps proxies from closing a quiet stream.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import BadRequest
from shotline.events.broker import Broker, Message, as_message
from shotline.events.rules import readable_by
from shotline.models import Event
from shotline.schemas.crud import MAX_INT
from shotline.schemas.events import EventOut
from shotline.services.checks import project_seen_if_empty

router = APIRouter(tags=["events"])

event_list = listing(Event, EventOut, paged=True, default_order="-id")
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_INT)]
KIND_PATTERN = r"^[a-z_]+(\.[a-z_]*)?$"

KEEPALIVE_SECONDS = 15.0
BACKLOG_PAGE = 500
"""Events read from the log per statement when a stream resumes."""
RETRY_MILLISECONDS = 2000
MAX_EVENT_ID = 2**63 - 1


def backlog(
    sessions: sessionmaker[Session], person_id: int, after: int, limit: int
) -> list[Message]:
    """The events after ``after`` that ``person_id`` may read, oldest first."""
    with sessions() as session:
        events = session.scalars(
            select(Event)
            .where(Event.id > after, readable_by(person_id))
            .order_by(Event.id)
            .limit(limit)
        ).all()
        return [as_message(event) for event in events]


def _frames(messages: Iterable[Message]) -> str:
    return "".join(f"id: {message.id}\ndata: {message.data}\n\n" for message in messages)


def _last_event_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) > MAX_EVENT_ID:
        raise BadRequest("Last-Event-ID", "must be the id of an event (a whole number)")
    return int(value)


@router.get(
    "/events/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-sent events, one per event the person may read.",
        },
        400: {"description": "Last-Event-ID is not an event id."},
    },
)
async def stream_events(
    request: Request,
    me: Me,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            description="Resume after this event: the events missed come first.",
        ),
    ] = None,
) -> StreamingResponse:
    """The person's events, as they are committed (by any server process)."""
    resume = _last_event_id(last_event_id)
    broker: Broker = request.app.state.events
    sessions: sessionmaker[Session] = request.app.state.sessions
    subscriber = broker.subscribe(me.person_id, me.token_id)
    person_id = me.person_id

    async def body() -> AsyncIterator[str]:
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n\n"
            sent: set[int] = set()
            if resume is not None:
                position = resume
                while True:
                    page = await run_in_threadpool(
                        backlog, sessions, person_id, position, BACKLOG_PAGE
                    )
                    if page:
                        yield _frames(page)
                        sent.update(message.id for message in page)
                        position = page[-1].id
                    if len(page) < BACKLOG_PAGE:
                        break
            while True:
                try:
                    batch = await asyncio.wait_for(subscriber.queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if batch is None:
                    return
                fresh = [message for message in batch if message.id not in sent]
                if fresh:
                    yield _frames(fresh)
        finally:
            broker.unsubscribe(subscriber)

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/projects/{project_id}/events",
    response_model=event_list.page_model,
    responses=errors(404),
)
def list_project_events(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(event_list)],
    kind: Annotated[
        str | None,
        Query(
            pattern=KIND_PATTERN,
            description="A kind (task.status_changed), or all of a subject (task.).",
        ),
    ] = None,
    person_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_INT, description="Made by this person, or about them."),
    ] = None,
    entity_id: IdFilter = None,
    task_id: IdFilter = None,
    since: Annotated[dt.datetime | None, Query(description="At or after this time.")] = None,
    until: Annotated[dt.datetime | None, Query(description="Before this time.")] = None,
) -> Response:
    """The project's activity feed: its events the principal may read,
    newest first unless ``order`` says otherwise, by pages (``cursor``)."""
    conditions: list[ColumnElement[bool]] = [Event.project_id == project_id]
    if kind is not None:
        conditions.append(Event.kind.startswith(kind) if kind.endswith(".") else Event.kind == kind)
    if person_id is not None:
        conditions.append(or_(Event.actor_id == person_id, Event.person_id == person_id))
    if entity_id is not None:
        conditions.append(Event.entity_id == entity_id)
    if task_id is not None:
        conditions.append(Event.task_id == task_id)
    for bound, name in ((since, "since"), (until, "until")):
        if bound is not None and bound.tzinfo is None:
            raise BadRequest(name, "needs a time zone (e.g. 2026-12-06T09:00:00Z)")
    if since is not None:
        conditions.append(Event.created_at >= since)
    if until is not None:
        conditions.append(Event.created_at < until)
    stmt = select(Event).where(*conditions)
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))
