"""Notifications and task watches (see :mod:`shotline.services.notifications`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from shotline.api.crud.common import IdPath, errors
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import BadRequest
from shotline.events.broker import event_data
from shotline.schemas.events import EventOut, NotificationOut, NotificationPage, UnreadCount
from shotline.services import notifications as service

router = APIRouter(tags=["notifications"])


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or int(cursor) > 2**63 - 1:
        raise BadRequest("cursor", "not a cursor of this list")
    return int(cursor)


@router.get("/notifications", responses=errors(400))
def list_notifications(
    db: DB,
    me: Me,
    unread: Annotated[bool, Query(description="Only those not read yet.")] = False,
    limit: Annotated[int, Query(ge=1, le=service.MAX_NOTIFICATIONS)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> NotificationPage:
    """The events that concern the signed-in person, newest first: their
    assignments, @mentions, and comments and status changes of the tasks
    they are assigned to or watch (never their own changes)."""
    rows, following = service.notifications(
        db, me, unread=unread, limit=limit, before=_cursor(cursor)
    )
    return NotificationPage(
        items=[
            NotificationOut(event=EventOut.model_validate(event_data(event)), read=read)
            for event, read in rows
        ],
        next_cursor=None if following is None else str(following),
    )


@router.get("/notifications/unread-count")
def count_unread_notifications(db: DB, me: Me) -> UnreadCount:
    return UnreadCount(unread=service.unread_count(db, me))


@router.post("/notifications/{event_id}/read", status_code=204, responses=errors(404))
def mark_notification_read(event_id: IdPath, db: DB, me: Me) -> None:
    service.mark_read(db, me, event_id)
    db.commit()


@router.post("/notifications/read", status_code=204)
def mark_all_notifications_read(db: DB, me: Me) -> None:
    """Mark every notification read, up to the latest."""
    service.mark_all_read(db, me)
    db.commit()


@router.put("/tasks/{task_id}/watch", status_code=204, responses=errors(404))
def watch_task(task_id: IdPath, db: DB, me: Me) -> None:
    """Follow the task: its comments and status changes become notifications."""
    service.watch(db, me, task_id)
    db.commit()


@router.delete("/tasks/{task_id}/watch", status_code=204, responses=errors(404))
def unwatch_task(task_id: IdPath, db: DB, me: Me) -> None:
    service.unwatch(db, me, task_id)
    db.commit()
