"""What ``GET /api/me/tasks`` answers: a person's to-do, each task with what
a to-do list shows without another request (its project, entity, task type
and status with their colours, and its assignees)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shotline.schemas.crud import EntityBrief, Out
from shotline.schemas.grid import PersonRef


class ProjectBrief(Out):
    id: int
    name: str
    code: str


class TaskTypeBrief(Out):
    id: int
    name: str
    short_name: str
    color: str


class TaskStatusBrief(Out):
    id: int
    name: str
    short_name: str
    color: str


class MyTask(Out):
    """An open task assigned to the signed-in person."""

    id: int
    project: ProjectBrief
    entity: EntityBrief
    task_type: TaskTypeBrief
    task_status: TaskStatusBrief
    priority: int
    estimate: int | None = Field(description="minutes")
    start_date: dt.date | None
    due_date: dt.date | None
    updated_at: dt.datetime = Field(description="Its latest change: a status change, an edit.")
    assignees: list[PersonRef]
