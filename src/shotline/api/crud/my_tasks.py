"""A person's to-do: the open tasks assigned to the signed-in person, across
their projects, newest activity first.

A planned page like every task list (the tasks with their project, entity,
type and status joined, then their assignees: 2 statements, whatever the
number of tasks). The access rules apply as everywhere: a task of a project
the person has left is not listed, even if they are still assigned to it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response
from sqlalchemy import ColumnElement, select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import crud_router, errors, listing
from shotline.api.crud.task_filters import MyTaskFilters
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import Person, Task, TaskStatus
from shotline.schemas.crud import MAX_INT
from shotline.schemas.my_tasks import MyTask
from shotline.services.tasks import ENTITY_IS_LIVE

router = crud_router("tasks")

my_task_list = listing(Task, MyTask, paged=True, default_order="-updated_at")


@router.get("/me/tasks", response_model=my_task_list.page_model, responses=errors(400))
def list_my_tasks(
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(my_task_list)],
    filters: Annotated[MyTaskFilters, Depends()],
    project_id: Annotated[
        int | None, Query(ge=1, le=MAX_INT, description="Only the tasks of this project.")
    ] = None,
) -> Response:
    """The live tasks assigned to me whose status is not a done status, the
    most recently changed first unless ``order`` says otherwise."""
    conditions: list[ColumnElement[bool]] = [
        Task.assignees.any(Person.id == me.person_id),
        Task.task_status.has(TaskStatus.is_done.is_(False)),
        ENTITY_IS_LIVE,
        *filters.conditions(db),
    ]
    if project_id is not None:
        conditions.append(Task.project_id == project_id)
    return planned.page(db, select(Task).where(*conditions))
