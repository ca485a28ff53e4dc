"""Tasks: creation for many entities at once, reads, edits, soft deletion and
restoration, and assignments."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from shotline.app import create_app
from shotline.models import Asset, Entity, Task, task_assignee
from shotline.settings import MODE_HEADER, Settings
from shotline.sqltypes import utcnow
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    iso,
    load,
    scalars,
    task_body,
)
from tests.shotline.signin import AUTH


def _assets(engine: Engine, prod: Production, count: int) -> list[int]:
    with Session(engine) as session:
        assets = [
            Asset(project_id=prod.project, name=f"Crate {i:02}", asset_type_id=prod.prop)
            for i in range(count)
        ]
        session.add_all(assets)
        session.commit()
        return [asset.id for asset in assets]


def _task_of(engine: Engine, entity: int, task_type: int) -> list[int]:
    return ids(engine, Task, Task.entity_id == entity, Task.task_type_id == task_type)


# -- Creation -----------------------------------------------------------------------


def test_create_tasks_for_the_entities_missing_one(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """The keeper has a modeling task already and keeps it; the new assets get
    theirs, with the project's first status, in the order of their ids."""
    crates = _assets(crud_engine, prod, 2)
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/tasks",
        {"task_type_id": prod.modeling, "entity_ids": [crates[1], prod.keeper, crates[0]]},
    )
    assert created.status == 201
    new = [_task_of(crud_engine, crate, prod.modeling)[0] for crate in crates]
    assert created.json() == [task_body(crud_engine, i) for i in sorted(new)]
    first = created.json()[0]
    assert first | {"id": 0, "entity": {}, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "project_id": prod.project,
        "entity": {},
        "task_type_id": prod.modeling,
        "task_status_id": prod.todo,
        "priority": 0,
        "estimate": None,
        "start_date": None,
        "due_date": None,
        "created_at": "",
        "updated_at": "",
        "assignees": [],
    }
    assert first["created_at"] == first["updated_at"]
    # The keeper keeps its task, untouched.
    assert _task_of(crud_engine, prod.keeper, prod.modeling) == [prod.keeper_modeling]
    assert load(crud_engine, Task, prod.keeper_modeling).task_status_id == prod.wip
    # checks, task type and default status, entities, existing tasks, INSERT,
    # the new tasks' ids, INSERT their events, read back (tasks with their
    # entities joined, assignees)
    assert created.log.count == AUTH + 9


