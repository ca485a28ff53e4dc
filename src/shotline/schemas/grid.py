"""What the production grids, entity pages and project stats return.

Grid rows (:class:`AssetRow`, :class:`ShotRow`) are what production staff
scan by the thousand: one row per entity with its task statuses as a map
(one column per task type) and the task details behind each cell. Entity
pages (:class:`AssetOut`, :class:`ShotOut`) add the fuller task records and
the live task count. Field aliases point each field at the model attribute
loadplan loads for it; sparse fieldsets use the field names.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AliasPath, BaseModel, ConfigDict, Field

import loadplan
from shotline.schemas.previews import ThumbnailId


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PersonRef(Out):
    id: int
    full_name: str


class TaskDetail(Out):
    """One cell of a grid row: a task with what a cell shows."""

    id: int
    task_type: str = Field(validation_alias=AliasPath("task_type", "name"))
    task_status: str = Field(validation_alias=AliasPath("task_status", "short_name"))
    assignees: list[PersonRef]
    updated_at: dt.datetime
    thumbnail_id: ThumbnailId


class TaskOut(TaskDetail):
    """A task as an entity page shows it: the cell plus planning fields."""

    priority: int
    estimate: int | None = Field(description="minutes")
    start_date: dt.date | None
    due_date: dt.date | None
    created_at: dt.datetime


TASK_STATUS_BY_TYPE = loadplan.column_map(
    "tasks",
    "task_type.name",
    "task_status.short_name",
    order_by=["task_type_link.position", "task_type.name"],
    where=[lambda task, _context: task.deleted_at.is_(None)],
)
"""Task type name → status short name, in the project's task type order.

Grids show one column per task type in the order the project set; a task
whose type the project no longer enables comes last (by name) rather than
vanishing, since its status is still real work (its type's link is absent,
and an absent value comes last in a projection's order). The position is
read through a join, not looked up per task. Built in SQL as one value
per entity (an entity has one live task per type), so a grid of thousands
of entities runs no Python per task for it."""

TaskStatusMap = Annotated[
    dict[str, str],
    loadplan.hint(annotate=TASK_STATUS_BY_TYPE),
    Field(
        validation_alias="task_status_by_type",
        description="Task type name → status short name, in the project's task type order.",
    ),
]
# The global soft-delete filter reaches subqueries in a statement's WHERE and
# columns, but not a with_expression() loaded by a plan: say "live" here.
TaskCount = Annotated[
    int,
    loadplan.hint(
        annotate=loadplan.count("tasks", lambda task, _context: task.deleted_at.is_(None))
    ),
    Field(description="Live (not deleted) tasks of the entity."),
]


class AssetRow(Out):
    """A row of the asset grid. ``task_details`` come in task id order:
    ``task_status`` gives the columns' order, a cell is found by task type."""

    id: int
    name: str
    description: str | None
    asset_type: str = Field(validation_alias=AliasPath("asset_type", "name"))
    created_at: dt.datetime
    updated_at: dt.datetime
    task_status: TaskStatusMap
    task_details: list[TaskDetail] = Field(validation_alias="tasks")


class ShotRow(Out):
    """A row of the shot grid (see :class:`AssetRow`), with where the shot is."""

    id: int
    name: str
    description: str | None
    sequence_id: int
    # Optional only so that a shot left in a deleted sequence still serialises.
    sequence: str | None = Field(None, validation_alias=AliasPath("sequence", "name"))
    episode: str | None = Field(None, validation_alias=AliasPath("sequence", "episode", "name"))
    frame_in: int
    frame_out: int
    created_at: dt.datetime
    updated_at: dt.datetime
    task_status: TaskStatusMap
    task_details: list[TaskDetail] = Field(validation_alias="tasks")


class AssetOut(Out):
    """An asset page: the grid row's fields, fuller tasks and their live count."""

    id: int
    project_id: int
    name: str
    description: str | None
    asset_type_id: int
    asset_type: str = Field(validation_alias=AliasPath("asset_type", "name"))
    created_at: dt.datetime
    updated_at: dt.datetime
    task_status: TaskStatusMap
    task_count: TaskCount
    tasks: list[TaskOut]


class ShotOut(Out):
    """A shot page: the grid row's fields, fuller tasks and their live count."""

    id: int
    project_id: int
    name: str
    description: str | None
    sequence_id: int
    sequence: str | None = Field(None, validation_alias=AliasPath("sequence", "name"))
    episode: str | None = Field(None, validation_alias=AliasPath("sequence", "episode", "name"))
    frame_in: int
    frame_out: int
    fps: float | None = Field(description="None: the project's frame rate.")
    created_at: dt.datetime
    updated_at: dt.datetime
    task_status: TaskStatusMap
    task_count: TaskCount
    tasks: list[TaskOut]


# -- Project stats (plain models: computed by a GROUP BY, not loaded by a plan) --


class TaskTypeStats(BaseModel):
    task_type: str
    counts: dict[str, int] = Field(
        description="Live tasks by status short name, in the project's status order."
    )
    total: int
    done: int = Field(description="Tasks whose status is a done status.")
    done_ratio: float = Field(description="done / total, rounded to 4 places; 0 without tasks.")


class ProjectStats(BaseModel):
    project_id: int
    task_types: list[TaskTypeStats] = Field(description="In the project's task type order.")
    total: int
    done: int
    done_ratio: float
