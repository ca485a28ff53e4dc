"""A project's task list as a CSV file, with the task lists' filters (see
:mod:`shotline.api.crud.task_filters`): one line per task the principal
sees, by entity name, then task type, then id, in the columns the import
reads (:mod:`shotline.services.task_csv_import`). Three statements for up to
:data:`~shotline.services.csv_export.EXPORT_PAGE` tasks: the project, the
tasks with their entity (a shot's sequence and episode), type and status,
their assignees; two more per further page (and one more when a filter
names a task type or status)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal, visible
from shotline.csvfiles import csv_chunks
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
from shotline.services import csv_export
from shotline.services.checks import seen, verify
from shotline.services.csv_export import keyset_pages
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
) -> Iterator[str]:
    """The tasks of the project matching ``conditions`` that ``me`` sees, a
    page at a time; assignees by email, ``; ``-separated (by name for a
    client, who does not see emails); minutes for the estimate. The project
    is checked at once."""
    verify(session, seen(me, Project, project_id, "project"))
    sequence = aliased(Sequence, flat=True)
    episode = aliased(Episode, flat=True)
    shot = Shot.__table__
    tasks = (
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
        .outerjoin(shot, shot.c.id == Entity.id)
        .outerjoin(sequence, sequence.id == shot.c.sequence_id)
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
    )

    def batches() -> Iterator[list[list[object]]]:
        keys = (Entity.name, TaskType.name, Task.id)
        for page in keyset_pages(session, tasks, keys, csv_export.EXPORT_PAGE):
            names = _assignees(session, me, [row[0] for row in page])
            yield [[*row[1:7], "; ".join(names.get(row[0], [])), *row[7:]] for row in page]

    return csv_chunks(COLUMNS, batches())


def _assignees(session: Session, me: Principal, tasks: list[int]) -> dict[int, list[str]]:
    """The tasks' assignees as the principal reads them, by task: one statement."""
    names: dict[int, list[str]] = {}
    assigned = session.execute(
        select(task_assignee.c.task_id, Person.first_name, Person.last_name, Person.email)
        .join(Person, Person.id == task_assignee.c.person_id)
        .where(task_assignee.c.task_id.in_(tasks))
        .order_by(task_assignee.c.task_id, Person.id)
    )
    for task_id, first, last, email in assigned:
        names.setdefault(task_id, []).append(email if me.sees_emails else f"{first} {last}")
    return names
