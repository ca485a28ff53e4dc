"""strawberry-sqlalchemy-mapper: Strawberry types generated from Shotline's
SQLAlchemy models, relationships resolved by its dataloaders (one batched
``IN (...)`` statement per relationship and level), root fields written by
hand as its documentation shows. Its resolvers are coroutines, so requests
run through ``schema.execute`` on an event loop of their own.

Columns of types it cannot map (Shotline's ``UTCDateTime`` decorator, JSON)
are excluded and the timestamps the workloads need are plain fields reading
the attribute. Relationship lists are plain lists (``always_use_list``).
"""

import asyncio
import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import orjson
import strawberry
from sqlalchemy import Engine, inspect, select
from strawberry.scalars import JSON
from strawberry_sqlalchemy_mapper import StrawberrySQLAlchemyLoader, StrawberrySQLAlchemyMapper

from bench.impls.base import (
    Counts,
    Implementation,
    Unsupported,
    count_sqlalchemy,
    graphql_bytes,
    graphql_ids,
)
from bench.workloads import (
    PROJECT_ID,
    W5_TASKS,
    Workload,
    assets_query,
    canonical,
    grid_query,
)
from shotline import models as m
from shotline.db import session_factory


def only(model: type[Any], *keep: str) -> list[str]:
    """Everything but ``keep``: the mapper takes exclusions, and maps every
    relationship it is not told to exclude (with every related model)."""
    return [a.key for a in inspect(model).attrs if a.key not in keep]


def _schema() -> strawberry.Schema:
    mapper = StrawberrySQLAlchemyMapper(always_use_list=True)

    @mapper.type(m.AssetType)
    class AssetType:
        __exclude__ = only(m.AssetType, "id", "name")

    @mapper.type(m.TaskType)
    class TaskType:
        __exclude__ = only(m.TaskType, "id", "name", "short_name")

    @mapper.type(m.TaskStatus)
    class TaskStatus:
        __exclude__ = only(m.TaskStatus, "id", "short_name")

    @mapper.type(m.Person)
    class Person:
        __exclude__ = only(m.Person, "id", "first_name", "last_name")

        @strawberry.field
        def full_name(self) -> str:
            return f"{self.first_name} {self.last_name}"

    @mapper.type(m.ProjectTaskType)
    class ProjectTaskType:
        __exclude__ = only(m.ProjectTaskType, "task_type_id", "position")

    @mapper.type(m.Project)
    class Project:
        __exclude__ = only(m.Project, "id", "name", "task_type_links")

    @mapper.type(m.Task)
    class Task:
        __exclude__ = only(m.Task, "id", "task_type", "task_status", "assignees", "entity")

        @strawberry.field
        def updated_at(self) -> dt.datetime:
            return self.updated_at

    @mapper.interface(m.Entity)
    class EntityInterface:
        __exclude__ = only(m.Entity, "id", "name", "kind")

    @mapper.type(m.Asset)
    class Asset(EntityInterface):
        __exclude__ = only(
            m.Asset, "id", "name", "kind", "description", "asset_type", "tasks", "project"
        )

        @strawberry.field
        def created_at(self) -> dt.datetime:
            return self.created_at

        @strawberry.field
        def updated_at(self) -> dt.datetime:
            return self.updated_at

        @strawberry.field
        async def task_status_map(self, info: strawberry.Info) -> JSON:
            """The grid's map, from the mapper's own loaders (tasks, then their
            types and statuses, the project and its task type links)."""
            loader = info.context["sqlalchemy_loader"]
            tasks = await loader.loader_for(m.Entity.tasks.property).load((self.id,))
            project = await loader.loader_for(m.Entity.project.property).load((self.project_id,))
            links = await loader.loader_for(m.Project.task_type_links.property).load((project.id,))
            types = await asyncio.gather(
                *(
                    loader.loader_for(m.Task.task_type.property).load((t.task_type_id,))
                    for t in tasks
                )
            )
            statuses = await asyncio.gather(
                *(
                    loader.loader_for(m.Task.task_status.property).load((t.task_status_id,))
                    for t in tasks
                )
            )
            positions = {link.task_type_id: link.position for link in links}
            unlisted = len(positions)
            rows = sorted(
                zip(tasks, types, statuses, strict=True),
                key=lambda r: (positions.get(r[0].task_type_id, unlisted), r[1].name),
            )
            return {task_type.name: status.short_name for _, task_type, status in rows}

    @mapper.type(m.Sequence)
    class Sequence(EntityInterface):
        __exclude__ = only(m.Sequence, "id", "name", "kind")

    @mapper.type(m.Shot)
    class Shot(EntityInterface):
        __exclude__ = only(m.Shot, "id", "name", "kind", "frame_in", "frame_out", "sequence")

    @strawberry.type
    class Query:
        @strawberry.field
        def project(self, info: strawberry.Info, id: strawberry.ID) -> Project | None:
            return info.context["session"].get(m.Project, int(id))

        @strawberry.field
        def assets(
            self, info: strawberry.Info, project_id: strawberry.ID, limit: int | None = None
        ) -> list[Asset]:
            stmt = (
                select(m.Asset)
                .where(m.Asset.project_id == int(project_id))
                .order_by(m.Asset.name, m.Asset.id)
            )
            return (
                info.context["session"].scalars(stmt if limit is None else stmt.limit(limit)).all()
            )

        @strawberry.field
        def latest_tasks(self, info: strawberry.Info, limit: int) -> list[Task]:
            stmt = select(m.Task).order_by(m.Task.updated_at.desc(), m.Task.id.desc()).limit(limit)
            return info.context["session"].scalars(stmt).all()

    mapper.finalize()
    return strawberry.Schema(query=Query, types=list(mapper.mapped_types.values()))


