"""Restoring soft-deleted assets, episodes, sequences and shots
(``POST /api/<kind>s/{id}/restore``): the tasks deleted with the entity come
back with it, its events are recorded, and every refusal leaves the database
as it was."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.app import create_app
from shotline.models import Asset, Entity, Event, Role, Task
from shotline.services.entities import soft_delete
from shotline.sqltypes import utcnow
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Production,
    assert_refused,
    call,
    load,
    scalars,
)
from tests.shotline.signin import AUTH


def _events_since(engine: Engine, after: int) -> list[tuple[str, int | None, int | None]]:
    return [
        (kind, entity_id, task_id)
        for kind, entity_id, task_id in _rows(
            engine,
            select(Event.kind, Event.entity_id, Event.task_id)
            .where(Event.id > after)
            .order_by(Event.id),
        )
    ]


def _rows(engine: Engine, stmt: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(stmt).all())


def _last_event(engine: Engine) -> int:
    found = scalars(engine, select(Event.id).order_by(Event.id.desc()).limit(1))
    return int(found[0]) if found else 0


def _live_tasks(engine: Engine, entity: int) -> list[int]:
    return scalars(
        engine,
        select(Task.id)
        .where(Task.entity_id == entity, Task.deleted_at.is_(None))
        .order_by(Task.id),
    )


def test_an_asset_comes_back_with_the_tasks_deleted_with_it(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    # Keeper gets a second task, deleted on its own before the asset: it stays deleted.
    created = client.post(
        f"/api/projects/{prod.project}/tasks",
        json={"task_type_id": prod.rigging, "entity_ids": [prod.keeper]},
    )
    assert created.status_code == 201, created.text
    (rig,) = [t for t in _all_tasks(crud_engine, prod.keeper) if t != prod.keeper_modeling]
    assert client.delete(f"/api/tasks/{rig}").status_code == 204
    assert client.delete(f"/api/assets/{prod.keeper}").status_code == 204
    assert _live_tasks(crud_engine, prod.keeper) == []
    before = _last_event(crud_engine)

    restored = call(client, crud_engine, "POST", f"/api/assets/{prod.keeper}/restore")
    assert restored.status == 200, restored.json()
    # The asset's record, as its other writes answer it.
    assert restored.json() == client.patch(f"/api/assets/{prod.keeper}", json={}).json()
    assert restored.json()["name"] == "Keeper"
    assert load(crud_engine, Entity, prod.keeper).deleted_at is None
    assert _live_tasks(crud_engine, prod.keeper) == [prod.keeper_modeling]
    assert _events_since(crud_engine, before) == [
        ("entity.restored", prod.keeper, None),
        ("task.restored", prod.keeper, prod.keeper_modeling),
    ]
    # the entity with the checks, the tasks deleted with it, UPDATE entity,
    # UPDATE tasks, INSERT events, read back
    assert restored.log.count == AUTH + 6
    # Restoring a live asset changes nothing.
    again = call(client, crud_engine, "POST", f"/api/assets/{prod.keeper}/restore")
    assert again.json() == restored.json()
    assert len(_events_since(crud_engine, before)) == 2


def _all_tasks(engine: Engine, entity: int) -> list[int]:
    return scalars(engine, select(Task.id).where(Task.entity_id == entity).order_by(Task.id))


def test_a_shot_sequence_and_episode_come_back_from_the_top(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    for url in (
        f"/api/shots/{prod.shot}",
        f"/api/shots/{prod.shot2}",
        f"/api/sequences/{prod.sequence}",
        f"/api/episodes/{prod.episode}",
    ):
        assert client.delete(url).status_code == 204, url
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/shots/{shot}/restore", None),
        409,
        "the sequence of shot {shot} is deleted: restore it first",
    )
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/sequences/{sequence}/restore", None),
        409,
        "the episode of sequence {sequence} is deleted: restore it first",
    )
    for url in (
        f"/api/episodes/{prod.episode}/restore",
        f"/api/sequences/{prod.sequence}/restore",
        f"/api/shots/{prod.shot}/restore",
    ):
        answer = client.post(url)
        assert answer.status_code == 200, (url, answer.text)
    assert client.get(f"/api/sequences/{prod.sequence}").json()["episode_id"] == prod.episode
    assert _live_tasks(crud_engine, prod.shot) == [prod.shot_animation]
    assert load(crud_engine, Entity, prod.shot2).deleted_at is not None


def test_a_name_taken_meanwhile_is_a_409_naming_the_holder(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    assert client.delete(f"/api/assets/{prod.lantern}").status_code == 204
    taken = client.post(
        f"/api/projects/{prod.project}/assets",
        json={"name": "BRASS lantern", "asset_type_id": prod.prop},
    )
    assert taken.status_code == 201, taken.text
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/assets/{lantern}/restore", None),
        409,
        "project {project} already has an asset named 'BRASS lantern': asset {holder}",
        holder=taken.json()["id"],
    )


def test_a_task_whose_type_is_no_longer_used_keeps_the_asset_deleted(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    for asset in (prod.keeper, prod.lantern):
        assert client.delete(f"/api/assets/{asset}").status_code == 204
    disabled = client.put(
        f"/api/projects/{prod.project}/settings/task-types",
        json={"task_type_ids": [prod.rigging, prod.animation]},
    )
    assert disabled.status_code == 200, disabled.text
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/assets/{keeper}/restore", None),
        409,
        "the task type or status of tasks {keeper_modeling} of asset {keeper} is no longer "
        "enabled for its project",
    )


@pytest.mark.parametrize("kind", ["assets", "episodes", "sequences", "shots"])
def test_an_unknown_entity_is_a_404(
    client: TestClient, crud_engine: Engine, prod: Production, kind: str
) -> None:
    what = kind.removesuffix("s")
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", f"/api/{kind}/{{missing}}/restore", None),
        404,
        f"{what} {{missing}} not found",
    )


def test_an_entity_of_another_kind_is_a_404(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/shots/{lantern}/restore", None),
        404,
        "shot {lantern} not found",
    )


def test_no_path_leaves_a_live_task_under_a_deleted_entity(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    assert client.delete(f"/api/assets/{prod.keeper}").status_code == 204
    # Its task cannot be restored alone, nor a new one made for it.
    answer = client.post(f"/api/tasks/{prod.keeper_modeling}/restore")
    assert answer.status_code == 409, answer.text
    answer = client.post(
        f"/api/projects/{prod.project}/tasks",
        json={"task_type_id": prod.rigging, "entity_ids": [prod.keeper]},
    )
    assert answer.status_code == 404, answer.text
    orphans = _rows(
        crud_engine,
        select(Task.id)
        .join(Entity, Entity.id == Task.entity_id)
        .where(Task.deleted_at.is_(None), Entity.deleted_at.is_not(None)),
    )
    assert orphans == []


def test_a_task_restore_waits_for_a_deletion_of_its_entity(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    production: Any,
    dialect: str,
) -> None:
    """The restore locks the entity as the deletion does: restoring a task
    while its entity's deletion is not yet committed waits for it, then is
    refused, rather than bring the task back under a deleted entity."""
    if dialect == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time: the second one waits whole")
    assert client.delete(f"/api/tasks/{prod.keeper_modeling}").status_code == 204
    answers: list[Any] = []

    def restore() -> None:
        with TestClient(create_app(crud_engine), headers=production[2]) as other:
            answers.append(other.post(f"/api/tasks/{prod.keeper_modeling}/restore"))

    restoring = threading.Thread(target=restore)
    with Session(crud_engine) as deleting:
        soft_delete(deleting, Principal(prod.admin, Role.ADMIN), Asset, prod.keeper, "asset")
        restoring.start()
        restoring.join(2)
        assert restoring.is_alive(), "the restore did not wait for the deletion"
        deleting.commit()
    restoring.join(30)
    assert (answers[0].status_code, answers[0].json()) == (
        409,
        refusal("conflict", f"the entity of task {prod.keeper_modeling} is deleted"),
    )
    assert _live_tasks(crud_engine, prod.keeper) == []


def test_the_task_lists_leave_out_a_live_task_of_a_deleted_entity(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """Should a task be left live under a deleted entity (a deletion made
    outside the API), the lists hide it with its entity, as GraphQL does."""
    with crud_engine.begin() as connection:
        connection.execute(
            update(Entity)
            .where(Entity.id == prod.keeper)
            .values(deleted_at=utcnow(), name_key=None)
        )
        connection.execute(
            update(Task)
            .where(Task.id == prod.keeper_modeling)
            .values(due_date=dt.date(2025, 3, 10))
        )
    for url in (
        f"/api/projects/{prod.project}/tasks",
        f"/api/projects/{prod.project}/schedule/tasks",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        assert prod.keeper_modeling not in [task["id"] for task in answer.json()["items"]], url
