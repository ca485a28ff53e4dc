"""The event log, and what turns events into a person's notifications.

Every change appends events to ``event`` in the transaction that makes it
(:mod:`shotline.events.log`): a rolled-back change leaves none, a committed
one cannot lose its events. An event names what it is about by plain ids, not
foreign keys: the log outlives the rows it tells of (a deleted project's
events stay readable by the people who were on it).

``event_recipient`` lists the people an event is addressed to (the assignee
of an assignment, someone @mentioned, the team of a deleted project): they
receive it even where the access rules alone would not let them (a project
that no longer exists has no team), and it is among their notifications.
Notifications are otherwise events read through the watches
(``task_watch``) and assignments of a person; what they have read is
``notification_read`` (one by one) and ``notification_state`` (everything
up to an event, "mark all read").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from shotline.models.base import Base
from shotline.sqltypes import JSONData, UTCDateTime, utcnow

EventId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit id (SQLite numbers rows only through an INTEGER primary key)."""


class Event(Base):
    """One change: ``kind`` (``task.status_changed``, ``comment.created``, ...,
    listed in docs/events.md), who made it, the project it happened in
    (``None`` for studio-wide data: people, the vocabulary) and the rows it
    is about. ``restricted`` marks what clients never read (internal comments,
    time logs), by the same rules as reads."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_project_id", "project_id", "id"),
        Index("ix_event_task_id", "task_id"),
        Index("ix_event_entity_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None]
    project_id: Mapped[int | None]
    entity_id: Mapped[int | None]
    task_id: Mapped[int | None]
    comment_id: Mapped[int | None]
    person_id: Mapped[int | None]
    restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    payload: Mapped[dict[str, Any]] = mapped_column(JSONData, default=dict)


class EventRecipient(Base):
    """A person an event is addressed to."""

    __tablename__ = "event_recipient"
    __table_args__ = (Index("ix_event_recipient_person_id", "person_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )


class TaskWatch(Base):
    """A person following a task: its comments and status changes notify them."""

    __tablename__ = "task_watch"
    __table_args__ = (Index("ix_task_watch_person_id", "person_id"),)

    task_id: Mapped[int] = mapped_column(
        ForeignKey("task.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )


class NotificationRead(Base):
    """A notification its person has read."""

    __tablename__ = "notification_read"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )


class NotificationState(Base):
    """Every notification up to ``read_through`` (an event id) is read."""

    __tablename__ = "notification_state"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    read_through: Mapped[int] = mapped_column(EventId)
