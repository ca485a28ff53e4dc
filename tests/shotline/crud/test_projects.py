"""Projects, and their settings: the ordered task types and statuses they use."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from shotline.models import Project, ProjectTaskStatus, ProjectTaskType
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    iso,
    load,
    scalars,
)
from tests.shotline.signin import AUTH


def project_body(engine: Engine, ident: int) -> dict[str, Any]:
    stored = load(engine, Project, ident)
    return {
        "id": ident,
        "name": stored.name,
        "code": stored.code,
        "status": stored.status.value,
        "fps": stored.fps,
        "start_date": stored.start_date and stored.start_date.isoformat(),
        "end_date": stored.end_date and stored.end_date.isoformat(),
        "created_at": iso(stored.created_at),
    }


def test_create_project(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        "/api/projects",
        {"name": "Tidewater", "code": "TDW", "fps": 29.97, "start_date": "2027-01-04"},
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {
        "id": new,
        "name": "Tidewater",
        "code": "TDW",
        "status": "open",
        "fps": 29.97,
        "start_date": "2027-01-04",
        "end_date": None,
        "created_at": project_body(crud_engine, new)["created_at"],
    }
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4


def test_stored_values_are_answered(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    # NUMERIC(6, 3) keeps three decimals, on every dialect (SQLite too).
    created = client.post("/api/projects", json={"name": "Precise", "code": "PRC", "fps": 23.9761})
    assert created.json()["fps"] == 23.976
    assert load(crud_engine, Project, created.json()["id"]).fps == 23.976


def test_list_get_update_projects(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    listed = call(client, crud_engine, "GET", "/api/projects?fields=code&order=-code")
    assert listed.json() == {"items": [{"code": "OTH"}, {"code": "LHK"}]}
    got = call(client, crud_engine, "GET", f"/api/projects/{prod.project}")
    assert got.json() == project_body(crud_engine, prod.project)
    assert got.json()["fps"] == 23.976
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/projects/{prod.project}",
        {"status": "closed", "start_date": "2026-01-05", "end_date": "2026-12-18"},
    )
    assert updated.json() == project_body(crud_engine, prod.project)
    stored = load(crud_engine, Project, prod.project)
    assert (stored.status, str(stored.start_date), str(stored.end_date), stored.code) == (
        "closed",
        "2026-01-05",
        "2026-12-18",
        "LHK",
    )
    # fetch with the checks, UPDATE, INSERT event, read back
    assert updated.log.count == AUTH + 4


def test_delete_empty_project(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    new = client.post("/api/projects", json={"name": "Pilot", "code": "PLT"}).json()["id"]
    client.put(f"/api/projects/{new}/settings/task-types", json={"task_type_ids": [prod.rigging]})
    deleted = call(client, crud_engine, "DELETE", f"/api/projects/{new}")
    assert deleted.status == 204
    assert ids(crud_engine, Project) == [prod.project, prod.other_project]
    # Its settings went with it.
    assert scalars(crud_engine, select(ProjectTaskType.project_id).distinct()) == [prod.project]
    # checks, its name and team (for the event), DELETE, INSERT event
    assert deleted.log.count == AUTH + 5


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects", {"name": "Again", "code": "lhk"}), 409,
         "project code 'lhk' is already taken"),
        (("POST", "/api/projects", {"name": "Late", "code": "LT", "start_date": "2027-02-01",
                                    "end_date": "2027-01-01"}), 400,
         ("end_date", "must not be before start_date")),
        (("POST", "/api/projects", {"name": "Fast", "code": "F", "fps": 0}), 422,
         (("body", "fps"), "greater_than")),
        (("POST", "/api/projects", {"name": "Fast", "code": "F", "fps": 1000}), 422,
         (("body", "fps"), "less_than_equal")),
        (("POST", "/api/projects", {"name": "Fast", "code": "F", "fps": "NaN"}), 422,
         (("body", "fps"), "finite_number")),
        (("POST", "/api/projects", {"name": "Odd", "code": "O", "start_date": "2027-02-30"}), 422,
         (("body", "start_date"), "date_from_datetime_parsing")),
        (("POST", "/api/projects", {"name": "Odd", "code": "O", "status": "paused"}), 422,
         (("body", "status"), "enum")),
        (("PATCH", "/api/projects/{project}", {"end_date": "2020-01-01", "start_date": "2021-01-01"}),
         400, ("end_date", "must not be before start_date")),
        (("PATCH", "/api/projects/{project}", {"code": "OTH"}), 409,
         "project code 'OTH' is already taken"),
        (("PATCH", "/api/projects/{missing}", {"name": "X"}), 404, "project {missing} not found"),
        (("GET", "/api/projects/{missing}", None), 404, "project {missing} not found"),
        (("DELETE", "/api/projects/{missing}", None), 404, "project {missing} not found"),
        (("DELETE", "/api/projects/{project}", None), 409,
         "project {project} has entities: close it instead"),
    ],
)  # fmt: skip
def test_project_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_patched_dates_are_checked_against_stored_ones(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.patch(f"/api/projects/{prod.project}", json={"start_date": "2026-06-01"})
    assert_refused(
        client,
        crud_engine,
        prod,
        ("PATCH", "/api/projects/{project}", {"end_date": "2026-05-31"}),
        400,
        ("end_date", "must not be before start_date"),
    )


# -- Settings -----------------------------------------------------------------------


def _type(prod: Production, name: str) -> dict[str, Any]:
    task_types = {
        "Modeling": (prod.modeling, "mod", "asset", prod.department),
        "Rigging": (prod.rigging, "rig", "asset", None),
        "Animation": (prod.animation, "anim", "shot", None),
        "Lighting": (prod.lighting, "lgt", "shot", None),
    }
    ident, short_name, for_entity, department = task_types[name]
    return {
        "id": ident,
        "name": name,
        "short_name": short_name,
        "for_entity": for_entity,
        "color": "#999999",
        "department_id": department,
    }


def _status(prod: Production, short_name: str) -> dict[str, Any]:
    statuses = {
        "todo": (prod.todo, "Todo", False, False, False),
        "wip": (prod.wip, "Work in progress", False, True, False),
        "done": (prod.done, "Done", True, False, False),
        "rtk": (prod.retake, "Retake", False, False, True),
    }
    ident, name, is_done, is_wip, is_retake = statuses[short_name]
    return {
        "id": ident,
        "name": name,
        "short_name": short_name,
        "color": "#999999",
        "is_done": is_done,
        "is_wip": is_wip,
        "is_retake": is_retake,
        "is_artist_allowed": short_name != "done",
        "is_client_allowed": short_name == "done",
    }


def test_get_settings(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    got = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/settings")
    assert got.json() == {
        "task_types": [_type(prod, n) for n in ("Modeling", "Rigging", "Animation")],
        "task_statuses": [_status(prod, s) for s in ("todo", "wip", "done")],
    }
    # the project, its task types, its statuses
    assert got.log.count == AUTH + 3


def test_reorder_and_extend_task_types(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    order = [prod.animation, prod.lighting, prod.modeling, prod.rigging]
    answer = call(
        client,
        crud_engine,
        "PUT",
        f"/api/projects/{prod.project}/settings/task-types",
        {"task_type_ids": order},
    )
    assert answer.status == 200
    assert answer.json() == {
        "task_types": [_type(prod, n) for n in ("Animation", "Lighting", "Modeling", "Rigging")],
        "task_statuses": [_status(prod, s) for s in ("todo", "wip", "done")],
    }
    assert (
        scalars(
            crud_engine,
            select(ProjectTaskType.task_type_id)
            .where(ProjectTaskType.project_id == prod.project)
            .order_by(ProjectTaskType.position),
        )
        == order
    )
    # checks (project, ids, use by tasks), DELETE, INSERT, INSERT event, read
    # back (3)
    assert answer.log.count == AUTH + 9


def test_replace_task_statuses(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    order = [prod.wip, prod.todo, prod.retake]  # Done is used by no task: it may go
    answer = call(
        client,
        crud_engine,
        "PUT",
        f"/api/projects/{prod.project}/settings/task-statuses",
        {"task_status_ids": order},
    )
    assert answer.json() == {
        "task_types": [_type(prod, n) for n in ("Modeling", "Rigging", "Animation")],
        "task_statuses": [_status(prod, s) for s in ("wip", "todo", "rtk")],
    }
    assert (
        scalars(
            crud_engine,
            select(ProjectTaskStatus.task_status_id)
            .where(ProjectTaskStatus.project_id == prod.project)
            .order_by(ProjectTaskStatus.position),
        )
        == order
    )
    # The other project's (empty) settings are untouched; an empty list is allowed.
    emptied = client.put(
        f"/api/projects/{prod.other_project}/settings/task-statuses",
        json={"task_status_ids": []},
    )
    assert emptied.json() == {"task_types": [], "task_statuses": []}


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("GET", "/api/projects/{missing}/settings", None), 404, "project {missing} not found"),
        (("PUT", "/api/projects/{missing}/settings/task-types", {"task_type_ids": []}), 404,
         "project {missing} not found"),
        (("PUT", "/api/projects/{project}/settings/task-types",
          {"task_type_ids": ["{modeling}", "{missing}"]}), 404, "task type {missing} not found"),
        (("PUT", "/api/projects/{project}/settings/task-types",
          {"task_type_ids": ["{modeling}", "{modeling}"]}), 422,
         (("body", "task_type_ids"), "value_error")),
        (("PUT", "/api/projects/{project}/settings/task-types", {"task_type_ids": ["{rigging}"]}),
         409, "task types {modeling}, {animation} still used by live tasks of project {project}"),
        (("PUT", "/api/projects/{project}/settings/task-types", {}), 422,
         (("body", "task_type_ids"), "missing")),
        (("PUT", "/api/projects/{project}/settings/task-statuses",
          {"task_status_ids": ["{todo}"]}), 409,
         "task status {wip} still used by live tasks of project {project}"),
        (("PUT", "/api/projects/{project}/settings/task-statuses",
          {"task_status_ids": ["{todo}", "{wip}", 0]}), 422,
         (("body", "task_status_ids", 2), "greater_than_equal")),
    ],
)  # fmt: skip
def test_settings_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_a_deleted_task_does_not_keep_its_type_enabled(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.delete(f"/api/tasks/{prod.shot_animation}")
    answer = client.put(
        f"/api/projects/{prod.project}/settings/task-types",
        json={"task_type_ids": [prod.modeling]},
    )
    assert answer.status_code == 200
    assert [t["name"] for t in answer.json()["task_types"]] == ["Modeling"]
