"""loadplan through Shotline: its REST grid (the real app, in-process) and its
GraphQL schema (executed in-process like every GraphQL peer).

Shotline's GraphQL API has no field for the grid's task-status map, so W1/W2
run on Shotline's own schema extended by one root field, ``assetGrid``, over
a ``GridAsset`` type declared with ``loadplan.strawberry`` exactly as
Shotline declares its types (the map is the grid's declared projection,
``TASK_STATUS_BY_TYPE``, built in SQL). W3-W5 use Shotline's schema unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, cast

import orjson
import strawberry
from sqlalchemy import Engine, select
from strawberry import auto
from strawberry.scalars import JSON

import loadplan.strawberry as lp
from bench.impls import auth
from bench.impls.base import (
    AsgiClient,
    Counts,
    Implementation,
    Unsupported,
    count_sqlalchemy,
    graphql_bytes,
)
from bench.workloads import (
    W3_QUERY,
    W4_QUERY,
    W5_QUERY,
    Workload,
    assets_query,
    canonical,
    grid_limit,
    grid_query,
    grid_rows,
)
from loadplan.fastapi import Mode
from shotline import models as m
from shotline.app import create_app
from shotline.db import session_factory
from shotline.graphql import schema as shotline_schema
from shotline.schemas.grid import TASK_STATUS_BY_TYPE
from shotline.settings import Settings


def _settings() -> Settings:
    options: dict[str, Any] = {"server_timing": False, "max_page_size": 1000}
    if "token_touch_seconds" in Settings.__dataclass_fields__:
        options["token_touch_seconds"] = 10**9
    return Settings(**options)


SETTINGS = _settings()
"""Shotline's defaults, but without the optional Server-Timing header, with
pages up to 1,000 rows (the W1 chart goes that far), and without refreshing
the token's ``last_used_at`` (an occasional UPDATE) during the run."""


@lp.type(m.Asset, name="GridAsset")
class GridAsset:
    id: auto
    project_id: auto
    name: auto
    description: auto
    asset_type: auto
    created_at: dt.datetime
    updated_at: dt.datetime
    task_status_map: JSON = lp.field(field_name="task_status_by_type", annotate=TASK_STATUS_BY_TYPE)
    tasks: auto


@strawberry.type
class Query(shotline_schema.Query):
    @strawberry.field
    def asset_grid(self, project_id: strawberry.ID, limit: int | None = None) -> list[GridAsset]:
        """A project's assets by name: the statement is planned by the optimizer
        like Shotline's own ``project(id)`` root field."""
        stmt = (
            select(m.Asset)
            .where(m.Asset.project_id == int(project_id))
            .order_by(m.Asset.name, m.Asset.id)
        )
        return cast(list[GridAsset], stmt if limit is None else stmt.limit(limit))


GRID_QUERY = """
query Grid {
  assetGrid(projectId: "$project"$limit) {
    id name description assetType { name } createdAt updatedAt taskStatusMap
    tasks { id taskType { name } taskStatus { shortName } assignees { id fullName } updatedAt }
  }
}
"""


