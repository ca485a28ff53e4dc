"""strawchemy: Strawberry types generated from Shotline's SQLAlchemy models,
each root field compiled into one SQL statement (joins, per-parent windows).

Two things stand in its way on Shotline's models, both reported per workload
with the error it raises (the schema below is what its documentation would
have one write, and runs as soon as strawchemy can):

- Shotline's session-wide soft-delete filter (``with_loader_criteria``) lands
  in strawchemy's join conditions on aliases its statement does not select
  from; so it runs with ``include_deleted`` and filters deleted rows with a
  query hook per type instead.
- Joined-table inheritance (``Asset``, ``Sequence``, ``Shot`` are ``Entity``
  subclasses): strawchemy's statements leave the discriminator ``entity.kind``
  out of their subqueries.
"""

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated, Any

import orjson
import strawberry
from sqlalchemy import Engine, text
from strawchemy import Strawchemy as StrawchemyMapper
from strawchemy import StrawchemyConfig
from strawchemy.transpiler.hook import QueryHook

from bench.impls.base import (
    Counts,
    GraphQLFailure,
    Implementation,
    Unsupported,
    count_sqlalchemy,
    graphql_bytes,
    graphql_ids,
)
from bench.workloads import (
    PROJECT_ID,
    W3,
    W4_SHOTS,
    W4_TASKS,
    W5_TASKS,
    Workload,
    assets_query,
    canonical,
)
from shotline import models as m
from shotline.db import session_factory


class Live(QueryHook):
    """Leaves soft-deleted rows out, as Shotline's session filter would."""

    def apply_hook(self, statement: Any, alias: Any) -> Any:
        return statement.where(alias.deleted_at.is_(None))


def _schema(dialect: str) -> strawberry.Schema:
    sc = StrawchemyMapper(StrawchemyConfig(dialect, execution_options={"include_deleted": True}))

    @sc.type(m.AssetType, include=["id", "name"])
    class AssetType: ...

    @sc.type(m.TaskType, include=["id", "name", "short_name"])
    class TaskType: ...

    @sc.type(m.TaskStatus, include=["id", "short_name"])
    class TaskStatus: ...

    @sc.type(m.Person, include=["id", "first_name", "last_name"])
    class Person: ...

    @sc.type(m.Task, include=["id", "updated_at"], query_hook=Live())
    class Task:
        task_type: TaskType
        task_status: TaskStatus
        assignees: list[Person]

    @sc.type(m.Asset, include=["id", "name"], query_hook=Live())
    class Asset:
        asset_type: AssetType
        tasks: list[Task]

    @sc.order(m.Asset, include="all")
    class AssetOrder: ...

    @sc.filter(m.Asset, include=["project_id"])
    class AssetFilter: ...

    @sc.type(m.Project, include=["id", "name"])
    class Project: ...

    @sc.type(m.Task, include=["id", "updated_at"], query_hook=Live(), name="TaskNode")
    class TaskNode:
        task_type: TaskType
        task_status: TaskStatus

    @sc.type(m.Shot, include=["id", "name"], query_hook=Live(), paginate=["tasks"], order=["tasks"])
    class Shot:
        tasks: list[TaskNode]

    @sc.type(
        m.Sequence, include=["id", "name"], query_hook=Live(), paginate=["shots"], order=["shots"]
    )
    class Sequence:
        shots: list[Shot]

    @sc.order(m.Sequence, include="all")
    class SequenceOrder: ...

    @sc.filter(m.Sequence, include=["project_id"])
    class SequenceFilter: ...

    @sc.type(m.Asset, include=["id", "name"], name="EntityAsset")
    class EntityAsset:
        asset_type: AssetType

    @sc.type(m.Sequence, include=["name"], name="EntitySequence")
    class EntitySequence: ...

    @sc.type(m.Shot, include=["id", "name", "frame_in", "frame_out"], name="EntityShot")
    class EntityShot:
        sequence: EntitySequence

    TaskEntity = Annotated[EntityAsset | EntityShot, strawberry.union("TaskEntity")]

    @sc.type(m.Task, include=["id", "updated_at"], query_hook=Live(), name="LatestTask")
    class LatestTask:
        task_type: TaskType
        task_status: TaskStatus
        entity: TaskEntity

    @sc.order(m.Task, include="all")
    class TaskOrder: ...

    @strawberry.type
    class Query:
        project: Project = sc.field()
        assets: list[Asset] = sc.field(
            order_by_input=AssetOrder, filter_input=AssetFilter, pagination=True
        )
        sequences: list[Sequence] = sc.field(
            order_by_input=SequenceOrder, filter_input=SequenceFilter
        )
        latest_tasks: list[LatestTask] = sc.field(order_by_input=TaskOrder, pagination=True)

    return strawberry.Schema(query=Query)


