"""The studio-wide pipeline vocabulary: task types, task statuses, asset types.

They are shared by every project, so they are deleted only while nothing
refers to them (tasks and comments, deleted ones included: those keep their
history); a project's use of them is its settings (``projects.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.api.crud.vocabulary_writes import Vocabulary
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.models import Asset, AssetType, Comment, Department, Task, TaskStatus, TaskType
from shotline.schemas.crud import (
    AssetTypeCreate,
    AssetTypeOut,
    AssetTypeUpdate,
    TaskStatusCreate,
    TaskStatusOut,
    TaskStatusUpdate,
    TaskTypeCreate,
    TaskTypeOut,
    TaskTypeUpdate,
)
from shotline.services.checks import (
    Check,
    reference,
    row_exists,
    unique,
)

router = crud_router()

task_types = Reader(TaskType, TaskTypeOut, "task type")
task_type_list = listing(TaskType, TaskTypeOut)
task_statuses = Reader(TaskStatus, TaskStatusOut, "task status")
task_status_list = listing(TaskStatus, TaskStatusOut)
asset_types = Reader(AssetType, AssetTypeOut, "asset type")
asset_type_list = listing(AssetType, AssetTypeOut)
task_type_writes = Vocabulary(task_types, "task_type", "change task types")
task_status_writes = Vocabulary(task_statuses, "task_status", "change task statuses")
asset_type_writes = Vocabulary(asset_types, "asset_type", "change asset types")


# -- Task types ---------------------------------------------------------------------


@router.get("/task-types", response_model=task_type_list.page_model, tags=["task types"])
def list_task_types(
    db: DB, planned: Annotated[PlannedRequest, Depends(task_type_list)]
) -> Response:
    return planned.page(db, select(TaskType))


@router.post("/task-types", status_code=201, tags=["task types"], responses=errors(403, 404, 409))
def create_task_type(body: TaskTypeCreate, db: DB, me: Me) -> TaskTypeOut:
    return task_type_writes.create(
        db,
        me,
        body,
        *reference(Department, body.department_id, "department"),
        unique(TaskType, TaskType.name, body.name, "task type"),
    )


@router.get("/task-types/{task_type_id}", tags=["task types"], responses=errors(404))
def get_task_type(task_type_id: IdPath, db: DB, me: Me) -> TaskTypeOut:
    return task_types.one(db, me, task_type_id)


@router.patch("/task-types/{task_type_id}", tags=["task types"], responses=errors(403, 404, 409))
def update_task_type(task_type_id: IdPath, body: TaskTypeUpdate, db: DB, me: Me) -> TaskTypeOut:
    """``for_entity`` cannot change once tasks use the type: they would be
    tasks of the wrong kind of entity."""
    values = body.model_dump()
    checks = reference(Department, values.get("department_id"), "department")
    if "name" in values:
        checks.append(
            unique(TaskType, TaskType.name, values["name"], "task type", ignore=task_type_id)
        )
    if "for_entity" in values:
        checks.append(
            Check(
                (TaskType.for_entity == values["for_entity"])
                | ~row_exists(Task, Task.task_type_id == task_type_id),
                Conflict(f"task type {task_type_id} has tasks: its for_entity cannot change"),
            )
        )
    return task_type_writes.update(db, me, task_type_id, values, *checks)


@router.delete(
    "/task-types/{task_type_id}",
    status_code=204,
    tags=["task types"],
    responses=errors(403, 404, 409),
)
def delete_task_type(task_type_id: IdPath, db: DB, me: Me) -> None:
    """Projects using the type lose it from their settings."""
    task_type_writes.delete(
        db,
        me,
        task_type_id,
        Check(
            ~row_exists(Task, Task.task_type_id == task_type_id),
            Conflict(f"task type {task_type_id} has tasks"),
        ),
    )


# -- Task statuses ------------------------------------------------------------------


@router.get("/task-statuses", response_model=task_status_list.page_model, tags=["task statuses"])
def list_task_statuses(
    db: DB, planned: Annotated[PlannedRequest, Depends(task_status_list)]
) -> Response:
    return planned.page(db, select(TaskStatus))


@router.post("/task-statuses", status_code=201, tags=["task statuses"], responses=errors(403, 409))
def create_task_status(body: TaskStatusCreate, db: DB, me: Me) -> TaskStatusOut:
    return task_status_writes.create(
        db,
        me,
        body,
        unique(TaskStatus, TaskStatus.name, body.name, "task status"),
        unique(TaskStatus, TaskStatus.short_name, body.short_name, "task status"),
    )


@router.get("/task-statuses/{task_status_id}", tags=["task statuses"], responses=errors(404))
def get_task_status(task_status_id: IdPath, db: DB, me: Me) -> TaskStatusOut:
    return task_statuses.one(db, me, task_status_id)


@router.patch(
    "/task-statuses/{task_status_id}", tags=["task statuses"], responses=errors(403, 404, 409)
)
def update_task_status(
    task_status_id: IdPath, body: TaskStatusUpdate, db: DB, me: Me
) -> TaskStatusOut:
    values = body.model_dump()
    checks = [
        unique(
            TaskStatus, getattr(TaskStatus, key), values[key], "task status", ignore=task_status_id
        )
        for key in ("name", "short_name")
        if key in values
    ]
    return task_status_writes.update(db, me, task_status_id, values, *checks)


@router.delete(
    "/task-statuses/{task_status_id}",
    status_code=204,
    tags=["task statuses"],
    responses=errors(403, 404, 409),
)
def delete_task_status(task_status_id: IdPath, db: DB, me: Me) -> None:
    """Projects using the status lose it from their settings."""
    task_status_writes.delete(
        db,
        me,
        task_status_id,
        Check(
            ~row_exists(Task, Task.task_status_id == task_status_id)
            & ~row_exists(Comment, Comment.task_status_id == task_status_id),
            Conflict(f"task status {task_status_id} is used by tasks or comments"),
        ),
    )


# -- Asset types --------------------------------------------------------------------


@router.get("/asset-types", response_model=asset_type_list.page_model, tags=["asset types"])
def list_asset_types(
    db: DB, planned: Annotated[PlannedRequest, Depends(asset_type_list)]
) -> Response:
    return planned.page(db, select(AssetType))


@router.post("/asset-types", status_code=201, tags=["asset types"], responses=errors(403, 409))
def create_asset_type(body: AssetTypeCreate, db: DB, me: Me) -> AssetTypeOut:
    return asset_type_writes.create(
        db, me, body, unique(AssetType, AssetType.name, body.name, "asset type")
    )


@router.get("/asset-types/{asset_type_id}", tags=["asset types"], responses=errors(404))
def get_asset_type(asset_type_id: IdPath, db: DB, me: Me) -> AssetTypeOut:
    return asset_types.one(db, me, asset_type_id)


@router.patch("/asset-types/{asset_type_id}", tags=["asset types"], responses=errors(403, 404, 409))
def update_asset_type(asset_type_id: IdPath, body: AssetTypeUpdate, db: DB, me: Me) -> AssetTypeOut:
    values = body.model_dump()
    checks = []
    if "name" in values:
        checks.append(
            unique(AssetType, AssetType.name, values["name"], "asset type", ignore=asset_type_id)
        )
    return asset_type_writes.update(db, me, asset_type_id, values, *checks)


@router.delete(
    "/asset-types/{asset_type_id}",
    status_code=204,
    tags=["asset types"],
    responses=errors(403, 404, 409),
)
def delete_asset_type(asset_type_id: IdPath, db: DB, me: Me) -> None:
    asset_type_writes.delete(
        db,
        me,
        asset_type_id,
        Check(
            ~row_exists(Asset, Asset.asset_type_id == asset_type_id),
            Conflict(f"asset type {asset_type_id} has assets"),
        ),
    )
