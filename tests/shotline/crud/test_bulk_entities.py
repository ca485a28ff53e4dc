"""Creating many entities in one request: all of them or none, each refused
row named with its index and reason, in the same statements for 2 rows as
for 40."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from shotline.app import create_app
from shotline.models import Asset, Entity, ProjectMember, Shot
from shotline.schemas.errors import RULES
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Production,
    assert_refused,
    call,
    fill,
    placeholders,
    scalars,
    snapshot,
)
from tests.shotline.signin import AUTH, bearer


def _assets(prod: Production, *names: str) -> list[dict[str, Any]]:
    return [{"name": name, "asset_type_id": prod.prop} for name in names]


def _live_names(engine: Engine, model: type[Entity], prod: Production) -> list[str]:
    return scalars(
        engine,
        select(model.name)
        .where(model.project_id == prod.project, model.deleted_at.is_(None))
        .order_by(model.id),
    )


def test_create_many_assets(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/assets/bulk"
    created = call(client, crud_engine, "POST", url, _assets(prod, "Rope", "Oar", "Net"))
    assert created.status == 201, created.response.text
    body = created.json()
    assert [(a["name"], a["asset_type_id"]) for a in body] == [
        ("Rope", prod.prop),
        ("Oar", prod.prop),
        ("Net", prod.prop),
    ]
    assert [a["id"] for a in body] == sorted(a["id"] for a in body)
    assert _live_names(crud_engine, Asset, prod) == [
        "Brass Lantern",
        "Keeper",
        "Rope",
        "Oar",
        "Net",
    ]
    many = call(client, crud_engine, "POST", url, _assets(prod, *(f"Crate {i}" for i in range(40))))
    assert many.status == 201
    assert len(many.json()) == 40
    # The project and permission check; the asset types; the names; the
    # entity rows, their ids, the asset rows, their events; the answer. For 3
    # rows as for 40.
    assert created.log.count == many.log.count == AUTH + 8


def test_create_many_shots(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    rows = [
        {"name": f"SH{n:04}", "sequence_id": prod.sequence, "frame_in": 1001, "frame_out": 1050}
        for n in (30, 40)
    ]
    created = call(client, crud_engine, "POST", f"/api/projects/{prod.project}/shots/bulk", rows)
    assert created.status == 201, created.response.text
    assert [(s["name"], s["sequence_id"], s["fps"]) for s in created.json()] == [
        ("SH0030", prod.sequence, None),
        ("SH0040", prod.sequence, None),
    ]
    assert _live_names(crud_engine, Shot, prod) == ["SH0010", "SH0020", "SH0030", "SH0040"]


def test_sequences_and_episodes(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    episodes = client.post(
        f"/api/projects/{prod.project}/episodes/bulk", json=[{"name": "E02"}, {"name": "E03"}]
    )
    assert [e["name"] for e in episodes.json()] == ["E02", "E03"]
    e02 = episodes.json()[0]["id"]
    sequences = client.post(
        f"/api/projects/{prod.project}/sequences/bulk",
        json=[{"name": "SQ010", "episode_id": e02}, {"name": "SQ020"}],
    )
    assert sequences.status_code == 201, sequences.text
    assert [(s["name"], s["episode_id"]) for s in sequences.json()] == [
        ("SQ010", e02),
        ("SQ020", None),
    ]


ASSETS = "/api/projects/{project}/assets/bulk"
SHOTS = "/api/projects/{project}/shots/bulk"


def _shot(name: str, sequence: str = "{sequence}", frame_out: int = 1050) -> dict[str, Any]:
    return {"name": name, "sequence_id": sequence, "frame_in": 1001, "frame_out": frame_out}


@pytest.mark.parametrize(
    ("request_", "status", "rows"),
    [
        # Every refused row is named, whatever else is wrong with the request.
        (("POST", ASSETS, [
            {"name": "Rope", "asset_type_id": "{prop}"},
            {"name": "KEEPER", "asset_type_id": "{prop}"},
            {"name": "Oar", "asset_type_id": "{missing}"},
            {"name": "rope", "asset_type_id": "{character}"},
        ]), 400, [
            {"index": 1, "field": "name",
             "message": "project {project} already has an asset named 'Keeper': asset {keeper}"},
            {"index": 2, "field": "asset_type_id", "message": "asset type {missing} not found"},
            {"index": 3, "field": "name", "message": "row 0 has the same name in project {project}"},
        ]),
        (("POST", SHOTS, [
            _shot("SH0010"),
            _shot("SH0050", sequence="{missing}"),
            _shot("SH0060", frame_out=1000),
            _shot("SH0070", sequence="{shot}"),
        ]), 400, [
            {"index": 0, "field": "name",
             "message": "sequence {sequence} already has a shot named 'SH0010': shot {shot}"},
            {"index": 1, "field": "sequence_id", "message": "sequence {missing} not found"},
            {"index": 2, "field": "frame_out", "message": "must not be before frame_in"},
            {"index": 3, "field": "sequence_id", "message": "sequence {shot} not found"},
        ]),
    ],
)  # fmt: skip
def test_refused_rows(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    rows: list[dict[str, Any]],
) -> None:
    method, url, body = request_
    names = placeholders(prod)
    before = snapshot(crud_engine)
    answer = call(client, crud_engine, method, url.format(**names), fill(body, names))
    assert (answer.status, answer.json()) == (
        status,
        refusal(
            RULES[status],
            f"{len(rows)} of {len(body)} rows refused: nothing was created",
            ["body"],
            rows=[{**row, "message": row["message"].format(**names)} for row in rows],
        ),
    )
    assert snapshot(crud_engine) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], (("body",), "too_short")),
        ([{"name": "Rope", "asset_type_id": "{prop}"}, {"asset_type_id": "{prop}"}],
         (("body", 1, "name"), "missing")),
        ([{"name": f"Crate {i}", "asset_type_id": "{prop}"} for i in range(1001)],
         (("body",), "too_long")),
    ],
)  # fmt: skip
def test_malformed_requests(
    client: TestClient, crud_engine: Engine, prod: Production, body: Any, expected: Any
) -> None:
    assert_refused(client, crud_engine, prod, ("POST", ASSETS, body), 422, expected)


def test_only_managers_create(crud_engine: Engine, prod: Production) -> None:
    """Mira, an artist on the team, may not add assets; nothing is written."""
    with crud_engine.begin() as connection:
        connection.execute(
            insert(ProjectMember).values(project_id=prod.project, person_id=prod.mira)
        )
    with TestClient(create_app(crud_engine), headers=bearer(crud_engine, prod.mira)) as mira:
        answer = mira.post(ASSETS.format(project=prod.project), json=_assets(prod, "Rope"))
    assert (answer.status_code, answer.json()) == (
        403,
        refusal("forbidden", f"you may not add assets to project {prod.project}"),
    )
    assert _live_names(crud_engine, Asset, prod) == ["Brass Lantern", "Keeper"]
