"""A project's task list as CSV, with the task lists' filters."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.refusals import refusal
from tests.shotline.crud.support import Production, call
from tests.shotline.signin import AUTH

HEADER = (
    "entity_kind,entity,task_type,task_status,assignees,start_date,due_date,estimate,priority\r\n"
)
LANTERN = "asset,Brass Lantern,Modeling,todo,Mira Okafor,,,,0\r\n"
KEEPER = "asset,Keeper,Modeling,wip,,,,,0\r\n"
SHOT = "shot,SH0010,Animation,todo,,,,,0\r\n"


def test_export_the_task_list(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/tasks.csv"
    exported = call(client, crud_engine, "GET", url)
    assert exported.status == 200
    assert exported.response.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.response.text == HEADER + LANTERN + KEEPER + SHOT
    # the project, the tasks (entity, type and status joined), their assignees
    assert exported.log.count == AUTH + 3
    # The task lists' filters, a task status named costing one statement.
    todo = call(client, crud_engine, "GET", f"{url}?task_status=todo&assignee={prod.mira}")
    assert todo.response.text == HEADER + LANTERN
    assert todo.log.count == AUTH + 4
    assert client.get(f"{url}?task_type=Animation").text == HEADER + SHOT
    assert client.get(f"{url}?bom=true").content.startswith(b"\xef\xbb\xbfentity_kind,")


def test_refusals(client: TestClient, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/tasks.csv"
    unknown = client.get(f"{url}?task_status=wipp")
    assert (unknown.status_code, unknown.json()) == (
        400,
        refusal("invalid", "unknown task status 'wipp'", ["task_status"]),
    )
    missing = client.get("/api/projects/2000000000/tasks.csv")
    assert (missing.status_code, missing.json()) == (
        404,
        refusal("not_found", "project 2000000000 not found"),
    )
