"""Events as the activity feed and the notifications answer them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shotline.schemas.crud import Out


class EventOut(Out):
    """One change (see docs/events.md for the kinds and their payloads)."""

    id: int
    created_at: dt.datetime
    kind: str
    actor_id: int | None = Field(description="Who made the change.")
    project_id: int | None = Field(description="None: studio-wide data (people, vocabulary).")
    entity_id: int | None
    task_id: int | None
    comment_id: int | None
    person_id: int | None = Field(description="The person the change is about, if any.")
    payload: dict[str, Any]


class NotificationOut(BaseModel):
    """An event that concerns the person, and whether they have read it."""

    event: EventOut
    read: bool


class NotificationPage(BaseModel):
    items: list[NotificationOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next (older) page; None on the last page."
    )


class UnreadCount(BaseModel):
    unread: int
