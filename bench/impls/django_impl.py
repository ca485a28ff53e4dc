"""strawberry-graphql-django with its ``DjangoOptimizerExtension``, on Django
models mapped onto Shotline's tables (:mod:`bench.impls.djangoapp.models`).

The schema is written the way strawberry-django's documentation writes one:
types with ``auto`` fields, hints on custom fields, offset pagination on
lists and ``DjangoListConnection`` for per-parent pages (the
optimizer pages nested connections with window functions). Where Django's
model differs from SQLAlchemy's, the query differs and the normaliser maps
the answer back to the workload's payload:

- Django's multi-table inheritance has no relation from a project to its
  assets (only to ``entities``): W3 asks ``project`` and ``assets`` as two
  root fields.
- Nor polymorphic loading: a task's ``entity`` is an ``Entity``, whose
  subtype rows are the reverse one-to-ones ``asset`` and ``shot`` (W5).
- Connection nodes carry relay global ids; the plain id is asked as ``pk``.
"""

import base64
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import django
import orjson
from django.conf import settings

from bench.database import BenchDatabase
from bench.impls.base import Counts, Implementation, graphql_bytes
from bench.workloads import (
    PROJECT_ID,
    W4_SHOTS,
    W4_TASKS,
    W5_TASKS,
    Workload,
    assets_query,
    canonical,
    grid_query,
)

_configured: BenchDatabase | None = None


