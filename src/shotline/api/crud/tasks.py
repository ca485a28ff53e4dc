"""Tasks: created for many entities at once, listed, edited, deleted and
restored; their assignees; and status changes of many tasks at once.

A task's status changes through a comment (``comments.py``), which records
the change, or through the bulk status update below; ``PATCH`` edits only
its planning fields.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import select

from loadplan.fastapi import PlannedRequest
from shotline.access import can_edit_task
from shotline.api.crud.common import (
    IdPath,
    Reader,
    assign,
    crud_router,
    errors,
    listing,
)
from shotline.api.crud.task_filters import TaskFilters
from shotline.auth import Me
from shotline.deps import DB
from shotline.events.changes import changed_fields, task_change
from shotline.events.log import record
from shotline.models import Task
from shotline.schemas.crud import (
    AssigneesIn,
    TaskRecord,
    TasksCreate,
    TaskStatusChange,
    TaskUpdate,
)
from shotline.services import tasks as service
from shotline.services.checks import fetch, project_seen_if_empty

router = crud_router()

tasks = Reader(Task, TaskRecord, "task", service.ENTITY_IS_LIVE)
# A project holds up to ~150,000 tasks: without ``limit`` a list returns the
# largest page, and the grids (``shotline.api.grid``) serve whole projects.
task_list = listing(Task, TaskRecord, paged=True)


@router.get(
    "/projects/{project_id}/tasks",
    response_model=task_list.page_model,
    tags=["tasks"],
    responses=errors(400, 404),
)
def list_tasks(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(task_list)],
    filters: Annotated[TaskFilters, Depends()],
) -> Response:
    """The project's live tasks of live entities the principal sees, filtered (see
    :mod:`shotline.api.crud.task_filters`)."""
    stmt = select(Task).where(
        Task.project_id == project_id, service.ENTITY_IS_LIVE, *filters.conditions(db)
    )
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.post(
    "/projects/{project_id}/tasks",
    status_code=201,
    tags=["tasks"],
    responses=errors(400, 403, 404, 409),
)
def create_tasks(project_id: IdPath, body: TasksCreate, db: DB, me: Me) -> list[TaskRecord]:
    """Give each entity a task of the task type, unless it has one: answers
    the tasks created (none when every entity had one already)."""
    created = service.create_tasks(
        db, me, project_id, body.task_type_id, body.entity_ids, body.task_status_id
    )
    if not created:
        return []
    return tasks.committed_all(
        db, me, Task.task_type_id == body.task_type_id, Task.entity_id.in_(created)
    )


@router.post("/projects/{project_id}/tasks/status", tags=["tasks"], responses=errors(400, 403, 404))
def set_task_status(project_id: IdPath, body: TaskStatusChange, db: DB, me: Me) -> list[TaskRecord]:
    """Set the status of many tasks of the project at once: all of them, or
    (when any task or the status is refused) none. Answers the tasks by id."""
    service.set_status(db, me, project_id, body.task_ids, body.task_status_id)
    return tasks.committed_all(db, me, Task.id.in_(body.task_ids))


@router.get("/tasks/{task_id}", tags=["tasks"], responses=errors(404))
def get_task(task_id: IdPath, db: DB, me: Me) -> TaskRecord:
    return tasks.one(db, me, task_id)


@router.patch("/tasks/{task_id}", tags=["tasks"], responses=errors(403, 404))
def update_task(task_id: IdPath, body: TaskUpdate, db: DB, me: Me) -> TaskRecord:
    """Change the task's planning: for managers, and supervisors of its department."""
    task = fetch(db, Task, task_id, "task", *service.task_access(me, task_id, can_edit_task(me)))
    values = body.model_dump()
    assign(task, values)
    changes = changed_fields(task, values)
    db.flush()
    if changes:
        record(db, [task_change("task.updated", task, {"changes": changes})])
    return tasks.committed(db, me, task_id)


@router.delete("/tasks/{task_id}", status_code=204, tags=["tasks"], responses=errors(403, 404))
def delete_task(task_id: IdPath, db: DB, me: Me) -> None:
    """Soft-delete the task: it keeps its comments, time logs and assignees."""
    service.soft_delete_task(db, me, task_id)
    db.commit()


@router.post("/tasks/{task_id}/restore", tags=["tasks"], responses=errors(403, 404, 409))
def restore_task(task_id: IdPath, db: DB, me: Me) -> TaskRecord:
    """Bring a soft-deleted task back, with its history (a live task is left as is)."""
    service.restore_task(db, me, task_id)
    return tasks.committed(db, me, task_id)


# -- Assignments --------------------------------------------------------------------


@router.put("/tasks/{task_id}/assignees", tags=["assignments"], responses=errors(400, 403, 404))
def set_assignees(task_id: IdPath, body: AssigneesIn, db: DB, me: Me) -> TaskRecord:
    """Make these people the task's only assignees (an empty list unassigns everyone)."""
    service.assign(db, me, task_id, body.person_ids, replace=True)
    return tasks.committed(db, me, task_id)


@router.post("/tasks/{task_id}/assignees", tags=["assignments"], responses=errors(400, 403, 404))
def add_assignees(task_id: IdPath, body: AssigneesIn, db: DB, me: Me) -> TaskRecord:
    """Assign these people too (those already assigned stay)."""
    service.assign(db, me, task_id, body.person_ids, replace=False)
    return tasks.committed(db, me, task_id)


@router.delete(
    "/tasks/{task_id}/assignees/{person_id}",
    status_code=204,
    tags=["assignments"],
    responses=errors(403, 404),
)
def remove_assignee(task_id: IdPath, person_id: IdPath, db: DB, me: Me) -> None:
    service.unassign(db, me, task_id, person_id)
    db.commit()
