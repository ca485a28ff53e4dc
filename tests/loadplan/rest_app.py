"""A FastAPI app over the loadplan test models, with planned and naive endpoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import Response
from pydantic import AliasPath, BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

import loadplan
from loadplan.fastapi import PlannedEndpoint, PlannedRequest
from tests.loadplan import models as m


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PersonOut(Out):
    id: int
    name: str
    email: str


class StatusOut(Out):
    short_name: str = Field(serialization_alias="shortName")
    is_done: bool


class CommentOut(Out):
    id: int
    text: str
    author: PersonOut


class TaskFields(Out):
    """What a naive endpoint can serve too: everything but the computed count."""

    id: int
    name: str
    priority: int
    due_date: dt.date | None
    status: StatusOut
    type_name: str = Field(validation_alias=AliasPath("task_type", "name"))
    assignees: list[PersonOut]
    comments: list[CommentOut]
    is_late: bool


class TaskOut(TaskFields):
    comment_count: Annotated[int, loadplan.hint(annotate=loadplan.count("comments"))]


class AssetOut(Out):
    kind: Literal["asset"]
    id: int
    name: str
    asset_type: str


class ShotOut(Out):
    kind: Literal["shot"]
    id: int
    name: str
    frame_in: int
    frame_out: int


class ProjectOut(Out):
    id: int
    code: str
    entities: list[Annotated[AssetOut | ShotOut, Field(discriminator="kind")]]
    entity_count: Annotated[int, loadplan.hint(annotate=loadplan.count("entities"))]


class TaskBrief(Out):
    id: int
    name: str


class EntityOut(Out):
    id: int
    name: str
    tasks: list[TaskBrief]
    task_names: list[str]


class TaskState(Out):
    id: int
    in_session: bool


#: The endpoints let a request force a mode, and name the mode that ran, in
#: this header; ``entities_endpoint`` does not, as by default.
MODE_HEADER = "X-Loadplan-Mode"

tasks_endpoint = PlannedEndpoint(
    m.Task, TaskOut, max_limit=500, debug=True, mode_header=MODE_HEADER
)
task_state_endpoint = PlannedEndpoint(m.Task, TaskState, mode_header=MODE_HEADER)
projects_endpoint = PlannedEndpoint(m.Project, ProjectOut, mode_header=MODE_HEADER)
entities_endpoint = PlannedEndpoint(m.Entity, EntityOut)
task_list_endpoint = PlannedEndpoint(m.Task, list[TaskOut], mode_header=MODE_HEADER)


def make_app(engine: Engine, async_engine: AsyncEngine | None = None) -> FastAPI:
    app = FastAPI()

    def session() -> Iterator[Session]:
        with Session(engine) as s:
            yield s

    async def async_session() -> AsyncIterator[AsyncSession]:
        assert async_engine is not None
        async with AsyncSession(async_engine) as s:
            yield s

    @app.get("/tasks", response_model=tasks_endpoint.page_model)
    def list_tasks(
        planned: PlannedRequest = Depends(tasks_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.page(db, select(m.Task))

    @app.get("/task-list", response_model=task_list_endpoint.page_model)
    def list_tasks_bare(
        planned: PlannedRequest = Depends(task_list_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.page(db, select(m.Task))

    @app.get("/async/tasks", response_model=tasks_endpoint.page_model)
    async def list_tasks_async(
        planned: PlannedRequest = Depends(tasks_endpoint),
        db: AsyncSession = Depends(async_session),
    ) -> Response:
        return await planned.apage(db, select(m.Task))

    def entity_found(db: Session, entity_id: int) -> None:
        if db.get(m.Entity, entity_id) is None:
            raise HTTPException(status_code=404, detail=f"entity {entity_id} not found")

    @app.get("/entities/{entity_id}/tasks", response_model=tasks_endpoint.page_model)
    def list_entity_tasks(
        entity_id: int,
        planned: PlannedRequest = Depends(tasks_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        stmt = select(m.Task).where(m.Task.entity_id == entity_id)
        return planned.page(db, stmt, lambda: entity_found(db, entity_id))

    @app.get("/async/entities/{entity_id}/tasks", response_model=tasks_endpoint.page_model)
    async def list_entity_tasks_async(
        entity_id: int,
        planned: PlannedRequest = Depends(tasks_endpoint),
        db: AsyncSession = Depends(async_session),
    ) -> Response:
        async def found() -> None:
            await db.run_sync(entity_found, entity_id)

        stmt = select(m.Task).where(m.Task.entity_id == entity_id)
        return await planned.apage(db, stmt, found)

    @app.get("/projects/{project_id}", response_model=ProjectOut)
    def get_project(
        project_id: int,
        planned: PlannedRequest = Depends(projects_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.one(db, select(m.Project).where(m.Project.id == project_id))

    @app.get("/tasks/{task_id}/state", response_model=TaskState)
    def get_task_state(
        task_id: int,
        planned: PlannedRequest = Depends(task_state_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.one(db, select(m.Task).where(m.Task.id == task_id))

    @app.get("/entities", response_model=entities_endpoint.page_model)
    def list_entities(
        planned: PlannedRequest = Depends(entities_endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.page(db, select(m.Entity))

    @app.get("/naive/tasks", response_model=list[TaskFields])
    def naive_tasks(db: Session = Depends(session)) -> list[TaskFields]:
        tasks = db.scalars(select(m.Task).order_by(m.Task.id)).all()
        return [TaskFields.model_validate(t, from_attributes=True) for t in tasks]

    return app
