"""The filters task lists share: a project's tasks, its schedule, my tasks
and their CSV export answer the same parameters the same way.

Task types and statuses are named by id or by name (see
:mod:`shotline.vocabulary`), entities and people by id; a repeated
parameter means any of its values, different parameters must all hold.
Naming a task type or status costs one statement, which also refuses a name
or id that names nothing (a 400 naming the parameter), rather than answering
an empty list.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query
from pydantic import Field
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from shotline.inputs import MAX_REPEATS
from shotline.models import Person, Task, TaskStatus, TaskType
from shotline.schemas.crud import MAX_INT, QueryText
from shotline.vocabulary import resolve

__all__ = ["MyTaskFilters", "TaskFilters", "today"]


def today() -> dt.date:
    """The current day in UTC: what "late" is judged against by default."""
    return dt.datetime.now(dt.UTC).date()


Ids = list[Annotated[int, Field(ge=1, le=MAX_INT)]] | None
TaskTypes = Annotated[
    list[QueryText] | None,
    Query(max_length=MAX_REPEATS, description="Task type id or name, repeatable (any of them)."),
]
TaskStatuses = Annotated[
    list[QueryText] | None,
    Query(
        max_length=MAX_REPEATS,
        description="Task status id or short name, repeatable (any of them).",
    ),
]
DueFrom = Annotated[dt.date | None, Query(description="Due on or after this day.")]
DueTo = Annotated[dt.date | None, Query(description="Due on or before this day.")]
Late = Annotated[bool, Query(description="Only the late tasks: due before ``on`` and not done.")]
On = Annotated[
    dt.date | None, Query(description="The day lateness is judged on (default: today, UTC).")
]


class MyTaskFilters:
    """The filters of a list whose tasks are already someone's: by task
    type, status, due dates and lateness."""

    def __init__(
        self,
        task_type: TaskTypes = None,
        task_status: TaskStatuses = None,
        due_from: DueFrom = None,
        due_to: DueTo = None,
        late: Late = False,
        on: On = None,
    ) -> None:
        self.task_type = task_type
        self.task_status = task_status
        self.due_from = due_from
        self.due_to = due_to
        self.late = late
        self.on = on

    def conditions(self, session: Session) -> list[ColumnElement[bool]]:
        """The conditions on ``Task`` (a statement when a task type or status is named)."""
        conditions: list[ColumnElement[bool]] = []
        if self.task_type:
            types = resolve(session, TaskType, self.task_type, "task_type")
            conditions.append(Task.task_type_id.in_(types))
        if self.task_status:
            statuses = resolve(session, TaskStatus, self.task_status, "task_status")
            conditions.append(Task.task_status_id.in_(statuses))
        if self.due_from is not None:
            conditions.append(Task.due_date >= self.due_from)
        if self.due_to is not None:
            conditions.append(Task.due_date <= self.due_to)
        if self.late:
            conditions += [
                Task.due_date < (self.on or today()),
                Task.task_status.has(TaskStatus.is_done.is_(False)),
            ]
        return conditions


class TaskFilters(MyTaskFilters):
    """The filters of a project's task lists: those of :class:`MyTaskFilters`,
    and by entity, assignee and whether the status is a done one."""

    def __init__(
        self,
        entity: Annotated[
            Ids,
            Query(max_length=MAX_REPEATS, description="Entity id, repeatable (any of them)."),
        ] = None,
        assignee: Annotated[
            Ids,
            Query(
                max_length=MAX_REPEATS,
                description="Person id, repeatable: tasks assigned to any of them.",
            ),
        ] = None,
        task_type: TaskTypes = None,
        task_status: TaskStatuses = None,
        done: Annotated[
            bool | None,
            Query(description="true: only tasks in a done status; false: only the others."),
        ] = None,
        due_from: DueFrom = None,
        due_to: DueTo = None,
        late: Late = False,
        on: On = None,
    ) -> None:
        super().__init__(task_type, task_status, due_from, due_to, late, on)
        self.entity = entity
        self.assignee = assignee
        self.done = done

    def conditions(self, session: Session) -> list[ColumnElement[bool]]:
        conditions = super().conditions(session)
        if self.entity:
            conditions.append(Task.entity_id.in_(self.entity))
        if self.assignee:
            conditions.append(Task.assignees.any(Person.id.in_(self.assignee)))
        if self.done is not None:
            conditions.append(Task.task_status.has(TaskStatus.is_done.is_(self.done)))
        return conditions
