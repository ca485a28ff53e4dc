"""Who may read an event, as SQL: the access rules of reads, applied to the log.

One condition (:func:`_may_read`) over a person and their membership of the
event's project, read from the database when it is evaluated (so a change of
team or role counts from the next event on). It serves both the stream's
fan-out, which asks in one statement which of the connected people may read
each of a batch of new events (:data:`READERS`), and the reads of one person
(:func:`readable_by`: a stream's resumption, the activity feed,
notifications).

An event is readable by a person when

- it is about studio-wide data (no project): people, the vocabulary;
- it is addressed to them (``event_recipient``);
- they are a global admin;
- they are on its project, and their role there (the membership's, else the
  global one) is manager, supervisor or artist; or client, and the event is
  not ``restricted`` (internal comments, time logs); or vendor, and the
  event is about the project as a whole (its settings, team, schedule), or
  about a task assigned to them, or about an entity (without a task) they
  read as they read entities: one of whose tasks is assigned to them, or the
  sequence or episode above such a shot (deleted tasks count, so that the
  deletion and restoration of their task's entity reach them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from shotline.models import (
    Event,
    EventRecipient,
    Person,
    ProjectMember,
    Role,
    Sequence,
    Shot,
    Task,
    task_assignee,
)

__all__ = ["READERS", "readable_by"]

FULL_READERS = (Role.MANAGER, Role.SUPERVISOR, Role.ARTIST)
"""Project roles that read every event of the project."""


def _may_read(
    event: Any, person: AliasedClass[Person], member: AliasedClass[ProjectMember]
) -> ColumnElement[bool]:
    role = func.coalesce(member.role, person.role)
    assigned = task_assignee.c.person_id == person.id
    # Correlated explicitly: within readable_by's EXISTS, the event is two
    # levels up, which automatic correlation does not reach.
    on_task = (
        exists()
        .where(assigned, task_assignee.c.task_id == event.task_id)
        .correlate_except(task_assignee)
    )
    # Tables, not the ORM classes: the session would leave deleted tasks out,
    # and a vendor is told of the deletion of their task's shot too.
    task = Task.__table__.alias()
    shot = Shot.__table__.alias()
    sequence = Sequence.__table__.alias()
    link = task_assignee.alias()
    above = (
        task.join(link, link.c.task_id == task.c.id)
        .outerjoin(shot, shot.c.id == task.c.entity_id)
        .outerjoin(sequence, sequence.c.id == shot.c.sequence_id)
    )
    on_entity = exists(
        select(1)
        .select_from(above)
        .where(
            link.c.person_id == person.id,
            or_(
                task.c.entity_id == event.entity_id,
                shot.c.sequence_id == event.entity_id,
                sequence.c.episode_id == event.entity_id,
            ),
        )
        .correlate_except(task, link, shot, sequence)
    )
    vendor_reads = or_(
        and_(event.task_id.is_(None), event.entity_id.is_(None)),
        on_task,
        and_(event.task_id.is_(None), on_entity),
    )
    # The cheap tests first: the databases evaluate an OR's terms in order,
    # and most pairs of a fan-out are settled by a role without a subquery.
    return or_(
        event.project_id.is_(None),
        person.role == Role.ADMIN,
        and_(
            member.person_id.is_not(None),
            or_(
                role.in_(FULL_READERS),
                and_(role == Role.CLIENT, event.restricted.is_(False)),
                and_(role == Role.VENDOR, vendor_reads),
            ),
        ),
        exists()
        .where(EventRecipient.event_id == event.id, EventRecipient.person_id == person.id)
        .correlate_except(EventRecipient),
    )


def _joined(
    event: Any, person: AliasedClass[Person], member: AliasedClass[ProjectMember]
) -> ColumnElement[bool]:
    return and_(member.project_id == event.project_id, member.person_id == person.id)


def _readers() -> Select[tuple[int, int]]:
    person = aliased(Person)
    member = aliased(ProjectMember)
    return (
        select(Event.id, person.id)
        .join(person, true())
        .outerjoin(member, _joined(Event, person, member))
        .where(
            Event.id.between(bindparam("first"), bindparam("last")),
            person.id.in_(bindparam("people", expanding=True)),
            _may_read(Event, person, member),
        )
        .order_by(Event.id)
    )


READERS = _readers()
"""Pairs (event id, person id): which of the people ``people`` may read
each event whose id is between ``first`` and ``last`` (bind parameters).
Built once: a fan-out runs it many times a second, and building and
compiling it again each time cost several times what the database spends
answering it (under a millisecond for a hundred people)."""


def readable_by(person_id: int, event: Any = Event) -> ColumnElement[bool]:
    """The condition, on ``event`` (``Event`` or an alias), that
    ``person_id`` may read it."""
    person = aliased(Person)
    member = aliased(ProjectMember)
    return exists(
        select(1)
        .select_from(person)
        .outerjoin(member, _joined(event, person, member))
        .where(person.id == person_id, _may_read(event, person, member))
    )
