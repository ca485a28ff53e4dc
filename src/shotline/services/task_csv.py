"""A project's task list as a CSV file, with the task lists' filters (see
:mod:`shotline.api.crud.task_filters`): one line per task the principal
sees, by entity name, then task type, then id, in the columns the import
reads (:mod:`shotline.services.task_csv_import`). Four statements whatever
the number of tasks: the project, the tasks with their entity (a shot's
sequence and episode), type and status, their assignees (and one more when a
filter names a task type or status)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal, visible
from shotline.csvfiles import write_csv
from shotline.models import (
    Entity,
    Episode,
    Person,
    Project,
    Sequence,
    Shot,
    Task,
    TaskStatus,
    TaskType,
    task_assignee,
)
from shotline.services.checks import seen, verify
from shotline.services.tasks import ENTITY_IS_LIVE

__all__ = ["COLUMNS", "export_csv"]

COLUMNS = (
    "entity_kind",
    "episode",
    "sequence",
    "entity",
    "task_type",
    "task_status",
    "assignees",
    "start_date",
    "due_date",
    "estimate",
    "priority",
)


def export_csv(
    session: Session, me: Principal, project_id: int, conditions: Iterable[ColumnElement[bool]]
) -> str:
    """The tasks of the project matching ``conditions`` that ``me`` sees;
    assignees by email, ``; ``-separated (by name for a client, who does not
    see emails); minutes for the estimate."""
    verify(session, seen(me, Project, project_id, "project"))
    sequence = aliased(Sequence, flat=True)
    episode = aliased(Episode, flat=True)
    tasks = session.execute(
        select(
            Task.id,
            Entity.kind,
            episode.name,
            sequence.name,
            Entity.name,
            TaskType.name,
            TaskStatus.short_name,
            Task.start_date,
            Task.due_date,
            Task.estimate,
            Task.priority,
        )
        .join(Entity, Entity.id == Task.entity_id)
        .outerjoin(Shot.__table__, Shot.__table__.c.id == Entity.id)
        .outerjoin(sequence, sequence.id == Shot.__table__.c.sequence_id)
        .outerjoin(episode, episode.id == sequence.episode_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .join(TaskStatus, TaskStatus.id == Task.task_status_id)
        .where(
            Task.project_id == project_id,
            ENTITY_IS_LIVE,
            visible(me, Task),
            visible(me, Entity),
            *conditions,
        )
        .order_by(Entity.name, TaskType.name, Task.id)
    ).all()
    names: dict[int, list[str]] = {}
    assigned = session.execute(
        select(task_assignee.c.task_id, Person.first_name, Person.last_name, Person.email)
        .join(Person, Person.id == task_assignee.c.person_id)
        .join(Task, Task.id == task_assignee.c.task_id)
        .where(Task.project_id == project_id, visible(me, Task))
        .order_by(task_assignee.c.task_id, Person.id)
    )
    for task_id, first, last, email in assigned:
        names.setdefault(task_id, []).append(email if me.sees_emails else f"{first} {last}")
    rows = (
        [
            kind,
            episode_name,
            sequence_name,
            entity,
            task_type,
            status,
            "; ".join(names.get(ident, [])),
            start,
            due,
            estimate,
            priority,
        ]
        for (
            ident,
            kind,
            episode_name,
            sequence_name,
            entity,
            task_type,
            status,
            start,
            due,
            estimate,
            priority,
        ) in tasks
    )
    return write_csv(COLUMNS, rows)
