"""Task types, task statuses and asset types: CRUD and the rules that keep
what tasks, comments and assets refer to."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select, update

from shotline.models import (
    AssetType,
    Comment,
    ProjectTaskStatus,
    ProjectTaskType,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.sqltypes import utcnow
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    load,
    scalars,
)
from tests.shotline.signin import AUTH

# -- Task types ---------------------------------------------------------------------


def test_create_task_type(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        "/api/task-types",
        {
            "name": "Texturing",
            "short_name": "tex",
            "for_entity": "asset",
            "department_id": prod.department,
        },
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {
        "id": new,
        "name": "Texturing",
        "short_name": "tex",
        "for_entity": "asset",
        "color": "#999999",
        "department_id": prod.department,
    }
    stored = load(crud_engine, TaskType, new)
    assert (stored.name, stored.for_entity, stored.department_id) == (
        "Texturing",
        "asset",
        prod.department,
    )
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4


def test_list_get_update_task_types(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    listed = call(client, crud_engine, "GET", "/api/task-types?fields=name,for_entity")
    assert listed.json() == {
        "items": [
            {"name": "Modeling", "for_entity": "asset"},
            {"name": "Rigging", "for_entity": "asset"},
            {"name": "Animation", "for_entity": "shot"},
            {"name": "Lighting", "for_entity": "shot"},
        ]
    }
    assert listed.log.count == AUTH + 1
    got = call(client, crud_engine, "GET", f"/api/task-types/{prod.lighting}")
    assert got.json() == {
        "id": prod.lighting,
        "name": "Lighting",
        "short_name": "lgt",
        "for_entity": "shot",
        "color": "#999999",
        "department_id": None,
    }
    # Lighting has no tasks: its kind may change.
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/task-types/{prod.lighting}",
        {"for_entity": "asset", "color": "#FFCC00", "department_id": prod.department},
    )
    assert updated.json() == {
        **got.json(),
        "for_entity": "asset",
        "color": "#FFCC00",
        "department_id": prod.department,
    }
    assert load(crud_engine, TaskType, prod.lighting).for_entity == "asset"
    # fetch with the department and kind checks, UPDATE, INSERT event, read back
    assert updated.log.count == AUTH + 4


def test_delete_task_type_leaves_project_settings(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    deleted = call(client, crud_engine, "DELETE", f"/api/task-types/{prod.rigging}")
    assert deleted.status == 204
    assert prod.rigging not in ids(crud_engine, TaskType)
    assert scalars(
        crud_engine, select(ProjectTaskType.task_type_id).order_by(ProjectTaskType.position)
    ) == [prod.modeling, prod.animation]
    # checks, DELETE, INSERT event
    assert deleted.log.count == AUTH + 3


def _delete_task(engine: Engine, task_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(Task).where(Task.id == task_id).values(deleted_at=utcnow()))


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/task-types", {"name": "MODELING", "short_name": "m", "for_entity": "asset"}),
         409, "task type name 'MODELING' is already taken"),
        (("POST", "/api/task-types", {"name": "Paint", "short_name": "p", "for_entity": "asset",
                                      "department_id": "{missing}"}),
         404, "department {missing} not found"),
        (("POST", "/api/task-types", {"name": "Paint", "short_name": "p", "for_entity": "episode"}),
         422, (("body", "for_entity"), "enum")),
        (("POST", "/api/task-types", {"name": "Paint", "short_name": "x" * 21, "for_entity": "shot"}),
         422, (("body", "short_name"), "string_too_long")),
        (("PATCH", "/api/task-types/{animation}", {"name": "Rigging"}), 409,
         "task type name 'Rigging' is already taken"),
        (("PATCH", "/api/task-types/{modeling}", {"for_entity": "shot"}), 409,
         "task type {modeling} has tasks: its for_entity cannot change"),
        (("PATCH", "/api/task-types/{missing}", {"color": "#000000"}), 404,
         "task type {missing} not found"),
        (("GET", "/api/task-types/{missing}", None), 404, "task type {missing} not found"),
        (("DELETE", "/api/task-types/{missing}", None), 404, "task type {missing} not found"),
        (("DELETE", "/api/task-types/{modeling}", None), 409, "task type {modeling} has tasks"),
        # Only a deleted task uses Animation: it keeps its type all the same.
        (("DELETE", "/api/task-types/{animation}", None), 409, "task type {animation} has tasks"),
        (("PATCH", "/api/task-types/{animation}", {"for_entity": "asset"}), 409,
         "task type {animation} has tasks: its for_entity cannot change"),
    ],
)  # fmt: skip
def test_task_type_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    _delete_task(crud_engine, prod.shot_animation)
    assert_refused(client, crud_engine, prod, request_, status, expected)


# -- Task statuses ------------------------------------------------------------------


def test_task_status_crud(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        "/api/task-statuses",
        {
            "name": "Waiting for approval",
            "short_name": "wfa",
            "color": "#AA00FF",
            "is_client_allowed": True,
        },
    )
    assert created.status == 201
    new = created.json()["id"]
    body = {
        "id": new,
        "name": "Waiting for approval",
        "short_name": "wfa",
        "color": "#AA00FF",
        "is_done": False,
        "is_wip": False,
        "is_retake": False,
        "is_artist_allowed": True,
        "is_client_allowed": True,
    }
    assert created.json() == body
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4
    assert call(client, crud_engine, "GET", f"/api/task-statuses/{new}").json() == body
    listed = client.get("/api/task-statuses?fields=short_name").json()
    assert listed == {"items": [{"short_name": s} for s in ("todo", "wip", "done", "rtk", "wfa")]}
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/task-statuses/{new}",
        {"short_name": "appr", "is_artist_allowed": False},
    )
    assert updated.json() == {**body, "short_name": "appr", "is_artist_allowed": False}
    stored = load(crud_engine, TaskStatus, new)
    assert (stored.short_name, stored.is_artist_allowed, stored.is_client_allowed) == (
        "appr",
        False,
        True,
    )
    deleted = call(client, crud_engine, "DELETE", f"/api/task-statuses/{new}")
    assert deleted.status == 204
    assert new not in ids(crud_engine, TaskStatus)


def test_delete_task_status_leaves_project_settings(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    assert client.delete(f"/api/task-statuses/{prod.done}").status_code == 204
    assert scalars(
        crud_engine,
        select(ProjectTaskStatus.task_status_id).order_by(ProjectTaskStatus.position),
    ) == [prod.todo, prod.wip]


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/task-statuses", {"name": "todo", "short_name": "t2"}), 409,
         "task status name 'todo' is already taken"),
        (("POST", "/api/task-statuses", {"name": "Todo again", "short_name": "WIP"}), 409,
         "task status short_name 'WIP' is already taken"),
        (("POST", "/api/task-statuses", {"name": "Odd", "short_name": "odd", "is_done": "maybe"}),
         422, (("body", "is_done"), "bool_parsing")),
        (("PATCH", "/api/task-statuses/{wip}", {"short_name": "done"}), 409,
         "task status short_name 'done' is already taken"),
        (("PATCH", "/api/task-statuses/{missing}", {}), 404, "task status {missing} not found"),
        (("GET", "/api/task-statuses/{missing}", None), 404, "task status {missing} not found"),
        (("DELETE", "/api/task-statuses/{missing}", None), 404, "task status {missing} not found"),
        (("DELETE", "/api/task-statuses/{todo}", None), 409,
         "task status {todo} is used by tasks or comments"),
        # Only a comment (that set it) uses Retake.
        (("DELETE", "/api/task-statuses/{retake}", None), 409,
         "task status {retake} is used by tasks or comments"),
    ],
)  # fmt: skip
def test_task_status_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    with crud_engine.begin() as connection:
        connection.execute(
            insert(Comment).values(
                task_id=prod.lantern_modeling,
                person_id=prod.theo,
                text="Back to you",
                task_status_id=prod.retake,
            )
        )
    assert_refused(client, crud_engine, prod, request_, status, expected)


# -- Asset types --------------------------------------------------------------------


def test_asset_type_crud(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(client, crud_engine, "POST", "/api/asset-types", {"name": "Set"})
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {"id": new, "name": "Set"}
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4
    assert client.get("/api/asset-types").json() == {
        "items": [
            {"id": prod.prop, "name": "Prop"},
            {"id": prod.character, "name": "Character"},
            {"id": new, "name": "Set"},
        ]
    }
    assert client.get(f"/api/asset-types/{new}").json() == {"id": new, "name": "Set"}
    renamed = call(client, crud_engine, "PATCH", f"/api/asset-types/{new}", {"name": "Environment"})
    assert renamed.json() == {"id": new, "name": "Environment"}
    assert load(crud_engine, AssetType, new).name == "Environment"
    deleted = call(client, crud_engine, "DELETE", f"/api/asset-types/{new}")
    assert deleted.status == 204
    assert ids(crud_engine, AssetType) == [prod.prop, prod.character]


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/asset-types", {"name": "prop"}), 409,
         "asset type name 'prop' is already taken"),
        (("POST", "/api/asset-types", {}), 422, (("body", "name"), "missing")),
        (("POST", "/api/asset-types", ["Prop"]), 422, (("body",), "model_attributes_type")),
        (("PATCH", "/api/asset-types/{character}", {"name": "Prop"}), 409,
         "asset type name 'Prop' is already taken"),
        (("PATCH", "/api/asset-types/{missing}", {"name": "X"}), 404,
         "asset type {missing} not found"),
        (("GET", "/api/asset-types/{missing}", None), 404, "asset type {missing} not found"),
        (("DELETE", "/api/asset-types/{missing}", None), 404, "asset type {missing} not found"),
        (("DELETE", "/api/asset-types/{prop}", None), 409, "asset type {prop} has assets"),
    ],
)  # fmt: skip
def test_asset_type_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)