def test_creating_tasks_costs_the_same_for_1_or_30_entities(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    crates = _assets(crud_engine, prod, 31)
    counts = []
    for entity_ids in ([crates[0]], crates[1:]):
        created = call(
            client,
            crud_engine,
            "POST",
            f"/api/projects/{prod.project}/tasks",
            {
                "task_type_id": prod.rigging,
                "entity_ids": entity_ids,
                "task_status_id": prod.wip,
            },
        )
        assert [t["entity"]["id"] for t in created.json()] == entity_ids
        assert {t["task_status_id"] for t in created.json()} == {prod.wip}
        counts.append(created.log.count)
    assert counts == [AUTH + 9, AUTH + 9]
    assert len(ids(crud_engine, Task, Task.task_type_id == prod.rigging)) == 31


def test_nothing_to_create(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    answer = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/tasks",
        {"task_type_id": prod.animation, "entity_ids": [prod.shot]},
    )
    assert (answer.status, answer.json()) == (201, [])
    assert _task_of(crud_engine, prod.shot, prod.animation) == [prod.shot_animation]
    assert answer.log.count == AUTH + 4


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"task_type_id": "{modeling}", "entity_ids": ["{shot}", "{episode}", "{lantern}"]}, 400,
         ("entity_ids", "task type {modeling} is for assets: entity {shot} is a shot, "
                        "entity {episode} is an episode")),
        ({"task_type_id": "{animation}", "entity_ids": ["{shot2}", "{sequence}"]}, 400,
         ("entity_ids", "task type {animation} is for shots: entity {sequence} is a sequence")),
        ({"task_type_id": "{modeling}", "entity_ids": ["{lantern}", "{other_asset}"]}, 400,
         ("entity_ids", "not in project {project}: entity {other_asset}")),
        ({"task_type_id": "{modeling}", "entity_ids": ["{missing}", "{keeper}"]}, 404,
         "entity {missing} not found"),
        ({"task_type_id": "{lighting}", "entity_ids": ["{shot2}"]}, 400,
         ("task_type_id", "task type {lighting} is not enabled for project {project}")),
        ({"task_type_id": "{missing}", "entity_ids": ["{shot2}"]}, 404,
         "task type {missing} not found"),
        ({"task_type_id": "{animation}", "entity_ids": ["{shot2}"], "task_status_id": "{retake}"},
         400, ("task_status_id", "task status {retake} is not enabled for project {project}")),
        ({"task_type_id": "{animation}", "entity_ids": ["{shot2}"], "task_status_id": "{missing}"},
         404, "task status {missing} not found"),
        ({"task_type_id": "{animation}", "entity_ids": ["{shot2}", "{shot2}"]}, 422,
         (("body", "entity_ids"), "value_error")),
        ({"task_type_id": "{animation}", "entity_ids": []}, 422,
         (("body", "entity_ids"), "too_short")),
        ({"task_type_id": "{animation}", "entity_ids": "{shot2}"}, 422,
         (("body", "entity_ids"), "list_type")),
        ({"entity_ids": ["{shot2}"]}, 422, (("body", "task_type_id"), "missing")),
    ],
)  # fmt: skip
def test_create_tasks_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    body: dict[str, Any],
    status: int,
    expected: Expected,
) -> None:
    request_ = ("POST", "/api/projects/{project}/tasks", body)
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_create_tasks_bad_input_of_the_project(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    body = {"task_type_id": "{modeling}", "entity_ids": ["{other_asset}"]}
    request_ = ("POST", "/api/projects/{missing}/tasks", body)
    assert_refused(client, crud_engine, prod, request_, 404, "project {missing} not found")
    # A project without statuses cannot give new tasks one.
    client.put(
        f"/api/projects/{prod.other_project}/settings/task-types",
        json={"task_type_ids": [prod.modeling]},
    )
    request_ = ("POST", "/api/projects/{other_project}/tasks", body)
    assert_refused(
        client,
        crud_engine,
        prod,
        request_,
        400,
        ("task_status_id", "project {other_project} has no task statuses: enable some first"),
    )


def test_a_deleted_task_holds_its_entity_and_type(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.delete(f"/api/tasks/{prod.shot_animation}")
    assert_refused(
        client,
        crud_engine,
        prod,
        (
            "POST",
            "/api/projects/{project}/tasks",
            {"task_type_id": "{animation}", "entity_ids": ["{shot2}", "{shot}"]},
        ),
        409,
        "deleted tasks of task type {animation} exist: restore them: "
        "task {shot_animation} (entity {shot})",
    )


# -- Reads and edits ----------------------------------------------------------------


def test_get_task(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    got = call(client, crud_engine, "GET", f"/api/tasks/{prod.lantern_modeling}")
    stored = load(crud_engine, Task, prod.lantern_modeling)
    assert got.json() == {
        "id": prod.lantern_modeling,
        "project_id": prod.project,
        "entity": {"id": prod.lantern, "kind": "asset", "name": "Brass Lantern"},
        "task_type_id": prod.modeling,
        "task_status_id": prod.todo,
        "priority": 0,
        "estimate": None,
        "start_date": None,
        "due_date": None,
        "created_at": iso(stored.created_at),
        "updated_at": iso(stored.updated_at),
        "assignees": [{"id": prod.mira, "first_name": "Mira", "last_name": "Okafor"}],
    }
    # the task (its entity joined, under the entity rule), its assignees
    assert got.log.count == AUTH + 2


def test_list_tasks(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    listed = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/tasks")
    assert listed.json() == {
        "items": [
            task_body(crud_engine, t)
            for t in (prod.lantern_modeling, prod.keeper_modeling, prod.shot_animation)
        ],
        "next_cursor": None,
    }
    # the tasks (entities joined), their assignees: rows need no project check
    assert listed.log.count == AUTH + 2

    by_type = client.get(
        f"/api/projects/{prod.project}/tasks?task_type={prod.modeling}&fields=id&limit=1"
    ).json()
    assert by_type["items"] == [{"id": prod.lantern_modeling}]
    after = client.get(
        f"/api/projects/{prod.project}/tasks?task_type={prod.modeling}&fields=id&limit=1"
        f"&cursor={by_type['next_cursor']}"
    ).json()
    assert after == {"items": [{"id": prod.keeper_modeling}], "next_cursor": None}
    filtered = client.get(
        f"/api/projects/{prod.project}/tasks?task_status={prod.todo}&entity={prod.shot}"
        "&fields=id,entity.name"
    ).json()
    assert filtered["items"] == [{"id": prod.shot_animation, "entity": {"name": "SH0010"}}]
    assert client.get(f"/api/projects/{prod.other_project}/tasks").json() == {
        "items": [],
        "next_cursor": None,
    }


def test_list_pages_follow_the_settings(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    app = create_app(crud_engine, Settings(max_page_size=2))
    signed_in = {name: client.headers[name] for name in ("Authorization", MODE_HEADER)}
    with TestClient(app, headers=signed_in) as small_pages:
        listed = small_pages.get(f"/api/projects/{prod.project}/tasks?fields=id").json()
        assert listed["items"] == [{"id": prod.lantern_modeling}, {"id": prod.keeper_modeling}]
        assert listed["next_cursor"] is not None
        too_big = small_pages.get(f"/api/projects/{prod.project}/tasks?limit=3")
        assert too_big.status_code == 422
        assert too_big.json()["detail"][0]["loc"] == ["query", "limit"]


def test_update_task(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/tasks/{prod.keeper_modeling}",
        {"priority": 2, "estimate": 480, "start_date": "2027-03-01", "due_date": "2027-03-05"},
    )
    assert updated.json() == task_body(crud_engine, prod.keeper_modeling)
    stored = load(crud_engine, Task, prod.keeper_modeling)
    assert (stored.priority, stored.estimate, str(stored.due_date)) == (2, 480, "2027-03-05")
    assert stored.updated_at > stored.created_at
    # fetch, UPDATE, INSERT event, read back (task with its entity, assignees)
    assert updated.log.count == AUTH + 5
    cleared = client.patch(f"/api/tasks/{prod.keeper_modeling}", json={"estimate": None})
    assert cleared.json()["estimate"] is None
    assert cleared.json()["priority"] == 2


def test_delete_and_restore_a_task(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    deleted = call(client, crud_engine, "DELETE", f"/api/tasks/{prod.keeper_modeling}")
    assert deleted.status == 204
    assert load(crud_engine, Task, prod.keeper_modeling).deleted_at is not None
    # fetch, UPDATE, INSERT event
    assert deleted.log.count == AUTH + 3
    assert client.get(f"/api/tasks/{prod.keeper_modeling}").status_code == 404

    restored = call(client, crud_engine, "POST", f"/api/tasks/{prod.keeper_modeling}/restore")
    assert restored.status == 200
    assert restored.json() == task_body(crud_engine, prod.keeper_modeling)
    assert restored.json()["task_status_id"] == prod.wip
    assert load(crud_engine, Task, prod.keeper_modeling).deleted_at is None
    # lock its entity, fetch with the checks, UPDATE, INSERT event, read
    # back (task with its entity, assignees)
    assert restored.log.count == AUTH + 6
    # Restoring a live task changes nothing.
    again = call(client, crud_engine, "POST", f"/api/tasks/{prod.keeper_modeling}/restore")
    assert again.json() == restored.json()


def test_a_live_task_of_a_deleted_entity_is_hidden(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """A deletion that did not cascade (made before deletions did, or by
    hand) leaves a live task under a deleted entity: it is listed and read as
    the entity is, nowhere, instead of answering a task without its entity."""
    listed = client.get(f"/api/projects/{prod.project}/tasks").json()["items"]
    assert prod.keeper_modeling in [task["id"] for task in listed]
    with Session(crud_engine) as session:
        session.execute(
            update(Entity).where(Entity.id == prod.keeper).values(deleted_at=utcnow()),
            execution_options={"include_deleted": True},
        )
        session.commit()
    assert load(crud_engine, Task, prod.keeper_modeling).deleted_at is None

    answer = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/tasks")
    assert answer.status == 200
    assert [task["id"] for task in answer.json()["items"]] == [
        task["id"] for task in listed if task["entity"]["id"] != prod.keeper
    ]
    gone = client.get(f"/api/tasks/{prod.keeper_modeling}")
    assert (gone.status_code, gone.json()) == (
        404,
        refusal("not_found", f"task {prod.keeper_modeling} not found"),
    )


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("GET", "/api/tasks/{missing}", None), 404, "task {missing} not found"),
        (("GET", "/api/projects/{missing}/tasks", None), 404, "project {missing} not found"),
        (("GET", "/api/projects/{project}/tasks?entity=0", None), 422,
         (("query", "entity", 0), "greater_than_equal")),
        (("GET", "/api/projects/{project}/tasks?cursor=bm9wZQ", None), 400,
         ("cursor", "invalid cursor")),
        (("PATCH", "/api/tasks/{missing}", {"priority": 1}), 404, "task {missing} not found"),
        (("PATCH", "/api/tasks/{lantern_modeling}", {"priority": -1}), 422,
         (("body", "priority"), "greater_than_equal")),
        (("PATCH", "/api/tasks/{lantern_modeling}", {"priority": None}), 422,
         (("body", "priority"), "int_type")),
        (("PATCH", "/api/tasks/{lantern_modeling}", {"estimate": 2**31}), 422,
         (("body", "estimate"), "less_than_equal")),
        (("PATCH", "/api/tasks/{lantern_modeling}", {"task_status_id": "{done}"}), 422,
         (("body", "task_status_id"), "extra_forbidden")),
        (("DELETE", "/api/tasks/{missing}", None), 404, "task {missing} not found"),
        (("POST", "/api/tasks/{missing}/restore", None), 404, "task {missing} not found"),
    ],
)  # fmt: skip
def test_task_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_restore_refused_while_the_task_would_break_the_rules(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """Each rule is checked in turn: entity, then task type, then status."""
    for task in (prod.keeper_modeling, prod.lantern_modeling):
        client.delete(f"/api/tasks/{task}")
    client.put(
        f"/api/projects/{prod.project}/settings/task-statuses",
        json={"task_status_ids": [prod.todo, prod.done]},
    )
    request_ = ("POST", "/api/tasks/{keeper_modeling}/restore", None)
    assert_refused(
        client,
        crud_engine,
        prod,
        request_,
        409,
        "the status of task {keeper_modeling} is no longer enabled for its project",
    )
    disabled = client.put(
        f"/api/projects/{prod.project}/settings/task-types",
        json={"task_type_ids": [prod.animation]},
    )
    assert disabled.status_code == 200
    assert_refused(
        client,
        crud_engine,
        prod,
        request_,
        409,
        "the task type of task {keeper_modeling} is no longer enabled for its project",
    )
    client.delete(f"/api/assets/{prod.keeper}")
    assert_refused(
        client, crud_engine, prod, request_, 409, "the entity of task {keeper_modeling} is deleted"
    )


# -- Assignments --------------------------------------------------------------------


def _assignees(engine: Engine, task: int) -> list[int]:
    return scalars(
        engine,
        select(task_assignee.c.person_id)
        .where(task_assignee.c.task_id == task)
        .order_by(task_assignee.c.person_id),
    )


def test_replace_assignees(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    answer = call(
        client,
        crud_engine,
        "PUT",
        f"/api/tasks/{prod.lantern_modeling}/assignees",
        {"person_ids": [prod.theo]},
    )
    assert answer.status == 200
    assert answer.json() == task_body(crud_engine, prod.lantern_modeling)
    assert answer.json()["assignees"] == [
        {"id": prod.theo, "first_name": "Theo", "last_name": "Lind"}
    ]
    assert _assignees(crud_engine, prod.lantern_modeling) == [prod.theo]
    # task, people, current assignees, DELETE, INSERT, INSERT the events and
    # the people they are addressed to, read back (task with its entity,
    # assignees)
    assert answer.log.count == AUTH + 9
    emptied = client.put(f"/api/tasks/{prod.lantern_modeling}/assignees", json={"person_ids": []})
    assert emptied.json()["assignees"] == []
    assert _assignees(crud_engine, prod.lantern_modeling) == []


def test_add_and_remove_assignees(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    added = call(
        client,
        crud_engine,
        "POST",
        f"/api/tasks/{prod.lantern_modeling}/assignees",
        {"person_ids": [prod.theo, prod.mira]},
    )
    assert added.json() == task_body(crud_engine, prod.lantern_modeling)
    assert [a["id"] for a in added.json()["assignees"]] == [prod.mira, prod.theo]
    assert _assignees(crud_engine, prod.lantern_modeling) == [prod.mira, prod.theo]
    # task, people, current assignees, INSERT (Theo only), INSERT the event
    # and its addressee, read back (2)
    assert added.log.count == AUTH + 8

    removed = call(
        client, crud_engine, "DELETE", f"/api/tasks/{prod.lantern_modeling}/assignees/{prod.mira}"
    )
    assert (removed.status, removed.response.content) == (204, b"")
    assert _assignees(crud_engine, prod.lantern_modeling) == [prod.theo]
    # fetch with the checks, DELETE, INSERT the event and its addressee
    assert removed.log.count == AUTH + 4


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("PUT", "/api/tasks/{lantern_modeling}/assignees", {"person_ids": ["{ina}", "{theo}"]}),
         400, ("person_ids", "cannot assign inactive person {ina}")),
        (("POST", "/api/tasks/{lantern_modeling}/assignees",
          {"person_ids": ["{missing}", "{theo}", 1999999999]}), 404,
         "people {missing}, 1999999999 not found"),
        (("PUT", "/api/tasks/{missing}/assignees", {"person_ids": ["{theo}"]}), 404,
         "task {missing} not found"),
        (("PUT", "/api/tasks/{lantern_modeling}/assignees", {"person_ids": ["{theo}", "{theo}"]}),
         422, (("body", "person_ids"), "value_error")),
        (("PUT", "/api/tasks/{lantern_modeling}/assignees", {}), 422,
         (("body", "person_ids"), "missing")),
        (("DELETE", "/api/tasks/{lantern_modeling}/assignees/{theo}", None), 404,
         "assignee {theo} not found"),
        (("DELETE", "/api/tasks/{missing}/assignees/{mira}", None), 404, "task {missing} not found"),
        (("DELETE", "/api/tasks/{lantern_modeling}/assignees/0", None), 422,
         (("path", "person_id"), "greater_than_equal")),
    ],
)  # fmt: skip
def test_assignment_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_a_deleted_task_cannot_be_assigned(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.delete(f"/api/tasks/{prod.keeper_modeling}")
    request_ = ("POST", "/api/tasks/{keeper_modeling}/assignees", {"person_ids": ["{theo}"]})
    assert_refused(client, crud_engine, prod, request_, 404, "task {keeper_modeling} not found")
