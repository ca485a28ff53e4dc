"""Bodies of the schedule API: milestones, the schedule's task list and the
workload per person and week (``shotline.api.crud.schedule``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import MISSING, AliasPath, BaseModel, Field
from sqlalchemy import ColumnElement, case, func, null, select

import loadplan
from shotline.access import principal_of
from shotline.models import Role, TimeLog
from shotline.schemas.crud import EntityBrief, Id, In, LongName, Out
from shotline.schemas.grid import PersonRef

MAX_WEEKS = 53
"""The longest workload a request may ask for: a year of weeks."""


class MilestoneCreate(In):
    date: dt.date
    name: LongName
    task_type_id: Id | None = Field(None, description="The task type it is about, if any.")


class MilestoneUpdate(In):
    date: dt.date | MISSING = MISSING
    name: LongName | MISSING = MISSING
    task_type_id: Id | MISSING | None = MISSING


class MilestoneOut(Out):
    id: int
    project_id: int
    date: dt.date
    name: str
    task_type_id: int | None
    created_at: dt.datetime


def _time_spent(task: Any, context: Any) -> ColumnElement[int | None]:
    """Minutes logged on the task, by everyone; ``null`` on a project where
    the principal is a client (clients read no time logs)."""
    log = TimeLog.__table__.alias()
    spent: ColumnElement[int | None] = (
        select(func.coalesce(func.sum(log.c.minutes), 0))
        .where(log.c.task_id == task.id)
        .scalar_subquery()
    )
    principal = principal_of(context)
    clients = [] if principal.is_admin else principal.project_ids({Role.CLIENT})
    if not clients:
        return spent
    hidden: ColumnElement[int | None] = case((task.project_id.in_(clients), null()), else_=spent)
    return hidden


TIME_SPENT = loadplan.Computed(_time_spent, label="sum(time_log.minutes)")


class ScheduleTask(Out):
    """A task as the schedule lists it: its dates, estimate and time spent."""

    id: int
    entity: EntityBrief
    task_type: str = Field(validation_alias=AliasPath("task_type", "name"))
    task_status: str = Field(validation_alias=AliasPath("task_status", "short_name"))
    done: bool = Field(
        validation_alias=AliasPath("task_status", "is_done"),
        description="Whether its status is a done status.",
    )
    priority: int
    start_date: dt.date | None
    due_date: dt.date | None
    estimate: int | None = Field(description="minutes")
    time_spent: Annotated[
        int | None,
        loadplan.hint(annotate=TIME_SPENT),
        Field(description="Minutes logged on the task; null for clients."),
    ]
    assignees: list[PersonRef]


class PersonWorkload(BaseModel):
    id: int
    full_name: str
    minutes: list[int] = Field(description="Estimated minutes of work per week, in week order.")
    days: list[float] = Field(description="The same in working days, to two decimals.")
    unscheduled: int = Field(description="Minutes of open tasks that have no dates.")


class Workload(BaseModel):
    """Estimates of the open tasks assigned to each person, spread over the
    weeks their dates span."""

    weeks: list[dt.date] = Field(description="The Monday of each week.")
    workday_minutes: int = Field(description="The minutes of a working day.")
    people: list[PersonWorkload] = Field(description="By last name, first name.")