def graphql_grid_rows(assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``assetGrid`` rows (shared by the GraphQL peers asked the same query) as REST rows."""
    return grid_rows(
        [
            {
                "id": int(a["id"]),
                "name": a["name"],
                "description": a["description"],
                "asset_type": a["assetType"]["name"],
                "created_at": a["createdAt"],
                "updated_at": a["updatedAt"],
                "task_status": a["taskStatusMap"],
                "task_details": [
                    {
                        "id": int(t["id"]),
                        "task_type": t["taskType"]["name"],
                        "task_status": t["taskStatus"]["shortName"],
                        "assignees": [
                            {"id": int(p["id"]), "full_name": p["fullName"]} for p in t["assignees"]
                        ],
                        "updated_at": t["updatedAt"],
                    }
                    for t in a["tasks"]
                ],
            }
            for a in assets
        ]
    )


def make_schema(settings: Settings = SETTINGS) -> strawberry.Schema:
    """Shotline's schema exactly as ``make_schema`` builds it (its extensions:
    depth and alias limits, error masking, the optimizer; its execution
    context), with ``Query`` swapped for the one with the extra root field
    while it runs, so that whatever ``make_schema`` sets up is kept."""
    original = shotline_schema.Query
    shotline_schema.Query = Query  # type: ignore[misc]
    try:
        return shotline_schema.make_schema(settings)
    finally:
        shotline_schema.Query = original  # type: ignore[misc]


class LoadplanRest(Implementation):
    """Shotline's grid endpoint as it runs: the JSON mode, which the endpoint
    chooses for the grid on SQLite and PostgreSQL."""

    key = "loadplan-rest"
    label = "loadplan: Shotline REST (JSON mode)"
    api = "REST (FastAPI)"
    mode: Mode = "auto"

    def __init__(self, engine: Engine, token: str | None) -> None:
        self.engine = engine
        settings = dataclasses.replace(SETTINGS, loadplan_mode=self.mode)
        self.client = AsgiClient(create_app(engine, settings), token)

    def request(self, workload: Workload) -> Callable[[], bytes]:
        if workload.key not in {"W1", "W2"}:
            raise Unsupported("no REST endpoint for this view in Shotline (a GraphQL view)")
        limit = grid_limit(workload)
        query = "" if limit is None else f"limit={limit}"
        client = self.client
        path = f"/api/projects/{workload.project_id}/assets"
        return lambda: client.get(path, query)

    def normalise(self, workload: Workload, body: bytes) -> Any:
        return grid_rows(orjson.loads(body)["items"])

    def counting(self) -> AbstractContextManager[Counts]:
        return count_sqlalchemy(self.engine)

    def close(self) -> None:
        self.client.close()


class LoadplanGraphql(Implementation):
    key = "loadplan-graphql"
    label = "loadplan: Shotline GraphQL"
    api = "GraphQL (execute_sync)"

    mode: Mode = "auto"

    def __init__(self, engine: Engine, token: str | None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.schema = make_schema(dataclasses.replace(SETTINGS, loadplan_mode=self.mode))
        self.principal = auth.principal(engine, token, SETTINGS)

    def request(self, workload: Workload) -> Callable[[], bytes]:
        if workload.key in {"W1", "W2"}:
            query = grid_query(GRID_QUERY, workload)
        elif workload.key == "W3":
            query = assets_query(W3_QUERY, workload)
        else:
            query = {"W4": W4_QUERY, "W5": W5_QUERY}[workload.key]
        schema, sessions, principal = self.schema, self.sessions, self.principal

        def run() -> bytes:
            with sessions() as session:
                context = {"session": session, "principal": principal}
                return graphql_bytes(schema.execute_sync(query, context_value=context))

        return run

    def normalise(self, workload: Workload, body: bytes) -> Any:
        data = orjson.loads(body)["data"]
        if workload.key in {"W1", "W2"}:
            return graphql_grid_rows(data["assetGrid"])
        return canonical(data)

    def counting(self) -> AbstractContextManager[Counts]:
        return count_sqlalchemy(self.engine)


class LoadplanRestRows(LoadplanRest):
    """The same endpoint with loadplan's row mode forced: what the JSON mode
    (which the endpoint chooses by itself for the grid) saves."""

    key = "loadplan-rest-rows"
    label = "loadplan: Shotline REST, row mode"
    mode = "rows"


class LoadplanRestOrm(LoadplanRest):
    """The same endpoint with loadplan's ORM mode forced: what the row mode saves."""

    key = "loadplan-rest-orm"
    label = "loadplan: Shotline REST, ORM mode"
    mode = "orm"


class LoadplanGraphqlOrm(LoadplanGraphql):
    """The same schema with loadplan's ORM mode forced: what the fast path saves."""

    key = "loadplan-graphql-orm"
    label = "loadplan: Shotline GraphQL, ORM mode"
    mode = "orm"
