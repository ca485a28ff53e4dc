"""GraphQL subscriptions: ``events``, the same events as the REST stream
(``GET /api/events/stream``), over the ``graphql-transport-ws`` protocol.

A subscriber receives the events the person may read (the access rules of
:mod:`shotline.events.rules`, evaluated in SQL by the process's broker), as
they are committed by any server process; ``projectId`` narrows them to one
project. The WebSocket is authenticated when it opens (see
:class:`shotline.auth.AuthenticationMiddleware`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any, cast

import orjson
import strawberry

from shotline import models as m
from shotline.events.broker import Broker
from shotline.graphql.context import principal, session_of
from shotline.graphql.errors import BadInput, answered_as_graphql, key
from shotline.graphql.types import Event
from shotline.services import notifications as service

__all__ = [
    "NotificationNode",
    "Subscription",
    "mark_notifications_read",
    "notifications",
    "unread_notification_count",
    "watch_task",
]


def _event(data: dict[str, Any]) -> m.Event:
    """An event of the stream as the ``Event`` type reads it (not added to any session)."""
    return m.Event(**{**data, "created_at": dt.datetime.fromisoformat(data["created_at"])})


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def events(
        self, info: strawberry.Info, project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[Event, None]:
        """The events the person may read, from now on, as they are committed."""
        project = None if project_id is None else key(project_id, "project")
        broker: Broker = info.context["request"].app.state.events
        who = principal(info)
        subscriber = broker.subscribe(who.person_id, who.token_id)
        try:
            while (batch := await subscriber.queue.get()) is not None:
                for message in batch:
                    data = orjson.loads(message.data)
                    if project is None or data["project_id"] == project:
                        yield cast("Event", _event(data))
        finally:
            broker.unsubscribe(subscriber)


@strawberry.type(name="Notification")
class NotificationNode:
    event: Event
    read: bool


def notifications(
    info: strawberry.Info,
    unread: bool = False,
    first: int = 50,
    before: strawberry.ID | None = None,
) -> list[NotificationNode]:
    """The events that concern the signed-in person, newest first (see
    docs/events.md); ``before``: an event id, for the next page."""
    if not 1 <= first <= service.MAX_NOTIFICATIONS:
        raise BadInput(f"first must be between 1 and {service.MAX_NOTIFICATIONS}, got {first}")
    older = None if before is None else key(before, "event")
    rows, _ = service.notifications(
        session_of(info), principal(info), unread=unread, limit=first, before=older
    )
    return [NotificationNode(event=cast("Event", event), read=read) for event, read in rows]


def unread_notification_count(info: strawberry.Info) -> int:
    return service.unread_count(session_of(info), principal(info))


def mark_notifications_read(info: strawberry.Info, event_id: strawberry.ID | None = None) -> int:
    """Mark one notification read (``eventId``), or all of them; answers
    how many are left unread."""
    session, who = session_of(info), principal(info)
    with answered_as_graphql({}):
        if event_id is None:
            service.mark_all_read(session, who)
        else:
            service.mark_read(session, who, key(event_id, "event"))
    session.commit()
    return service.unread_count(session, who)


def watch_task(info: strawberry.Info, task_id: strawberry.ID, watch: bool = True) -> bool:
    """Follow a task (its comments and status changes become notifications),
    or stop (``watch: false``); answers ``watch``."""
    session, who = session_of(info), principal(info)
    task = key(task_id, "task")
    with answered_as_graphql({}):
        (service.watch if watch else service.unwatch)(session, who, task)
    session.commit()
    return watch
