"""A project's task list as CSV, with the task lists' filters, and tasks
created or updated from CSV under the task endpoints' rules."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from shotline.services import csv_export
from tests.refusals import refusal
from tests.shotline.crud.csv_support import meanwhile
from tests.shotline.crud.support import Production, call, import_csv, snapshot
from tests.shotline.signin import AUTH

HEADER = (
    "entity_kind,episode,sequence,entity,task_type,task_status,assignees,start_date,due_date,"
    "estimate,priority\r\n"
)
LANTERN = "asset,,,Brass Lantern,Modeling,todo,mira@studio.example,,,,0\r\n"
KEEPER = "asset,,,Keeper,Modeling,wip,,,,,0\r\n"
SHOT = "shot,E01,SQ010,SH0010,Animation,todo,,,,,0\r\n"


def test_export_the_task_list(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/tasks.csv"
    exported = call(client, crud_engine, "GET", url)
    assert exported.status == 200
    assert exported.response.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.response.text == HEADER + LANTERN + KEEPER + SHOT
    # the project, the tasks (entity, sequence, episode, type and status joined), their assignees
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


def test_an_export_imports_back_as_no_change(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    text = client.get(f"/api/projects/{prod.project}/tasks.csv").text
    before = snapshot(crud_engine)
    counts = {"rows": 3, "created": 0, "updated": 3}
    assert import_csv(client, prod.project, "tasks", text, dry_run=True) == (
        200,
        {"dry_run": True, **counts},
    )
    assert import_csv(client, prod.project, "tasks", text, dry_run=False) == (
        200,
        {"dry_run": False, **counts},
    )
    assert snapshot(crud_engine) == before


def test_create_and_update_tasks(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    text = (
        b"entity_kind,entity,task_type,task_status,assignees,due_date,estimate,sequence,episode\r\n"
        b"asset,Keeper,Rigging,wip,MIRA@studio.example,2026-03-01,480,,\r\n"
        b"asset,keeper,Modeling,done,theo@studio.example; mira@studio.example,,,,\r\n"
        b"shot,SH0020,Animation,,,,,sq010,e01\r\n"
        b"asset,Brass Lantern,Modeling,,theo@studio.example,,,,\r\n"
    )
    url = f"/api/projects/{prod.project}/tasks.csv"
    before = snapshot(crud_engine)
    dry = call(client, crud_engine, "POST", f"{url}?dry_run=true", text)
    counts = {"rows": 4, "created": 2, "updated": 2}
    assert (dry.status, dry.response.json()) == (200, {"dry_run": True, **counts})
    # the checks, the task types, the statuses, the episodes and sequences, the
    # entities, their tasks, those tasks' assignees, the people
    assert dry.log.count == AUTH + 8
    assert snapshot(crud_engine) == before

    applied = call(client, crud_engine, "POST", url, text)
    assert (applied.status, applied.response.json()) == (200, {"dry_run": False, **counts})
    # 8 to check, then the new tasks (insert, ids, events), the changed ones,
    # the assignees who leave and those who come, the events of the changes
    # and their recipients (the people assigned or unassigned)
    assert applied.log.count == AUTH + 8 + 3 + 1 + 2 + 2
    assert client.get(url).text == (
        HEADER
        + "asset,,,Brass Lantern,Modeling,todo,theo@studio.example,,,,0\r\n"
        + "asset,,,Keeper,Modeling,done,mira@studio.example; theo@studio.example,,,,0\r\n"
        + "asset,,,Keeper,Rigging,wip,mira@studio.example,,2026-03-01,480,0\r\n"
        + SHOT
        + "shot,E01,SQ010,SH0020,Animation,todo,,,,,0\r\n"
    )
    events = client.get(f"/api/projects/{prod.project}/events?limit=20").json()["items"]
    assert sorted(event["kind"] for event in events) == [
        "task.assigned",
        "task.assigned",
        "task.assigned",
        "task.assigned",
        "task.created",
        "task.created",
        "task.status_changed",
        "task.unassigned",
    ]


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "entity_kind,entity,task_type,task_status,assignees,start_date,estimate,sequence,episode\r\n"
            "asset,Nobody,Modeling,,,,,,\r\n"
            "prop,Keeper,Modeling,,,,,,\r\n"
            "asset,Keeper,Animation,,,,,,\r\n"
            "asset,Keeper,Modeling,later,ina@studio.example; x@y.z,2026-13-01,-5,,\r\n"
            "shot,SH0010,Animation,,,,,SQ999,\r\n"
            "shot,SH0010,Animation,,,,,SQ010,E09\r\n"
            "asset,Keeper,Rigging,,,,,,\r\n"
            "asset,KEEPER,2,,,,,,\r\n"
            "asset,Keeper,Lighting,,,,,,\r\n"
            "shot,SH0010,Animation,,,,,,\r\n",
            [
                {"line": 2, "column": "entity", "message": "unknown asset 'Nobody'"},
                {"line": 3, "column": "entity_kind", "message": "must be asset or shot, not 'prop'"},
                {"line": 4, "column": "task_type", "message": "task type 'Animation' is for shots"},
                {"line": 5, "column": "task_status", "message": "unknown task status 'later'"},
                {"line": 5, "column": "start_date",
                 "message": "must be a date (YYYY-MM-DD), not '2026-13-01'"},
                {"line": 5, "column": "estimate",
                 "message": "must be a whole number from 0 to 2147483647, not '-5'"},
                {"line": 5, "column": "assignees",
                 "message": "cannot assign ina@studio.example: is inactive"},
                {"line": 5, "column": "assignees", "message": "unknown person 'x@y.z'"},
                {"line": 6, "column": "sequence", "message": "unknown sequence 'SQ999' of no episode"},
                {"line": 7, "column": "episode", "message": "unknown episode 'E09'"},
                {"line": 9, "column": "task_type",
                 "message": "line 8 has the same entity and task type"},
                {"line": 10, "column": "task_type", "message": "unknown task type 'Lighting'"},
                {"line": 11, "column": "sequence", "message": "a shot's sequence is required"},
            ],
        ),
        (
            "entity,task_type,owner\r\n",
            [
                {"line": 1, "column": "owner",
                 "message": "unknown column 'owner'; the columns are entity_kind, episode, "
                            "sequence, entity, task_type, task_status, assignees, start_date, "
                            "due_date, estimate, priority"},
                {"line": 1, "column": "entity_kind", "message": "column 'entity_kind' is missing"},
            ],
        ),
    ],
)  # fmt: skip
def test_a_file_with_a_refused_line_changes_nothing(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    text: str,
    rows: list[dict[str, object]],
) -> None:
    before = snapshot(crud_engine)
    status, body = import_csv(client, prod.project, "tasks", text, dry_run=False)
    assert (status, body) == (
        400,
        refusal("invalid", f"{len(rows)} errors: nothing was imported", ["csv"], rows=rows),
    )
    assert snapshot(crud_engine) == before


def test_clients_and_vendors_outside_the_team_are_not_assigned(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    for name, role in (("cleo", "client"), ("vic", "vendor"), ("val", "vendor")):
        person = {
            "first_name": name,
            "last_name": "X",
            "email": f"{name}@ext.example",
            "role": role,
        }
        ident = client.post("/api/people", json=person).json()["id"]
        if name == "val":
            client.post(f"/api/projects/{prod.project}/members", json={"person_id": ident})
    text = (
        "entity_kind,entity,task_type,assignees\r\n"
        "asset,Keeper,Modeling,cleo@ext.example; vic@ext.example\r\n"
        "asset,Keeper,Rigging,val@ext.example\r\n"
    )
    before = snapshot(crud_engine)
    rows = [
        {"line": 2, "column": "assignees", "message": "cannot assign cleo@ext.example: is a client"},
        {"line": 2, "column": "assignees",
         "message": f"cannot assign vic@ext.example: is a vendor outside the team of project {prod.project}"},
    ]  # fmt: skip
    assert import_csv(client, prod.project, "tasks", text, dry_run=False) == (
        400,
        refusal("invalid", "2 errors: nothing was imported", ["csv"], rows=rows),
    )
    assert snapshot(crud_engine) == before
    # A vendor on the team is.
    assert import_csv(
        client, prod.project, "tasks", text.replace("cleo@ext.example; vic", "val"), False
    ) == (
        200,
        {"dry_run": False, "rows": 2, "created": 1, "updated": 1},
    )


def test_the_export_is_read_a_page_at_a_time(
    client: TestClient, crud_engine: Engine, prod: Production, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_export, "EXPORT_PAGE", 2)
    exported = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/tasks.csv")
    assert exported.response.text == HEADER + LANTERN + KEEPER + SHOT
    # the project, then per page its tasks and their assignees
    assert exported.log.count == AUTH + 1 + 2 * 2


def test_a_task_created_meanwhile_refuses_the_file(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    other = (
        "INSERT INTO task (project_id, entity_id, task_type_id, task_status_id, priority, "
        "created_at, updated_at) VALUES "
        f"({prod.project}, {prod.keeper}, {prod.rigging}, {prod.todo}, 0, "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    text = "entity_kind,entity,task_type,sequence,episode\r\nshot,SH0020,Animation,SQ010,E01\r\nasset,Keeper,Rigging,,\r\n"
    with meanwhile(crud_engine, "task", other):
        answer = import_csv(client, prod.project, "tasks", text, dry_run=False)
    assert answer == (
        409,
        refusal("conflict", "another change wrote the same rows meanwhile: nothing was imported"),
    )
    exported = client.get(f"/api/projects/{prod.project}/tasks.csv").text
    assert "Keeper,Rigging,todo" in exported
    assert "SH0020" not in exported
