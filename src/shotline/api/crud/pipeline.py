"""The studio-wide pipeline vocabulary: task types, task statuses, asset types.

They are shared by every project, so they are deleted only while nothing
refers to them (tasks and comments, deleted ones included: those keep their
history); a project's use of them is its settings (``projects.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import delete, select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Reader, assign, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.events.changes import changed_fields, studio_change
from shotline.events.log import record
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
from shotline.services import NO_SYNC
from shotline.services.checks import (
    Check,
    admin_only,
    fetch,
    present,
    reference,
    row_exists,
    unique,
    verify,
)

router = crud_router()

task_types = Reader(TaskType, TaskTypeOut, "task type")
task_type_list = listing(TaskType, TaskTypeOut)
task_statuses = Reader(TaskStatus, TaskStatusOut, "task status")
task_status_list = listing(TaskStatus, TaskStatusOut)
asset_types = Reader(AssetType, AssetTypeOut, "asset type")
asset_type_list = listing(AssetType, AssetTypeOut)


# -- Task types ---------------------------------------------------------------------


@router.get("/task-types", response_model=task_type_list.page_model, tags=["task types"])
def list_task_types(
    db: DB, planned: Annotated[PlannedRequest, Depends(task_type_list)]
) -> Response:
    return planned.page(db, select(TaskType))


@router.post("/task-types", status_code=201, tags=["task types"], responses=errors(403, 404, 409))
def create_task_type(body: TaskTypeCreate, db: DB, me: Me) -> TaskTypeOut:
    admin_only(me, "change task types")
    verify(
        db,
        *reference(Department, body.department_id, "department"),
        unique(TaskType, TaskType.name, body.name, "task type"),
    )
    task_type = TaskType(**body.model_dump())
    db.add(task_type)
    db.flush()
    record(db, [studio_change("task_type.created", task_type.id, {"name": task_type.name})])
    return task_types.committed(db, me, task_type.id)


@router.get("/task-types/{task_type_id}", tags=["task types"], responses=errors(404))
def get_task_type(task_type_id: IdPath, db: DB, me: Me) -> TaskTypeOut:
    return task_types.one(db, me, task_type_id)


@router.patch("/task-types/{task_type_id}", tags=["task types"], responses=errors(403, 404, 409))
def update_task_type(task_type_id: IdPath, body: TaskTypeUpdate, db: DB, me: Me) -> TaskTypeOut:
    """``for_entity`` cannot change once tasks use the type: they would be
    tasks of the wrong kind of entity."""
    admin_only(me, "change task types")
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
    task_type = fetch(db, TaskType, task_type_id, "task type", *checks, include_deleted=True)
    assign(task_type, values)
    changes = changed_fields(task_type, values)
    db.flush()
    if changes:
        record(db, [studio_change("task_type.updated", task_type.id, {"changes": changes})])
    return task_types.committed(db, me, task_type_id)


@router.delete(
    "/task-types/{task_type_id}",
    status_code=204,
    tags=["task types"],
    responses=errors(403, 404, 409),
)
def delete_task_type(task_type_id: IdPath, db: DB, me: Me) -> None:
    """Projects using the type lose it from their settings."""
    admin_only(me, "change task types")
    verify(
        db,
        present(TaskType, task_type_id, "task type"),
        Check(
            ~row_exists(Task, Task.task_type_id == task_type_id),
            Conflict(f"task type {task_type_id} has tasks"),
        ),
        include_deleted=True,
    )
    db.execute(delete(TaskType).where(TaskType.id == task_type_id), execution_options=NO_SYNC)
    record(db, [studio_change("task_type.deleted", task_type_id)])
    db.commit()


# -- Task statuses ------------------------------------------------------------------


@router.get("/task-statuses", response_model=task_status_list.page_model, tags=["task statuses"])
def list_task_statuses(
    db: DB, planned: Annotated[PlannedRequest, Depends(task_status_list)]
) -> Response:
    return planned.page(db, select(TaskStatus))


@router.post("/task-statuses", status_code=201, tags=["task statuses"], responses=errors(403, 409))
def create_task_status(body: TaskStatusCreate, db: DB, me: Me) -> TaskStatusOut:
    admin_only(me, "change task statuses")
    verify(
        db,
        unique(TaskStatus, TaskStatus.name, body.name, "task status"),
        unique(TaskStatus, TaskStatus.short_name, body.short_name, "task status"),
    )
    task_status = TaskStatus(**body.model_dump())
    db.add(task_status)
    db.flush()
    record(db, [studio_change("task_status.created", task_status.id, {"name": task_status.name})])
    return task_statuses.committed(db, me, task_status.id)


@router.get("/task-statuses/{task_status_id}", tags=["task statuses"], responses=errors(404))
def get_task_status(task_status_id: IdPath, db: DB, me: Me) -> TaskStatusOut:
    return task_statuses.one(db, me, task_status_id)


@router.patch(
    "/task-statuses/{task_status_id}", tags=["task statuses"], responses=errors(403, 404, 409)
)
def update_task_status(
    task_status_id: IdPath, body: TaskStatusUpdate, db: DB, me: Me
) -> TaskStatusOut:
    admin_only(me, "change task statuses")
    values = body.model_dump()
    checks = [
        unique(
            TaskStatus, getattr(TaskStatus, key), values[key], "task status", ignore=task_status_id
        )
        for key in ("name", "short_name")
        if key in values
    ]
    task_status = fetch(db, TaskStatus, task_status_id, "task status", *checks)
    assign(task_status, values)
    changes = changed_fields(task_status, values)
    db.flush()
    if changes:
        record(db, [studio_change("task_status.updated", task_status.id, {"changes": changes})])
    return task_statuses.committed(db, me, task_status_id)


@router.delete(
    "/task-statuses/{task_status_id}",
    status_code=204,
    tags=["task statuses"],
    responses=errors(403, 404, 409),
)
def delete_task_status(task_status_id: IdPath, db: DB, me: Me) -> None:
    """Projects using the status lose it from their settings."""
    admin_only(me, "change task statuses")
    verify(
        db,
        present(TaskStatus, task_status_id, "task status"),
        Check(
            ~row_exists(Task, Task.task_status_id == task_status_id)
            & ~row_exists(Comment, Comment.task_status_id == task_status_id),
            Conflict(f"task status {task_status_id} is used by tasks or comments"),
        ),
        include_deleted=True,
    )
    db.execute(delete(TaskStatus).where(TaskStatus.id == task_status_id), execution_options=NO_SYNC)
    record(db, [studio_change("task_status.deleted", task_status_id)])
    db.commit()


# -- Asset types --------------------------------------------------------------------


@router.get("/asset-types", response_model=asset_type_list.page_model, tags=["asset types"])
def list_asset_types(
    db: DB, planned: Annotated[PlannedRequest, Depends(asset_type_list)]
) -> Response:
    return planned.page(db, select(AssetType))


@router.post("/asset-types", status_code=201, tags=["asset types"], responses=errors(403, 409))
def create_asset_type(body: AssetTypeCreate, db: DB, me: Me) -> AssetTypeOut:
    admin_only(me, "change asset types")
    verify(db, unique(AssetType, AssetType.name, body.name, "asset type"))
    asset_type = AssetType(**body.model_dump())
    db.add(asset_type)
    db.flush()
    record(db, [studio_change("asset_type.created", asset_type.id, {"name": asset_type.name})])
    return asset_types.committed(db, me, asset_type.id)


@router.get("/asset-types/{asset_type_id}", tags=["asset types"], responses=errors(404))
def get_asset_type(asset_type_id: IdPath, db: DB, me: Me) -> AssetTypeOut:
    return asset_types.one(db, me, asset_type_id)


@router.patch("/asset-types/{asset_type_id}", tags=["asset types"], responses=errors(403, 404, 409))
def update_asset_type(asset_type_id: IdPath, body: AssetTypeUpdate, db: DB, me: Me) -> AssetTypeOut:
    admin_only(me, "change asset types")
    values = body.model_dump()
    checks = []
    if "name" in values:
        checks.append(
            unique(AssetType, AssetType.name, values["name"], "asset type", ignore=asset_type_id)
        )
    asset_type = fetch(db, AssetType, asset_type_id, "asset type", *checks)
    assign(asset_type, values)
    changes = changed_fields(asset_type, values)
    db.flush()
    if changes:
        record(db, [studio_change("asset_type.updated", asset_type.id, {"changes": changes})])
    return asset_types.committed(db, me, asset_type_id)


@router.delete(
    "/asset-types/{asset_type_id}",
    status_code=204,
    tags=["asset types"],
    responses=errors(403, 404, 409),
)
def delete_asset_type(asset_type_id: IdPath, db: DB, me: Me) -> None:
    admin_only(me, "change asset types")
    verify(
        db,
        present(AssetType, asset_type_id, "asset type"),
        Check(
            ~row_exists(Asset, Asset.asset_type_id == asset_type_id),
            Conflict(f"asset type {asset_type_id} has assets"),
        ),
        include_deleted=True,
    )
    db.execute(delete(AssetType).where(AssetType.id == asset_type_id), execution_options=NO_SYNC)
    record(db, [studio_change("asset_type.deleted", asset_type_id)])
    db.commit()