def configure(db: BenchDatabase) -> None:
    global _configured
    if _configured is not None:
        if _configured != db:
            raise RuntimeError("Django is configured once per process")
        return
    url = db.url
    if db.dialect == "sqlite":
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": url.database}
    else:
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.database,
            "USER": url.username or "",
            "PASSWORD": url.password or "",
            "HOST": url.host or "",
            "PORT": str(url.port or ""),
            # One connection for the whole run, like SQLAlchemy's pool.
            "CONN_MAX_AGE": None,
        }
    settings.configure(
        DATABASES={"default": database},
        INSTALLED_APPS=["strawberry_django", "bench.impls.djangoapp"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEBUG=False,
        # Offset pages up to 1,000 rows, as Shotline's (W3/1000); the default caps them at 100.
        STRAWBERRY_DJANGO={"PAGINATION_MAX_LIMIT": 1000},
    )
    django.setup()
    _configured = db


def _schema() -> Any:
    import strawberry
    import strawberry_django
    from django.db.models import Prefetch
    from strawberry import auto
    from strawberry.relay import Node
    from strawberry.scalars import JSON
    from strawberry_django.optimizer import DjangoOptimizerExtension
    from strawberry_django.pagination import OffsetPaginationInput
    from strawberry_django.relay import DjangoListConnection

    from bench.impls.djangoapp import models as dm

    @strawberry_django.type(dm.AssetType)
    class AssetType:
        id: auto
        name: auto

    @strawberry_django.type(dm.TaskType)
    class TaskType:
        id: auto
        name: auto
        short_name: auto

    @strawberry_django.type(dm.TaskStatus)
    class TaskStatus:
        id: auto
        short_name: auto

    @strawberry_django.type(dm.Person)
    class Person:
        id: auto
        first_name: auto
        last_name: auto

        @strawberry_django.field(only=["first_name", "last_name"])
        def full_name(self, root: dm.Person) -> str:
            return f"{root.first_name} {root.last_name}"

    @strawberry_django.type(dm.Task)
    class Task:
        id: auto
        updated_at: auto
        task_type: TaskType
        task_status: TaskStatus
        assignees: list[Person]

        @classmethod
        def get_queryset(cls, queryset: Any, info: Any, **kwargs: Any) -> Any:
            return queryset.filter(deleted_at__isnull=True)

    @strawberry_django.order_type(dm.Task)
    class TaskOrder:
        id: auto
        updated_at: auto

    @strawberry_django.order_type(dm.Shot)
    class ShotOrder:
        id: auto
        name: auto

    @strawberry_django.type(dm.Task)
    class TaskNode(Node):
        pk: strawberry.ID = strawberry_django.field(field_name="id")
        updated_at: auto
        task_type: TaskType
        task_status: TaskStatus

        @classmethod
        def get_queryset(cls, queryset: Any, info: Any, **kwargs: Any) -> Any:
            return queryset.filter(deleted_at__isnull=True)

    @strawberry_django.type(dm.Shot)
    class ShotNode(Node):
        pk: strawberry.ID = strawberry_django.field(field_name="id")
        name: auto
        tasks: DjangoListConnection[TaskNode] = strawberry_django.connection(ordering=TaskOrder)

        @classmethod
        def get_queryset(cls, queryset: Any, info: Any, **kwargs: Any) -> Any:
            return queryset.filter(deleted_at__isnull=True)

    @strawberry_django.type(dm.Sequence)
    class Sequence:
        id: auto
        name: auto
        shots: DjangoListConnection[ShotNode] = strawberry_django.connection(ordering=ShotOrder)

    @strawberry_django.type(dm.Asset)
    class Asset:
        id: auto
        name: auto
        description: auto
        created_at: auto
        updated_at: auto
        asset_type: AssetType
        tasks: list[Task]

        @strawberry_django.field(
            select_related=["project"],
            prefetch_related=[
                "project__task_type_links",
                Prefetch(
                    "tasks",
                    queryset=dm.Task.objects.select_related("task_type", "task_status").only(
                        "id",
                        "entity_id",
                        "task_type_id",
                        "task_type__name",
                        "task_status_id",
                        "task_status__short_name",
                    ),
                    to_attr="status_map_tasks",
                ),
            ],
        )
        def task_status_map(self, root: dm.Asset) -> JSON:
            positions = {
                link.task_type_id: link.position for link in root.project.task_type_links.all()
            }
            unlisted = len(positions)
            ordered = sorted(
                root.status_map_tasks,
                key=lambda t: (positions.get(t.task_type_id, unlisted), t.task_type.name),
            )
            return {t.task_type.name: t.task_status.short_name for t in ordered}

    @strawberry_django.type(dm.Project)
    class Project:
        id: auto
        name: auto

    @strawberry_django.type(dm.Entity)
    class Entity:
        id: auto
        kind: auto
        name: auto

    @strawberry_django.type(dm.Asset)
    class AssetPart:
        asset_type: AssetType

    @strawberry_django.type(dm.Shot)
    class ShotPart:
        frame_in: auto
        frame_out: auto
        sequence: Entity

    @strawberry_django.type(dm.Entity)
    class TaskEntity:
        id: auto
        kind: auto
        name: auto
        asset: AssetPart | None
        shot: ShotPart | None

    @strawberry_django.type(dm.Task)
    class LatestTask:
        id: auto
        updated_at: auto
        task_type: TaskType
        task_status: TaskStatus
        entity: TaskEntity

    @strawberry.type
    class Query:
        @strawberry_django.field
        def asset_grid(self, project_id: strawberry.ID, limit: int | None = None) -> list[Asset]:
            qs = dm.Asset.objects.filter(project_id=int(project_id)).order_by("name", "id")
            return qs if limit is None else qs[:limit]

        @strawberry_django.field
        def project(self, id: strawberry.ID) -> Project | None:
            return dm.Project.objects.filter(id=int(id)).first()

        @strawberry_django.field
        def assets(
            self, project_id: strawberry.ID, pagination: OffsetPaginationInput | None = None
        ) -> list[Asset]:
            qs = dm.Asset.objects.filter(project_id=int(project_id)).order_by("name", "id")
            if pagination is not None:
                qs = qs[pagination.offset : pagination.offset + pagination.limit]
            return qs

        @strawberry_django.field
        def sequences(self, project_id: strawberry.ID) -> list[Sequence]:
            return dm.Sequence.objects.filter(project_id=int(project_id)).order_by("id")

        @strawberry_django.field
        def latest_tasks(self, limit: int) -> list[LatestTask]:
            return dm.Task.objects.order_by("-updated_at", "-id")[:limit]

    return strawberry.Schema(query=Query, extensions=[DjangoOptimizerExtension()])


GRID = """
query Grid {
  assetGrid(projectId: "$project"$limit) {
    id name description assetType { name } createdAt updatedAt taskStatusMap
    tasks { id taskType { name } taskStatus { shortName } assignees { id fullName } updatedAt }
  }
}
"""

W3 = """
query W3 {
  project(id: "$project") { id name }
  assets(projectId: "$project", pagination: {limit: $limit}) {
    id name
    assetType { id name }
    tasks { id taskType { id name } taskStatus { id shortName } assignees { id firstName lastName } }
  }
}
""".replace("$project", str(PROJECT_ID))


W4 = (
    """
query W4 {
  project(id: "$project") { id }
  sequences(projectId: "$project") {
    id name
    shots(first: $shots, ordering: [{name: ASC}, {id: ASC}]) {
      totalCount
      edges { node {
        pk name
        tasks(first: $tasks, ordering: [{updatedAt: DESC}, {id: DESC}]) {
          totalCount
          edges { node { pk updatedAt taskType { shortName } taskStatus { shortName } } }
        }
      } }
    }
  }
}
""".replace("$project", str(PROJECT_ID))
    .replace("$shots", str(W4_SHOTS))
    .replace("$tasks", str(W4_TASKS))
)

W5 = """
query W5 {
  latestTasks(limit: $tasks) {
    id updatedAt
    taskType { name }
    taskStatus { shortName }
    entity {
      id kind name
      asset { assetType { name } }
      shot { frameIn frameOut sequence { name } }
    }
  }
}
""".replace("$tasks", str(W5_TASKS))


def _w3(data: dict[str, Any]) -> Any:
    project = data["project"]
    return {"project": {"id": project["id"], "name": project["name"], "assets": data["assets"]}}


def _w4(data: dict[str, Any]) -> Any:
    return {
        "project": {
            "sequences": [
                {
                    "id": q["id"],
                    "name": q["name"],
                    "shotConnection": {
                        "totalCount": q["shots"]["totalCount"],
                        "edges": [
                            {
                                "node": {
                                    "id": e["node"]["pk"],
                                    "name": e["node"]["name"],
                                    "taskConnection": {
                                        "totalCount": e["node"]["tasks"]["totalCount"],
                                        "edges": [
                                            {
                                                "node": {
                                                    "id": t["node"]["pk"],
                                                    "typeShortName": t["node"]["taskType"][
                                                        "shortName"
                                                    ],
                                                    "statusShortName": t["node"]["taskStatus"][
                                                        "shortName"
                                                    ],
                                                    "updatedAt": t["node"]["updatedAt"],
                                                }
                                            }
                                            for t in e["node"]["tasks"]["edges"]
                                        ],
                                    },
                                }
                            }
                            for e in q["shots"]["edges"]
                        ],
                    },
                }
                for q in data["sequences"]
            ]
        }
    }


def _w5(data: dict[str, Any]) -> Any:
    def entity(e: dict[str, Any]) -> dict[str, Any]:
        node = {"__typename": e["kind"].capitalize(), "id": e["id"], "name": e["name"]}
        if e["asset"] is not None:
            node["assetType"] = e["asset"]["assetType"]
        if e["shot"] is not None:
            node |= {
                "frameIn": e["shot"]["frameIn"],
                "frameOut": e["shot"]["frameOut"],
                "sequence": {"name": e["shot"]["sequence"]["name"]},
            }
        return node

    return {
        "taskConnection": {
            "edges": [
                {
                    "node": {
                        "id": t["id"],
                        "updatedAt": t["updatedAt"],
                        "taskType": t["taskType"],
                        "taskStatus": t["taskStatus"],
                        "entity": entity(t["entity"]),
                    }
                }
                for t in data["latestTasks"]
            ]
        }
    }


def decode_global_id(value: str) -> str:
    return base64.b64decode(value).decode().split(":", 1)[1]


class StrawberryDjango(Implementation):
    key = "django"
    label = "strawberry-django optimizer"
    api = "GraphQL (execute_sync)"

    def __init__(self, db: BenchDatabase) -> None:
        configure(db)
        from django.db import connection

        self.connection = connection
        self.schema = _schema()

    def request(self, workload: Workload) -> Callable[[], bytes]:
        if workload.key in {"W1", "W2"}:
            query = grid_query(GRID, workload)
        elif workload.key == "W3":
            query = assets_query(W3, workload)
        else:
            query = {"W4": W4, "W5": W5}[workload.key]
        schema = self.schema

        def run() -> bytes:
            # Autocommit reads on Django's one persistent connection (no
            # request cycle, so no per-request connection checks).
            return graphql_bytes(schema.execute_sync(query))

        return run

    def normalise(self, workload: Workload, body: bytes) -> Any:
        from bench.impls.loadplan_impls import graphql_grid_rows

        data = orjson.loads(body)["data"]
        if workload.key in {"W1", "W2"}:
            return graphql_grid_rows(data["assetGrid"])
        return canonical({"W3": _w3, "W4": _w4, "W5": _w5}[workload.key](data))

    def counting(self) -> AbstractContextManager[Counts]:
        return self._count()

    @contextmanager
    def _count(self) -> Iterator[Counts]:
        counts = Counts()
        sqlite = self.connection.vendor == "sqlite"

        def wrapper(
            execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
        ) -> Any:
            counts.statements += 1
            cursor = context["cursor"]
            if sqlite:

                def factory(_cursor: Any, row: Any) -> Any:
                    counts.rows += 1
                    return row

                cursor.cursor.row_factory = factory
            result = execute(sql, params, many, context)
            if not sqlite and cursor.description is not None and cursor.rowcount > 0:
                counts.rows += cursor.rowcount
            return result

        with self.connection.execute_wrapper(wrapper):
            yield counts
