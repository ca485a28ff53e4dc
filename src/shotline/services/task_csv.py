"""A project's task list as a CSV file, with the task lists' filters (see
:mod:`shotline.api.crud.task_filters`): one line per task the principal
sees, by entity name, then task type, then id. Four statements whatever
the number of tasks: the project, the tasks with their entity, type and
status, their assignees (and one more when a filter names a task type or
status)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from shotline.access import Principal, visible
from shotline.csvfiles import write_csv
from shotline.models import Entity, Person, Project, Task, TaskStatus, TaskType, task_assignee
from shotline.services.checks import seen, verify
from shotline.services.tasks import ENTITY_IS_LIVE

__all__ = ["COLUMNS", "export_csv"]

COLUMNS = (
    "entity_kind",
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
    assignees by name, ``; ``-separated (minutes for the estimate)."""
    verify(session, seen(me, Project, project_id, "project"))
    tasks = session.execute(
        select(
            Task.id,
            Entity.kind,
            Entity.name,
            TaskType.name,
            TaskStatus.short_name,
            Task.start_date,
            Task.due_date,
            Task.estimate,
            Task.priority,
        )
        .join(Entity, Entity.id == Task.entity_id)
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
        select(task_assignee.c.task_id, Person.first_name, Person.last_name)
        .join(Person, Person.id == task_assignee.c.person_id)
        .join(Task, Task.id == task_assignee.c.task_id)
        .where(Task.project_id == project_id, visible(me, Task))
        .order_by(task_assignee.c.task_id, Person.id)
    )
    for task_id, first, last in assigned:
        names.setdefault(task_id, []).append(f"{first} {last}")
    rows = (
        [
            kind,
            entity,
            task_type,
            status,
            "; ".join(names.get(ident, [])),
            start,
            due,
            estimate,
            priority,
        ]
        for ident, kind, entity, task_type, status, start, due, estimate, priority in tasks
    )
    return write_csv(COLUMNS, rows)
