"""Notifications: the events that concern a person, read from the log.

A person's notifications are the events they may read (the access rules of
:mod:`shotline.events.rules`), made by someone else, and

- addressed to them (``event_recipient``): their assignments (and their
  end), an @mention in a comment, their joining or leaving a team, the
  deletion of a project they were on;
- or a comment or a status change of a task they are assigned to or watch.

There is no second record of them: reading them is a query of the log.
What a person has read is kept per event, or up to an event for "mark all
read".

A mention is ``@`` followed by the full name of a member of the task's
project (``@Mira Okafor``), in any case; an internal comment mentions no
client (they could not read it).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select, union
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.errors import NotFound
from shotline.events.rules import readable_by
from shotline.models import (
    Event,
    EventRecipient,
    NotificationRead,
    NotificationState,
    Person,
    ProjectMember,
    Role,
    Task,
    TaskWatch,
    task_assignee,
)
from shotline.services.checks import row_exists, seen, verify

__all__ = [
    "MAX_NOTIFICATIONS",
    "NOTIFYING_KINDS",
    "concerns",
    "mark_all_read",
    "mark_read",
    "mentioned",
    "notifications",
    "unread_count",
    "unwatch",
    "watch",
]

MAX_NOTIFICATIONS = 200
"""The largest page of notifications."""

NOTIFYING_KINDS = ("comment.created", "task.status_changed")
"""Events of a task that notify its assignees and watchers."""


def mentioned(session: Session, project_id: int, text: str, internal: bool) -> list[int]:
    """The members of the project ``text`` mentions (no statement without an ``@``)."""
    if "@" not in text:
        return []
    folded = text.casefold()
    team = session.execute(
        select(
            Person.id,
            Person.first_name,
            Person.last_name,
            func.coalesce(ProjectMember.role, Person.role),
        )
        .join(ProjectMember, ProjectMember.person_id == Person.id)
        .where(ProjectMember.project_id == project_id, Person.active.is_(True))
    ).all()
    return sorted(
        person_id
        for person_id, first, last, role in team
        if f"@{first} {last}".casefold() in folded and not (internal and role == Role.CLIENT)
    )


def concerns(person_id: int, event: type[Event] = Event) -> ColumnElement[bool]:
    """The condition, on ``Event``, that it is among ``person_id``'s
    notifications (before the access rules, which callers add)."""
    followed = union(
        select(task_assignee.c.task_id).where(task_assignee.c.person_id == person_id),
        select(TaskWatch.task_id).where(TaskWatch.person_id == person_id),
    )
    return and_(
        or_(event.actor_id.is_(None), event.actor_id != person_id),
        or_(
            event.id.in_(
                select(EventRecipient.event_id).where(EventRecipient.person_id == person_id)
            ),
            and_(event.kind.in_(NOTIFYING_KINDS), event.task_id.in_(followed)),
        ),
    )


def _is_read(person_id: int) -> ColumnElement[bool]:
    through = (
        select(NotificationState.read_through)
        .where(NotificationState.person_id == person_id)
        .scalar_subquery()
    )
    one = exists().where(
        NotificationRead.person_id == person_id, NotificationRead.event_id == Event.id
    )
    return or_(Event.id <= func.coalesce(through, 0), one)


def _theirs(person_id: int) -> list[ColumnElement[bool]]:
    return [concerns(person_id), readable_by(person_id)]


def notifications(
    session: Session, me: Principal, *, unread: bool, limit: int, before: int | None
) -> tuple[list[tuple[Event, bool]], int | None]:
    """A page of the person's notifications, newest first, with whether each
    is read; and the id to pass as ``before`` for the next page (``None``:
    this is the last). One statement."""
    read = _is_read(me.person_id)
    stmt = select(Event, read.label("read")).where(*_theirs(me.person_id))
    if unread:
        stmt = stmt.where(~read)
    if before is not None:
        stmt = stmt.where(Event.id < before)
    rows = [
        (event, bool(seen))
        for event, seen in session.execute(stmt.order_by(Event.id.desc()).limit(limit + 1))
    ]
    following = rows[limit - 1][0].id if len(rows) > limit else None
    return rows[:limit], following


def unread_count(session: Session, me: Principal) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Event)
            .where(*_theirs(me.person_id), ~_is_read(me.person_id))
        )
        or 0
    )


def mark_read(session: Session, me: Principal, event_id: int) -> None:
    """Mark one notification read (a 404 for an event that is not one of
    the person's); marking it again changes nothing."""
    state = session.execute(
        select(
            exists().where(Event.id == event_id, *_theirs(me.person_id)),
            _is_read(me.person_id),
        )
        .select_from(Event)
        .where(Event.id == event_id)
    ).one_or_none()
    if state is None or not state[0]:
        raise NotFound("notification", event_id)
    if not state[1]:
        session.execute(insert(NotificationRead).values(person_id=me.person_id, event_id=event_id))


def mark_all_read(session: Session, me: Principal) -> None:
    """Mark every notification of the person read, up to the latest one."""
    latest = session.scalar(select(func.max(Event.id)).where(*_theirs(me.person_id)))
    if latest is None:
        return
    session.execute(delete(NotificationState).where(NotificationState.person_id == me.person_id))
    session.execute(insert(NotificationState).values(person_id=me.person_id, read_through=latest))
    session.execute(
        delete(NotificationRead).where(
            NotificationRead.person_id == me.person_id, NotificationRead.event_id <= latest
        )
    )


def watch(session: Session, me: Principal, task_id: int) -> None:
    """Follow a task the person sees (a 404 otherwise); idempotent."""
    verify(session, seen(me, Task, task_id, "task"))
    watched = row_exists(
        TaskWatch, TaskWatch.task_id == task_id, TaskWatch.person_id == me.person_id
    )
    if not session.scalar(select(watched)):
        session.execute(insert(TaskWatch).values(task_id=task_id, person_id=me.person_id))


def unwatch(session: Session, me: Principal, task_id: int) -> None:
    """Stop following a task; idempotent."""
    verify(session, seen(me, Task, task_id, "task"))
    session.execute(
        delete(TaskWatch).where(TaskWatch.task_id == task_id, TaskWatch.person_id == me.person_id)
    )
