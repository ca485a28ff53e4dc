"""Entity names: unique per project, kind and parent among live entities,
whatever their case, enforced by the database; a refusal is a 409 naming the
entity that holds the name, including when two requests create it at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from shotline.app import create_app
from shotline.models import Entity
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    scalars,
)
from tests.shotline.signin import AUTH


def keys(engine: Engine, *entity_ids: int) -> list[str | None]:
    return [
        scalars(engine, select(Entity.name_key).where(Entity.id == ident))[0]
        for ident in entity_ids
    ]


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (("POST", "/api/projects/{project}/assets",
          {"name": "brass LANTERN", "asset_type_id": "{character}"}),
         "project {project} already has an asset named 'Brass Lantern': asset {lantern}"),
        (("POST", "/api/projects/{project}/episodes", {"name": "e01"}),
         "project {project} already has an episode named 'E01': episode {episode}"),
        (("POST", "/api/projects/{project}/sequences",
          {"name": "sq010", "episode_id": "{episode}"}),
         "episode {episode} already has a sequence named 'SQ010': sequence {sequence}"),
        (("POST", "/api/projects/{project}/shots",
          {"name": "sh0010", "sequence_id": "{sequence}", "frame_in": 1, "frame_out": 2}),
         "sequence {sequence} already has a shot named 'SH0010': shot {shot}"),
        (("PATCH", "/api/assets/{keeper}", {"name": "Brass Lantern"}),
         "project {project} already has an asset named 'Brass Lantern': asset {lantern}"),
        (("PATCH", "/api/shots/{shot2}", {"name": "SH0010"}),
         "sequence {sequence} already has a shot named 'SH0010': shot {shot}"),
    ],
)  # fmt: skip
def test_a_name_taken_is_refused(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    expected: Expected,
) -> None:
    answer = assert_refused(client, crud_engine, prod, request_, 409, expected)
    # The write that failed on the index, rolled back, then the holder looked up.
    assert answer.log.count >= AUTH + 3


def test_a_shot_moved_next_to_its_namesake_is_refused(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    other = client.post(
        f"/api/projects/{prod.project}/sequences",
        json={"name": "SQ020", "episode_id": prod.episode},
    ).json()["id"]
    moved = client.post(
        f"/api/projects/{prod.project}/shots",
        json={"name": "SH0010", "sequence_id": other, "frame_in": 1, "frame_out": 2},
    )
    assert moved.status_code == 201
    assert_refused(
        client,
        crud_engine,
        prod,
        ("PATCH", f"/api/shots/{moved.json()['id']}", {"sequence_id": "{sequence}"}),
        409,
        "sequence {sequence} already has a shot named 'SH0010': shot {shot}",
    )


def test_names_are_unique_only_within_their_scope(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    project = f"/api/projects/{prod.project}"
    accepted = [
        # Another kind, another parent, another project, no parent rather than one.
        client.post(f"{project}/episodes", json={"name": "Brass Lantern"}),
        client.post(f"{project}/sequences", json={"name": "SQ010"}),
        client.post(
            f"/api/projects/{prod.other_project}/assets",
            json={"name": "Brass Lantern", "asset_type_id": prod.prop},
        ),
        # Its own name in another case.
        client.patch(f"/api/assets/{prod.lantern}", json={"name": "BRASS LANTERN"}),
    ]
    assert [answer.status_code for answer in accepted] == [201, 201, 201, 200]
    second = client.post(f"{project}/sequences", json={"name": "sq010"})
    assert (second.status_code, second.json()) == (
        409,
        refusal(
            "conflict",
            f"project {prod.project} already has a sequence named 'SQ010': "
            f"sequence {accepted[1].json()['id']}",
        ),
    )


def test_case_is_folded_the_unicode_way(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    url = f"/api/projects/{prod.project}/assets"
    first = client.post(url, json={"name": "Straße", "asset_type_id": prod.prop})
    assert first.status_code == 201
    again = client.post(url, json={"name": "STRASSE", "asset_type_id": prod.prop})
    assert (again.status_code, again.json()) == (
        409,
        refusal(
            "conflict",
            f"project {prod.project} already has an asset named 'Straße': "
            f"asset {first.json()['id']}",
        ),
    )
    assert keys(crud_engine, first.json()["id"]) == ["asset::strasse"]


def test_a_deleted_entity_frees_its_name(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    assert keys(crud_engine, prod.lantern, prod.shot) == [
        "asset::brass lantern",
        f"shot:{prod.sequence}:sh0010",
    ]
    assert client.delete(f"/api/assets/{prod.lantern}").status_code == 204
    assert keys(crud_engine, prod.lantern) == [None]
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/assets",
        {"name": "Brass Lantern", "asset_type_id": prod.prop},
    )
    assert created.status == 201
    # checks, INSERT entity, INSERT asset, INSERT event, read back: no
    # statement for the name
    assert created.log.count == AUTH + 5


# -- Two requests at once -------------------------------------------------------------


@pytest.fixture
def slow_inserts(crud_engine: Engine) -> Iterator[threading.Event]:
    """Hold the first request that inserts an entity for a moment after its
    INSERT (its transaction still open), so a second one inserts meanwhile."""
    inserted = threading.Event()

    def hold(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO entity") and not inserted.is_set():
            inserted.set()
            time.sleep(0.5)

    event.listen(crud_engine, "after_cursor_execute", hold)
    yield inserted
    event.remove(crud_engine, "after_cursor_execute", hold)


def test_two_requests_creating_one_name_at_once(
    crud_engine: Engine,
    prod: Production,
    production: Any,
    slow_inserts: threading.Event,
    dialect: str,
) -> None:
    """The first to insert holds the name: the other, which passed every check
    before the first committed, waits on the unique index, then gets the 409
    naming the first, and writes nothing."""
    if dialect == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time: the second one waits whole")
    headers = production[2]
    answers: dict[str, Any] = {}

    def create(name: str) -> None:
        with TestClient(create_app(crud_engine), headers=headers) as client:
            answers[name] = client.post(
                f"/api/projects/{prod.project}/assets",
                json={"name": name, "asset_type_id": prod.prop},
            )

    first = threading.Thread(target=create, args=("Foghorn",))
    first.start()
    assert slow_inserts.wait(10)
    create("FOGHORN")
    first.join()
    assert answers["Foghorn"].status_code == 201, answers["Foghorn"].text
    holder = answers["Foghorn"].json()["id"]
    assert (answers["FOGHORN"].status_code, answers["FOGHORN"].json()) == (
        409,
        refusal(
            "conflict",
            f"project {prod.project} already has an asset named 'Foghorn': asset {holder}",
        ),
    )
    named = ids(crud_engine, Entity, Entity.name.in_(["Foghorn", "FOGHORN"]))
    assert named == [holder]
