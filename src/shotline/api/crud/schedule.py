"""A project's schedule: its milestones, its tasks by due date (the late
ones among them), and the workload of its people per week.

Everything is computed by the database: the task list is a planned page
(3 statements, whatever its size: the tasks with their entity, type and
status joined and time spent summed in, their assignees, and the check of
an empty page's project), the workload one grouped statement after the
project's check. Every member of a project reads its milestones; its
managers change them. The task list and the workload count only the tasks
the principal sees (a vendor's are their own).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response
from sqlalchemy import select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.api.crud.task_filters import TaskFilters, today
from shotline.auth import Me
from shotline.deps import DB, AppSettings
from shotline.models import Milestone, Project, Task
from shotline.schemas.schedule import (
    MAX_WEEKS,
    MilestoneCreate,
    MilestoneOut,
    MilestoneUpdate,
    PersonWorkload,
    ScheduleTask,
    Workload,
)
from shotline.services import schedule as service
from shotline.services.checks import project_seen_if_empty, seen, verify
from shotline.services.tasks import ENTITY_IS_LIVE

router = crud_router("schedule")

milestones = Reader(Milestone, MilestoneOut, "milestone")
milestone_list = listing(Milestone, MilestoneOut, default_order="date")
schedule_list = listing(Task, ScheduleTask, paged=True, default_order="due_date")


# -- Milestones ---------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/milestones",
    response_model=milestone_list.page_model,
    responses=errors(404),
)
def list_milestones(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(milestone_list)],
) -> Response:
    """The project's milestones, by date unless ``order`` says otherwise."""
    stmt = select(Milestone).where(Milestone.project_id == project_id)
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.post("/projects/{project_id}/milestones", status_code=201, responses=errors(400, 403, 404))
def create_milestone(project_id: IdPath, body: MilestoneCreate, db: DB, me: Me) -> MilestoneOut:
    """A milestone of the project; a task type, when given, must be enabled for it."""
    milestone = service.create_milestone(db, me, project_id, body.model_dump())
    return milestones.committed(db, me, milestone.id)


@router.get("/milestones/{milestone_id}", responses=errors(404))
def get_milestone(milestone_id: IdPath, db: DB, me: Me) -> MilestoneOut:
    return milestones.one(db, me, milestone_id)


@router.patch("/milestones/{milestone_id}", responses=errors(400, 403, 404))
def update_milestone(milestone_id: IdPath, body: MilestoneUpdate, db: DB, me: Me) -> MilestoneOut:
    service.update_milestone(db, me, milestone_id, body.model_dump())
    return milestones.committed(db, me, milestone_id)


@router.delete("/milestones/{milestone_id}", status_code=204, responses=errors(403, 404))
def delete_milestone(milestone_id: IdPath, db: DB, me: Me) -> None:
    service.delete_milestone(db, me, milestone_id)
    db.commit()


# -- Schedule views -----------------------------------------------------------------


@router.get(
    "/projects/{project_id}/schedule/tasks",
    response_model=schedule_list.page_model,
    responses=errors(400, 404),
)
def schedule_tasks(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(schedule_list)],
    filters: Annotated[TaskFilters, Depends()],
) -> Response:
    """The project's tasks that have a due date, by due date (then id) unless
    ``order`` says otherwise, with their estimate and time spent; filtered as
    every task list is (see :mod:`shotline.api.crud.task_filters`)."""
    stmt = select(Task).where(
        Task.project_id == project_id,
        Task.due_date.is_not(None),
        ENTITY_IS_LIVE,
        *filters.conditions(db),
    )
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.get("/projects/{project_id}/schedule/workload", responses=errors(404))
def schedule_workload(
    project_id: IdPath,
    db: DB,
    me: Me,
    settings: AppSettings,
    start: Annotated[
        dt.date | None,
        Query(description="A day of the first week (default: today, UTC); weeks start on Monday."),
    ] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS, description="How many weeks.")] = 8,
) -> Workload:
    """Per person, the estimated minutes of the open tasks assigned to them,
    spread over each task's days from its start to its due date, per week;
    and those of their open tasks without dates. 2 statements."""
    verify(db, seen(me, Project, project_id, "project"))
    table = service.workload(db, me, project_id, start or today(), weeks)
    workday = round(settings.workday_hours * 60)
    return Workload(
        weeks=table.weeks,
        workday_minutes=workday,
        people=[
            PersonWorkload(
                id=person.id,
                full_name=f"{person.first_name} {person.last_name}",
                minutes=[round(minutes) for minutes in person.weeks],
                days=[round(minutes / workday, 2) for minutes in person.weeks],
                unscheduled=round(person.unscheduled),
            )
            for person in table.people
        ],
    )