ASSETS = """
query Assets {
  project(id: $project) { id name }
  assets(filter: {projectId: {eq: $project}}, limit: $limit, orderBy: [{name: ASC}, {id: ASC}]) {
    id name
    assetType { id name }
    tasks { id taskType { id name } taskStatus { id shortName } assignees { id firstName lastName } }
  }
}
""".replace("$project", str(PROJECT_ID))


W4 = (
    """
query W4 {
  project(id: $project) { id }
  sequences(filter: {projectId: {eq: $project}}, orderBy: [{id: ASC}]) {
    id name
    shots(limit: $shots, orderBy: [{name: ASC}, {id: ASC}]) {
      id name
      tasks(limit: $tasks, orderBy: [{updatedAt: DESC}, {id: DESC}]) {
        id updatedAt taskType { shortName } taskStatus { shortName }
      }
    }
  }
}
""".replace("$project", str(PROJECT_ID))
    .replace("$shots", str(W4_SHOTS))
    .replace("$tasks", str(W4_TASKS))
)

W5 = """
query W5 {
  latestTasks(limit: $latest, orderBy: [{updatedAt: DESC}, {id: DESC}]) {
    id updatedAt taskType { name } taskStatus { shortName }
    entity {
      __typename
      ... on EntityAsset { id name assetType { name } }
      ... on EntityShot { id name frameIn frameOut sequence { name } }
    }
  }
}
""".replace("$latest", str(W5_TASKS))


TRIAL_SECONDS = 10

WHERE = {
    "W1": " loading Asset rows (asked as in W3; the map was not attempted)",
    "W2": " loading Asset rows (asked as in W3; the map was not attempted)",
    "W3": " loading Asset rows (a joined-inheritance subclass)",
    "W4": " on per-parent pages of Shot rows (a joined-inheritance subclass)",
    "W5": " building the statement for a relationship typed as a union (Asset | Shot)",
}


class Strawchemy(Implementation):
    key = "strawchemy"
    label = "strawchemy"
    api = "GraphQL (execute_sync)"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.schema = _schema(engine.dialect.name)

    def _runner(self, query: str) -> Callable[[], bytes]:
        schema, sessions = self.schema, self.sessions

        def run() -> bytes:
            with sessions() as session:
                return graphql_bytes(schema.execute_sync(query, context_value={"session": session}))

        return run

    def _trial(self, query: str) -> None:
        """Run ``query`` once, its statements stopped after ``TRIAL_SECONDS``:
        strawchemy's statements can hold a cartesian product (see W4), which
        SQLite without statistics would grind through for a very long time."""
        with self.sessions() as session:
            raw = session.connection().connection.driver_connection
            if self.engine.dialect.name == "sqlite":
                deadline = time.monotonic() + TRIAL_SECONDS
                raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
            else:
                session.execute(text(f"SET LOCAL statement_timeout = {TRIAL_SECONDS * 1000}"))
            try:
                graphql_bytes(self.schema.execute_sync(query, context_value={"session": session}))
            finally:
                if self.engine.dialect.name == "sqlite":
                    raw.set_progress_handler(None, 0)

    def request(self, workload: Workload) -> Callable[[], bytes]:
        if workload.key in {"W4", "W5"}:
            query = {"W4": W4, "W5": W5}[workload.key]
        else:
            # W1 and W2 are tried with W3's query at 100 assets (see WHERE).
            query = assets_query(ASSETS, workload if workload.key == "W3" else W3)
        run = self._runner(query)
        try:
            self._trial(query)
        except GraphQLFailure as error:
            where = WHERE.get(workload.key, "")
            summary = error.summary()
            if "interrupted" in summary or "statement timeout" in summary:
                summary = (
                    f"its statement ran over {TRIAL_SECONDS} s and was stopped "
                    f"(it joins a cartesian product): {summary}"
                )
            raise Unsupported(f"fails{where}: {summary}") from error
        if workload.key in {"W1", "W2"}:
            raise Unsupported(
                "the task-status map (a computed field) was not written for strawchemy"
            )
        return run

    def normalise(self, workload: Workload, body: bytes) -> Any:
        data = graphql_ids(orjson.loads(body)["data"])
        if workload.key == "W3":
            project = data["project"]
            return canonical({"project": {**project, "assets": data["assets"]}})
        if workload.key == "W4":
            return canonical(
                {
                    "project": {
                        "sequences": [
                            {
                                "id": q["id"],
                                "name": q["name"],
                                "shotConnection": {
                                    "totalCount": None,
                                    "edges": [{"node": s} for s in q["shots"]],
                                },
                            }
                            for q in data["sequences"]
                        ]
                    }
                }
            )
        edges = [{"node": t} for t in data["latestTasks"]]
        return canonical({"taskConnection": {"edges": edges}})

    def counting(self) -> AbstractContextManager[Counts]:
        return count_sqlalchemy(self.engine)
