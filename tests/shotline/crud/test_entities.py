"""Assets, episodes, sequences and shots: writes, the reads of episodes and
sequences, references within a project, and soft deletion with the tasks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from shotline.models import Asset, Entity, Episode, Sequence, Shot, Task
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
)
from tests.shotline.signin import AUTH


def entity_body(engine: Engine, model: type[Entity], ident: int) -> dict[str, Any]:
    """What the API answers for an entity, from the database."""
    stored = load(engine, model, ident)
    body: dict[str, Any] = {
        "id": ident,
        "project_id": stored.project_id,
        "name": stored.name,
        "description": stored.description,
        "data": stored.data,
        "created_at": iso(stored.created_at),
        "updated_at": iso(stored.updated_at),
    }
    if isinstance(stored, Asset):
        body["asset_type_id"] = stored.asset_type_id
    elif isinstance(stored, Sequence):
        body["episode_id"] = stored.episode_id
    elif isinstance(stored, Shot):
        body |= {
            "sequence_id": stored.sequence_id,
            "frame_in": stored.frame_in,
            "frame_out": stored.frame_out,
            "fps": stored.fps,
        }
    return body


# -- Assets -------------------------------------------------------------------------


def test_create_asset(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/assets",
        {
            "name": "Fog Horn",
            "asset_type_id": prod.prop,
            "description": "Brass, dented",
            "data": {"polycount": 12000, "tags": ["hero", None], "lod": {"0": 1.5}},
        },
    )
    assert created.status == 201
    new = created.json()["id"]
    stored = load(crud_engine, Asset, new)
    assert created.json() == {
        "id": new,
        "project_id": prod.project,
        "name": "Fog Horn",
        "description": "Brass, dented",
        "data": {"polycount": 12000, "tags": ["hero", None], "lod": {"0": 1.5}},
        "created_at": iso(stored.created_at),
        "updated_at": iso(stored.created_at),
        "asset_type_id": prod.prop,
    }
    assert (stored.kind, stored.asset_type_id, stored.deleted_at) == ("asset", prod.prop, None)
    # checks, INSERT entity, INSERT asset, INSERT event, read back
    assert created.log.count == AUTH + 5


def test_update_asset(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/assets/{prod.lantern}",
        {"asset_type_id": prod.character, "description": "Lit", "data": {"lit": True}},
    )
    assert updated.status == 200
    assert updated.json() == entity_body(crud_engine, Asset, prod.lantern)
    stored = load(crud_engine, Asset, prod.lantern)
    assert (stored.asset_type_id, stored.description, stored.data, stored.name) == (
        prod.character,
        "Lit",
        {"lit": True},
        "Brass Lantern",
    )
    assert stored.updated_at > stored.created_at
    # fetch with the asset type check, UPDATE entity, UPDATE asset, INSERT
    # event, read back
    assert updated.log.count == AUTH + 5


def test_delete_asset_soft_deletes_its_live_tasks(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    rigging = client.post(
        f"/api/projects/{prod.project}/tasks",
        json={"task_type_id": prod.rigging, "entity_ids": [prod.lantern]},
    ).json()[0]["id"]
    client.delete(f"/api/tasks/{rigging}")
    rigging_deleted_at = load(crud_engine, Task, rigging).deleted_at

    deleted = call(client, crud_engine, "DELETE", f"/api/assets/{prod.lantern}")
    assert (deleted.status, deleted.response.content) == (204, b"")
    asset = load(crud_engine, Asset, prod.lantern)
    modeling = load(crud_engine, Task, prod.lantern_modeling)
    assert asset.deleted_at is not None
    assert modeling.deleted_at == asset.deleted_at
    # A task deleted before keeps its own deletion time.
    assert load(crud_engine, Task, rigging).deleted_at == rigging_deleted_at
    assert load(crud_engine, Task, prod.keeper_modeling).deleted_at is None
    # checks, the entity and its live tasks (for the events), UPDATE entity,
    # UPDATE its tasks, INSERT events
    assert deleted.log.count == AUTH + 6

    assert client.get(f"/api/tasks/{prod.lantern_modeling}").status_code == 404
    listed = client.get(f"/api/projects/{prod.project}/tasks?fields=id").json()
    assert listed == {
        "items": [{"id": prod.keeper_modeling}, {"id": prod.shot_animation}],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects/{missing}/assets", {"name": "A", "asset_type_id": "{prop}"}), 404,
         "project {missing} not found"),
        (("POST", "/api/projects/{project}/assets", {"name": "A", "asset_type_id": "{missing}"}),
         404, "asset type {missing} not found"),
        (("POST", "/api/projects/{project}/assets", {"name": "A"}), 422,
         (("body", "asset_type_id"), "missing")),
        (("POST", "/api/projects/{project}/assets", {"name": "A", "asset_type_id": "{prop}",
                                                     "data": ["not", "an", "object"]}), 422,
         (("body", "data"), "dict_type")),
        (("POST", "/api/projects/{project}/assets", {"name": "A", "asset_type_id": "{prop}",
                                                     "data": {"k": "a\x00b"}}), 422,
         (("body", "data"), "value_error")),
        # Python's JSON parser reads Infinity and NaN, which no database stores as JSON.
        (("POST", "/api/projects/{project}/assets",
          b'{"name": "A", "asset_type_id": 1, "data": {"k": [Infinity]}}'), 422,
         (("body", "data"), "value_error")),
        (("POST", "/api/projects/{project}/assets",
          b'{"name": "A", "asset_type_id": 1, "data": {"k": NaN}}'), 422,
         (("body", "data"), "value_error")),
        (("POST", "/api/projects/{project}/assets", {"name": "A", "asset_type_id": "{prop}",
                                                     "description": "x" * 10_001}), 422,
         (("body", "description"), "string_too_long")),
        (("PATCH", "/api/assets/{lantern}", {"asset_type_id": "{missing}"}), 404,
         "asset type {missing} not found"),
        (("PATCH", "/api/assets/{lantern}", {"name": None}), 422, (("body", "name"), "string_type")),
        (("PATCH", "/api/assets/{shot}", {"name": "Not an asset"}), 404, "asset {shot} not found"),
        (("PATCH", "/api/assets/{missing}", {}), 404, "asset {missing} not found"),
        (("DELETE", "/api/assets/{missing}", None), 404, "asset {missing} not found"),
        (("DELETE", "/api/assets/{shot}", None), 404, "asset {shot} not found"),
    ],
)  # fmt: skip
def test_asset_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_a_deleted_asset_is_gone(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    client.delete(f"/api/assets/{prod.keeper}")
    for request_ in [
        ("PATCH", "/api/assets/{keeper}", {"name": "Back"}),
        ("DELETE", "/api/assets/{keeper}", None),
    ]:
        assert_refused(client, crud_engine, prod, request_, 404, "asset {keeper} not found")


# -- Episodes -----------------------------------------------------------------------


def test_episode_crud(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client, crud_engine, "POST", f"/api/projects/{prod.project}/episodes", {"name": "E02"}
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == entity_body(crud_engine, Episode, new)
    assert created.json()["data"] == {}
    # checks, INSERT entity, INSERT episode, INSERT event, read back
    assert created.log.count == AUTH + 5

    listed = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/episodes")
    assert listed.json() == {
        "items": [
            entity_body(crud_engine, Episode, prod.episode),
            entity_body(crud_engine, Episode, new),
        ]
    }
    # the episodes: rows need no project check
    assert listed.log.count == AUTH + 1
    assert client.get(f"/api/projects/{prod.other_project}/episodes").json() == {"items": []}

    got = call(client, crud_engine, "GET", f"/api/episodes/{new}")
    assert got.json() == entity_body(crud_engine, Episode, new)
    assert got.log.count == AUTH + 1

    updated = call(
        client, crud_engine, "PATCH", f"/api/episodes/{new}", {"description": "The storm"}
    )
    assert updated.json() == entity_body(crud_engine, Episode, new)
    assert load(crud_engine, Episode, new).description == "The storm"

    deleted = call(client, crud_engine, "DELETE", f"/api/episodes/{new}")
    assert deleted.status == 204
    assert load(crud_engine, Episode, new).deleted_at is not None
    assert ids(crud_engine, Episode, Episode.deleted_at.is_(None)) == [prod.episode]


def test_an_episode_goes_once_its_sequences_are_gone(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    for shot in (prod.shot, prod.shot2):
        assert client.delete(f"/api/shots/{shot}").status_code == 204
    assert client.delete(f"/api/sequences/{prod.sequence}").status_code == 204
    assert client.delete(f"/api/episodes/{prod.episode}").status_code == 204
    assert all(
        load(crud_engine, model, ident).deleted_at is not None
        for model, ident in [
            (Shot, prod.shot),
            (Shot, prod.shot2),
            (Sequence, prod.sequence),
            (Episode, prod.episode),
        ]
    )


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("GET", "/api/projects/{missing}/episodes", None), 404, "project {missing} not found"),
        (("GET", "/api/projects/{project}/episodes?limit=501", None), 422,
         (("query", "limit"), "less_than_equal")),
        (("GET", "/api/projects/{project}/episodes?offset=9223372036854775808", None), 422,
         (("query", "offset"), "less_than_equal")),
        (("POST", "/api/projects/{missing}/episodes", {"name": "E9"}), 404,
         "project {missing} not found"),
        (("POST", "/api/projects/{project}/episodes", {"name": "E9", "episode_id": 1}), 422,
         (("body", "episode_id"), "extra_forbidden")),
        (("GET", "/api/episodes/{sequence}", None), 404, "episode {sequence} not found"),
        (("PATCH", "/api/episodes/{missing}", {"name": "E9"}), 404, "episode {missing} not found"),
        (("DELETE", "/api/episodes/{episode}", None), 409,
         "episode {episode} has sequences: delete them first"),
        (("DELETE", "/api/episodes/{missing}", None), 404, "episode {missing} not found"),
    ],
)  # fmt: skip
def test_episode_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_an_unknown_field_of_a_list_is_refused(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    answer = call(
        client, crud_engine, "GET", f"/api/projects/{prod.project}/episodes?fields=id,nope"
    )
    assert (answer.status, answer.json()) == (
        400,
        refusal(
            "invalid",
            "unknown field",
            ["nope"],
            valid=[
                "id",
                "project_id",
                "name",
                "description",
                "data",
                "created_at",
                "updated_at",
            ],
        ),
    )
    # refused by the list's dependency, before the endpoint runs a statement
    assert answer.log.count == AUTH + 0


# -- Sequences ----------------------------------------------------------------------


def test_sequence_crud(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/sequences",
        {"name": "SQ020", "episode_id": prod.episode},
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == entity_body(crud_engine, Sequence, new)
    assert created.json()["episode_id"] == prod.episode
    # checks, INSERT entity, INSERT sequence, INSERT event, read back
    assert created.log.count == AUTH + 5

    listed = call(
        client, crud_engine, "GET", f"/api/projects/{prod.project}/sequences?fields=id,episode_id"
    )
    assert listed.json() == {
        "items": [
            {"id": prod.sequence, "episode_id": prod.episode},
            {"id": new, "episode_id": prod.episode},
        ]
    }
    assert listed.log.count == AUTH + 1
    assert client.get(f"/api/sequences/{new}").json() == entity_body(crud_engine, Sequence, new)

    # A film's sequences sit straight under the project.
    updated = call(client, crud_engine, "PATCH", f"/api/sequences/{new}", {"episode_id": None})
    assert updated.json() == entity_body(crud_engine, Sequence, new)
    assert load(crud_engine, Sequence, new).episode_id is None
    # fetch, UPDATE entity, UPDATE sequence, INSERT event, read back (no
    # episode to check)
    assert updated.log.count == AUTH + 5

    assert client.delete(f"/api/sequences/{new}").status_code == 204
    assert load(crud_engine, Sequence, new).deleted_at is not None


def test_sequence_moves_to_another_episode(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    episode = client.post(f"/api/projects/{prod.project}/episodes", json={"name": "E02"}).json()
    moved = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/sequences/{prod.sequence}",
        {"episode_id": episode["id"]},
    )
    assert moved.json()["episode_id"] == episode["id"]
    assert load(crud_engine, Sequence, prod.sequence).episode_id == episode["id"]
    # fetch, episode checks, UPDATE sequence, UPDATE entity, INSERT event,
    # read back
    assert moved.log.count == AUTH + 6


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("GET", "/api/projects/{missing}/sequences", None), 404, "project {missing} not found"),
        (("POST", "/api/projects/{project}/sequences", {"name": "S", "episode_id": "{missing}"}),
         404, "episode {missing} not found"),
        (("POST", "/api/projects/{project}/sequences", {"name": "S", "episode_id": "{shot}"}),
         404, "episode {shot} not found"),
        (("POST", "/api/projects/{other_project}/sequences",
          {"name": "S", "episode_id": "{episode}"}), 400,
         ("episode_id", "episode {episode} is not in project {other_project}")),
        (("PATCH", "/api/sequences/{sequence}", {"episode_id": "{missing}"}), 404,
         "episode {missing} not found"),
        (("GET", "/api/sequences/{missing}", None), 404, "sequence {missing} not found"),
        (("DELETE", "/api/sequences/{sequence}", None), 409,
         "sequence {sequence} has shots: delete them first"),
    ],
)  # fmt: skip
def test_sequence_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_a_sequence_cannot_join_a_deleted_episode(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    with crud_engine.begin() as connection:
        connection.execute(
            update(Entity)
            .where(Entity.id == prod.episode)
            .values(deleted_at=utcnow(), name_key=None)
        )
    assert_refused(
        client,
        crud_engine,
        prod,
        ("POST", "/api/projects/{project}/sequences", {"name": "S", "episode_id": "{episode}"}),
        404,
        "episode {episode} not found",
    )


# -- Shots --------------------------------------------------------------------------


def test_create_shot(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/shots",
        {
            "name": "SH0030",
            "sequence_id": prod.sequence,
            "frame_in": 1001,
            "frame_out": 1001,
            "fps": 47.9521,
        },
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == entity_body(crud_engine, Shot, new)
    assert created.json()["fps"] == 47.952
    # checks, INSERT entity, INSERT shot, INSERT event, read back
    assert created.log.count == AUTH + 5


def test_update_shot(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    updated = call(
        client, crud_engine, "PATCH", f"/api/shots/{prod.shot}", {"frame_out": 1200, "fps": 25}
    )
    assert updated.json() == entity_body(crud_engine, Shot, prod.shot)
    stored = load(crud_engine, Shot, prod.shot)
    assert (stored.frame_in, stored.frame_out, stored.fps) == (1001, 1200, 25.0)
    # Only the shot's own table changed, and the entity is updated all the same.
    assert stored.updated_at > stored.created_at
    # fetch, UPDATE entity, UPDATE shot, INSERT event, read back
    assert updated.log.count == AUTH + 5


def test_delete_shot(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    deleted = call(client, crud_engine, "DELETE", f"/api/shots/{prod.shot}")
    assert deleted.status == 204
    shot = load(crud_engine, Shot, prod.shot)
    assert load(crud_engine, Task, prod.shot_animation).deleted_at == shot.deleted_at
    assert shot.deleted_at is not None
    # checks, the shot and its live tasks (for the events), UPDATE entity,
    # UPDATE its tasks, INSERT events
    assert deleted.log.count == AUTH + 6


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects/{project}/shots",
          {"name": "S", "sequence_id": "{sequence}", "frame_in": 20, "frame_out": 10}), 400,
         ("frame_out", "must not be before frame_in")),
        (("POST", "/api/projects/{project}/shots",
          {"name": "S", "sequence_id": "{sequence}", "frame_in": -1, "frame_out": 10}), 422,
         (("body", "frame_in"), "greater_than_equal")),
        (("POST", "/api/projects/{project}/shots",
          {"name": "S", "sequence_id": "{missing}", "frame_in": 1, "frame_out": 10}), 404,
         "sequence {missing} not found"),
        (("POST", "/api/projects/{other_project}/shots",
          {"name": "S", "sequence_id": "{sequence}", "frame_in": 1, "frame_out": 10}), 400,
         ("sequence_id", "sequence {sequence} is not in project {other_project}")),
        (("POST", "/api/projects/{missing}/shots",
          {"name": "S", "sequence_id": "{sequence}", "frame_in": 1, "frame_out": 10}), 404,
         "project {missing} not found"),
        (("PATCH", "/api/shots/{shot}", {"frame_in": 1049}), 400,
         ("frame_out", "must not be before frame_in")),
        (("PATCH", "/api/shots/{shot}", {"sequence_id": "{episode}"}), 404,
         "sequence {episode} not found"),
        (("PATCH", "/api/shots/{shot}", {"fps": 0}), 422, (("body", "fps"), "greater_than")),
        (("PATCH", "/api/shots/{lantern}", {"frame_in": 1}), 404, "shot {lantern} not found"),
        (("DELETE", "/api/shots/{missing}", None), 404, "shot {missing} not found"),
    ],
)  # fmt: skip
def test_shot_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)
