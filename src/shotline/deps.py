"""Request dependencies: the database session and the settings.

FastAPI runs a plain ``def`` dependency in a worker thread, and each hop
there and back costs about 0.16 ms on a 2-core server: a few of them are a
few percent of a grid request. So dependencies that neither block nor
compute for long are ``async def`` and run on the event loop; only what
talks to the database goes to a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from loadplan.fastapi import EndpointSettings
from shotline.events.log import act_as
from shotline.settings import Settings


async def get_session(request: HTTPConnection) -> AsyncIterator[Session]:
    """A session per request; endpoints that write commit, anything else rolls back.

    Its changes are recorded in the event log as the principal's. A
    connection rather than a request: GraphQL's WebSocket has one too.

    Opening a session touches no connection (the first statement takes
    one, in the endpoint's thread); closing one that holds a transaction
    rolls back on its connection, so it runs in a thread. A session holding
    none (never used, committed, or closed by the endpoint in its own
    thread once its response was written, see :func:`released`) is closed
    here: no statement, no thread hop.
    """
    session: Session = request.app.state.sessions()
    principal = getattr(request.state, "principal", None)
    act_as(session, principal.person_id if principal is not None else None)
    try:
        yield session
    finally:
        if session.in_transaction():
            # A cancelled request must still give its connection back.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.close)
        else:
            session.close()


@contextmanager
def released(session: Session) -> Iterator[Session]:
    """``session``, closed on leaving, in the (worker) thread of the endpoint
    that wrote its response while it held it: :func:`get_session` then has
    no connection to give back from the event loop, which saves a request
    a thread hop (0.2 to 0.7 ms on a 2-core server, more under load). For
    reads: anything not committed is rolled back."""
    try:
        yield session
    finally:
        session.close()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DB = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]


async def planned_settings(settings: AppSettings) -> EndpointSettings:
    """What a planned endpoint takes from the app's settings per request: the
    largest ``limit`` (``max_page_size``), ``explain`` in debug mode, and
    loadplan's mode; without ``limit``, every row."""
    return EndpointSettings(
        max_limit=settings.max_page_size, debug=settings.debug, mode=settings.loadplan_mode
    )


async def paged_planned_settings(settings: AppSettings) -> EndpointSettings:
    """:func:`planned_settings` of a list that answers one page of the
    largest size when no ``limit`` is given."""
    return EndpointSettings(
        max_limit=settings.max_page_size,
        default_limit=settings.max_page_size,
        debug=settings.debug,
        mode=settings.loadplan_mode,
    )
