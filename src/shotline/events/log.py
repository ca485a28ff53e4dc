"""Appending events to the log, in the transaction of the change they tell of.

A write calls :func:`record` with its :class:`Change` values once it has
changed the rows (one INSERT for any number of events, one more for the
people they are addressed to): the events are committed with the change or
rolled back with it. The author is the session's actor (:func:`act_as`, set
for every request by :func:`shotline.deps.get_session`).

Publishing follows the commit: on PostgreSQL a trigger on the table notifies
``shotline_events`` (see the migration 0010), which every server process
listens to; on the other dialects, which serve from one process, the ids a
session committed go to the process's own listeners
(:func:`listen_locally`), after the commit and never after a rollback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session

from shotline.models import Event, EventRecipient
from shotline.sqltypes import utcnow

__all__ = [
    "CHANNEL",
    "Change",
    "act_as",
    "listen_locally",
    "notifies_itself",
    "record",
    "stop_listening_locally",
]

CHANNEL = "shotline_events"
"""PostgreSQL's notification channel of committed events."""

_ACTOR = "shotline.actor"
_PENDING = "shotline.events"

Listener = Callable[[Sequence[int]], None]

_listeners: WeakKeyDictionary[Engine, list[Listener]] = WeakKeyDictionary()
_lock = threading.Lock()


@dataclass(frozen=True)
class Change:
    """One event to record: its ``kind`` and what it is about.

    ``restricted``: clients may not read it (an internal comment, a time
    log). ``recipients``: people it is addressed to, who receive it whatever
    the access rules say of the project and find it in their notifications.
    """

    kind: str
    project_id: int | None = None
    entity_id: int | None = None
    task_id: int | None = None
    comment_id: int | None = None
    person_id: int | None = None
    restricted: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    recipients: Iterable[int] = ()


def act_as(session: Session, person_id: int | None) -> None:
    """Who the session's changes are by (the events' ``actor_id``)."""
    session.info[_ACTOR] = person_id


def record(session: Session, changes: Sequence[Change]) -> list[int]:
    """Append ``changes`` to the log in the session's transaction; returns
    their event ids, in order."""
    if not changes:
        return []
    now = utcnow()
    actor = session.info.get(_ACTOR)
    rows = [
        {
            "created_at": now,
            "kind": change.kind,
            "actor_id": actor,
            "project_id": change.project_id,
            "entity_id": change.entity_id,
            "task_id": change.task_id,
            "comment_id": change.comment_id,
            "person_id": change.person_id,
            "restricted": change.restricted,
            "payload": change.payload,
        }
        for change in changes
    ]
    # The table, not the class: an ORM bulk INSERT splits rows by which
    # values are None, and each group is a statement of its own. Asking for
    # the ids in the rows' order would cost a statement per row on SQLite;
    # one multi-row INSERT numbers its rows in their order on every dialect.
    table = Event.__table__
    ids = sorted(session.scalars(insert(table).returning(table.c.id), rows))
    addressed = [
        {"event_id": event_id, "person_id": person_id}
        for event_id, change in zip(ids, changes, strict=True)
        for person_id in sorted(set(change.recipients))
    ]
    if addressed:
        session.execute(insert(EventRecipient), addressed)
    session.info.setdefault(_PENDING, []).extend(ids)
    return ids


def notifies_itself(engine: Engine) -> bool:
    """Whether the database tells every process of committed events
    (PostgreSQL's trigger), rather than the committing process its listeners."""
    return engine.dialect.name == "postgresql"


def listen_locally(engine: Engine, listener: Listener) -> None:
    """Call ``listener`` with the ids of the events each commit on
    ``engine`` made, in the committing thread, after the commit."""
    with _lock:
        _listeners.setdefault(engine, []).append(listener)


def stop_listening_locally(engine: Engine, listener: Listener) -> None:
    with _lock:
        listeners = _listeners.get(engine, [])
        if listener in listeners:
            listeners.remove(listener)


@event.listens_for(Session, "after_commit")
def _published(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if notifies_itself(engine):
        return
    with _lock:
        listeners = list(_listeners.get(engine, ()))
    for listener in listeners:
        listener(ids)


@event.listens_for(Session, "after_rollback")
def _discarded(session: Session) -> None:
    session.info.pop(_PENDING, None)