GRID = """
query Grid {
  assets(projectId: "$project"$limit) {
    id name description assetType { name } createdAt updatedAt taskStatusMap
    tasks { id taskType { name } taskStatus { shortName } assignees { id fullName } updatedAt }
  }
}
"""

W3 = """
query W3 {
  project(id: "$project") { id name }
  assets(projectId: "$project", limit: $limit) {
    id name
    assetType { id name }
    tasks { id taskType { id name } taskStatus { id shortName } assignees { id firstName lastName } }
  }
}
""".replace("$project", str(PROJECT_ID))


W5 = """
query W5 {
  latestTasks(limit: $tasks) {
    id updatedAt
    taskType { name }
    taskStatus { shortName }
    entity {
      __typename id name
      ... on Asset { assetType { name } }
      ... on Shot { frameIn frameOut sequence { name } }
    }
  }
}
""".replace("$tasks", str(W5_TASKS))


class SqlalchemyMapper(Implementation):
    key = "mapper"
    label = "strawberry-sqlalchemy-mapper"
    api = "GraphQL (execute, async)"
    known_wrong = dict.fromkeys(
        ("W1", "W2", "W3"),
        "many-to-many through a secondary table (Task.assignees): its dataloader "
        "selects person without joining task_assignee (a cartesian product) and groups "
        "rows by a column person lacks, so every task comes back with no assignees",
    )

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.schema = _schema()
        self.loop = asyncio.new_event_loop()

    def request(self, workload: Workload) -> Callable[[], bytes]:
        if workload.key == "W4":
            raise Unsupported(
                "no per-parent pages: a relationship's first/after are applied as one "
                "LIMIT/OFFSET to the whole batched IN (...) statement, not per parent"
            )
        if workload.key in {"W1", "W2"}:
            query = grid_query(GRID, workload)
        elif workload.key == "W3":
            query = assets_query(W3, workload)
        else:
            query = W5
        schema, sessions, loop = self.schema, self.sessions, self.loop

        def run() -> bytes:
            with sessions() as session:
                context = {
                    "session": session,
                    "sqlalchemy_loader": StrawberrySQLAlchemyLoader(bind=session),
                }
                return graphql_bytes(
                    loop.run_until_complete(schema.execute(query, context_value=context))
                )

        return run

    def normalise(self, workload: Workload, body: bytes) -> Any:
        from bench.impls.loadplan_impls import graphql_grid_rows

        data = orjson.loads(body)["data"]
        if workload.key in {"W1", "W2"}:
            return graphql_grid_rows(data["assets"])
        if workload.key == "W3":
            project = data["project"]
            data = {
                "project": {"id": project["id"], "name": project["name"], "assets": data["assets"]}
            }
            return canonical(graphql_ids(data))
        edges = [{"node": task} for task in data["latestTasks"]]
        return canonical(graphql_ids({"taskConnection": {"edges": edges}}))

    def counting(self) -> AbstractContextManager[Counts]:
        return count_sqlalchemy(self.engine)

    def close(self) -> None:
        self.loop.close()
