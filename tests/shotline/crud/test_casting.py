"""The breakdown: casting assets into shots, sequences and episodes, reading
it per entity, per asset and per sequence, bulk edits and CSV files."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from shotline.models import Casting
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    scalars,
    snapshot,
)
from tests.shotline.signin import AUTH


def links(engine: Engine) -> list[tuple[int, int, int]]:
    """Every casting link as (entity, asset, occurrences)."""
    return [
        tuple(row)  # type: ignore[misc]
        for row in scalars(
            engine,
            select(Casting).order_by(Casting.entity_id, Casting.asset_id),
        )
        for row in [(row.entity_id, row.asset_id, row.occurrences)]
    ]


@pytest.fixture
def cast(crud_engine: Engine, prod: Production) -> Production:
    """SH0010: the lantern twice and the keeper; SQ010: the keeper."""
    with crud_engine.begin() as connection:
        connection.execute(
            insert(Casting),
            [
                {"project_id": prod.project, "entity_id": prod.shot, "asset_id": prod.lantern,
                 "occurrences": 2},
                {"project_id": prod.project, "entity_id": prod.shot, "asset_id": prod.keeper,
                 "occurrences": 1},
                {"project_id": prod.project, "entity_id": prod.sequence, "asset_id": prod.keeper,
                 "occurrences": 1},
            ],
        )  # fmt: skip
    return prod


def lantern(prod: Production, occurrences: int) -> dict[str, Any]:
    return {
        "asset": {"id": prod.lantern, "name": "Brass Lantern", "asset_type": "Prop"},
        "occurrences": occurrences,
    }


def keeper(prod: Production, occurrences: int) -> dict[str, Any]:
    return {
        "asset": {"id": prod.keeper, "name": "Keeper", "asset_type": "Character"},
        "occurrences": occurrences,
    }


def test_read_a_shot_s_casting_and_an_asset_s_uses(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    prod = cast
    got = call(client, crud_engine, "GET", f"/api/entities/{prod.shot}/casting")
    assert got.json() == {"items": [lantern(prod, 2), keeper(prod, 1)]}
    # the links with their asset and its type joined in
    assert got.log.count == AUTH + 1
    empty = call(client, crud_engine, "GET", f"/api/entities/{prod.shot2}/casting")
    # an empty list checks its entity
    assert (empty.json(), empty.log.count) == ({"items": []}, AUTH + 2)
    assert client.get("/api/entities/2000000000/casting").json() == refusal(
        "not_found", "entity 2000000000 not found"
    )

    used = call(client, crud_engine, "GET", f"/api/assets/{prod.keeper}/cast-in")
    assert used.json() == {
        "items": [
            {"entity": {"id": prod.sequence, "kind": "sequence", "name": "SQ010"},
             "occurrences": 1},
            {"entity": {"id": prod.shot, "kind": "shot", "name": "SH0010"}, "occurrences": 1},
        ]
    }  # fmt: skip
    assert used.log.count == AUTH + 1
    assert client.get("/api/assets/2000000000/cast-in").json() == refusal(
        "not_found", "asset 2000000000 not found"
    )


def test_the_breakdown_of_a_sequence(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    prod = cast
    grid = call(client, crud_engine, "GET", f"/api/sequences/{prod.sequence}/breakdown")
    assert grid.json() == {
        "items": [
            {"id": prod.shot, "name": "SH0010", "frame_in": 1001, "frame_out": 1048,
             "casting": [
                 {"asset_id": prod.lantern, "asset": "Brass Lantern", "asset_type": "Prop",
                  "occurrences": 2},
                 {"asset_id": prod.keeper, "asset": "Keeper", "asset_type": "Character",
                  "occurrences": 1},
             ]},
            {"id": prod.shot2, "name": "SH0020", "frame_in": 1001, "frame_out": 1100,
             "casting": []},
        ]
    }  # fmt: skip
    # the shots, then every cell with its asset and asset type joined in
    assert grid.log.count == AUTH + 2
    # A soft-deleted asset leaves every breakdown.
    client.delete(f"/api/assets/{prod.lantern}")
    after = client.get(f"/api/sequences/{prod.sequence}/breakdown?fields=name,casting.asset")
    assert after.json() == {
        "items": [{"name": "SH0010", "casting": [{"asset": "Keeper"}]},
                  {"name": "SH0020", "casting": []}]
    }  # fmt: skip
    assert client.get(f"/api/entities/{prod.shot}/casting").json() == {"items": [keeper(prod, 1)]}


def test_replace_an_entity_s_casting(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    prod = cast
    replaced = call(
        client,
        crud_engine,
        "PUT",
        f"/api/entities/{prod.shot}/casting",
        {"assets": [{"asset_id": prod.keeper, "occurrences": 3}]},
    )
    assert replaced.json() == [keeper(prod, 3)]
    # the entity with its checks, the assets, DELETE, INSERT, INSERT event, read back
    assert replaced.log.count == AUTH + 6
    assert links(crud_engine) == [
        (prod.sequence, prod.keeper, 1),
        (prod.shot, prod.keeper, 3),
    ]
    cleared = client.put(f"/api/entities/{prod.shot}/casting", json={"assets": []})
    assert cleared.json() == []
    assert links(crud_engine) == [(prod.sequence, prod.keeper, 1)]
    episode = client.put(
        f"/api/entities/{prod.episode}/casting", json={"assets": [{"asset_id": prod.lantern}]}
    )
    assert episode.json() == [lantern(prod, 1)]


def test_bulk_edit_a_project_s_casting(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    prod = cast
    changed = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/casting",
        {
            "links": [
                {"entity_id": prod.shot2, "asset_id": prod.lantern, "occurrences": 3},
                {"entity_id": prod.shot, "asset_id": prod.keeper, "occurrences": 0},
                {"entity_id": prod.shot, "asset_id": prod.lantern, "occurrences": 5},
            ]
        },
    )
    # The whole casting of every entity named.
    assert changed.json() == [
        {"entity_id": prod.shot, "asset_id": prod.lantern, "occurrences": 5},
        {"entity_id": prod.shot2, "asset_id": prod.lantern, "occurrences": 3},
    ]
    # checks, the entities, DELETE, INSERT, INSERT events, read back
    assert changed.log.count == AUTH + 6
    assert links(crud_engine) == [
        (prod.sequence, prod.keeper, 1),
        (prod.shot, prod.lantern, 5),
        (prod.shot2, prod.lantern, 3),
    ]


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects/{project}/casting",
          {"links": [{"entity_id": "{lantern}", "asset_id": "{keeper}", "occurrences": 1}]}), 400,
         ("entity_id", "assets are cast into shots, sequences and episodes, not into "
                       "asset {lantern}")),
        (("POST", "/api/projects/{project}/casting",
          {"links": [{"entity_id": "{shot}", "asset_id": "{sequence}", "occurrences": 1}]}), 400,
         ("asset_id", "not an asset: entity {sequence}")),
        (("POST", "/api/projects/{project}/casting",
          {"links": [{"entity_id": "{shot}", "asset_id": "{other_asset}", "occurrences": 1}]}),
         400, ("links", "not in project {project}: entity {other_asset}")),
        (("POST", "/api/projects/{project}/casting",
          {"links": [{"entity_id": "{missing}", "asset_id": "{lantern}", "occurrences": 1}]}),
         404, "entity {missing} not found"),
        (("POST", "/api/projects/{missing}/casting",
          {"links": [{"entity_id": "{shot}", "asset_id": "{lantern}", "occurrences": 1}]}),
         404, "project {missing} not found"),
        (("POST", "/api/projects/{project}/casting",
          {"links": [{"entity_id": "{shot}", "asset_id": "{lantern}", "occurrences": 1},
                     {"entity_id": "{shot}", "asset_id": "{lantern}", "occurrences": 2}]}),
         422, (("body", "links"), "value_error")),
        (("POST", "/api/projects/{project}/casting", {"links": []}), 422,
         (("body", "links"), "too_short")),
        (("PUT", "/api/entities/{lantern}/casting", {"assets": []}), 400,
         ("entity_id", "assets are cast into shots, sequences and episodes, not into assets")),
        (("PUT", "/api/entities/{shot}/casting",
          {"assets": [{"asset_id": "{lantern}", "occurrences": 0}]}), 422,
         (("body", "assets", 0, "occurrences"), "greater_than_equal")),
        (("PUT", "/api/entities/{shot}/casting",
          {"assets": [{"asset_id": "{lantern}"}, {"asset_id": "{lantern}"}]}), 422,
         (("body", "assets"), "value_error")),
        (("PUT", "/api/entities/{missing}/casting", {"assets": []}), 404,
         "entity {missing} not found"),
    ],
)  # fmt: skip
def test_refused_casting_changes(
    client: TestClient,
    crud_engine: Engine,
    cast: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, cast, request_, status, expected)


EXPORT = (
    "episode,sequence,shot,asset_type,asset,occurrences\r\n"
    "E01,SQ010,,Character,Keeper,1\r\n"
    "E01,SQ010,SH0010,Character,Keeper,1\r\n"
    "E01,SQ010,SH0010,Prop,Brass Lantern,2\r\n"
)


def test_export_the_casting_as_csv(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    exported = call(client, crud_engine, "GET", f"/api/projects/{cast.project}/casting.csv")
    assert exported.response.text == EXPORT
    assert exported.response.headers["content-type"] == "text/csv; charset=utf-8"
    # the project's check, the links with every name joined in
    assert exported.log.count == AUTH + 2


def _post_csv(client: TestClient, url: str, text: str | bytes) -> Any:
    body = text.encode() if isinstance(text, str) else text
    return client.post(url, content=body, headers={"content-type": "text/csv"})


def test_import_a_casting_csv_after_a_dry_run(
    client: TestClient, crud_engine: Engine, cast: Production
) -> None:
    prod = cast
    url = f"/api/projects/{prod.project}/casting.csv"
    text = (
        "\ufeffShot,Sequence,Episode,Asset_Type,Asset,Occurrences\n"
        "SH0010,SQ010,E01,Prop,Brass Lantern,4\n"  # updated
        "SH0010,SQ010,,Character,Keeper,0\n"  # removed
        "SH0020,SQ010,,,Keeper,\n"  # created, once
        ",,E01,Prop,Brass Lantern,1\n"  # created, into the episode
        "\n"
        ",SQ010,,Character,Keeper,1\n"  # unchanged
    )
    before = snapshot(crud_engine)
    dry = _post_csv(client, f"{url}?dry_run=true", text)
    assert (dry.status_code, dry.json()) == (
        200,
        {"dry_run": True, "rows": 5, "created": 2, "updated": 1, "removed": 1, "unchanged": 1},
    )
    assert snapshot(crud_engine) == before
    applied = _post_csv(client, url, text)
    assert applied.json() == {**dry.json(), "dry_run": False}
    assert links(crud_engine) == [
        (prod.episode, prod.lantern, 1),
        (prod.sequence, prod.keeper, 1),
        (prod.shot, prod.lantern, 4),
        (prod.shot2, prod.keeper, 1),
    ]
    # What is exported imports again without a change.
    again = _post_csv(client, f"{url}?dry_run=true", client.get(url).text)
    assert again.json() == {
        "dry_run": True, "rows": 4, "created": 0, "updated": 0, "removed": 0, "unchanged": 4
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("shot,sequence,asset,colour\nSH0010,SQ010,Keeper,red\n",
         [(1, "colour", "unknown column 'colour'; the columns are episode, sequence, shot, "
                        "asset_type, asset, occurrences")]),
        ("shot,sequence\n", [(1, "asset", "column 'asset' is missing")]),
        ("", [(1, None, "the file is empty: it needs a header line")]),
        ("shot,sequence,asset,occurrences\n"
         "SH0010,,Keeper,1\n"
         "SH0990,SQ010,Keeper,1\n"
         "SH0010,SQ010,Lamp,1\n"
         "SH0010,SQ010,Keeper,many\n"
         ",,Keeper,1\n"
         "SH0010,SQ010,Keeper,2\n"
         "SH0010,SQ010,Keeper,3\n"
         "SH0010,SQ010,Keeper,1,extra\n",
         [(2, "sequence", "a shot is named within its sequence: give it"),
          (3, "shot", "no shot 'SH0990' in sequence 'SQ010'"),
          (4, "asset", "no asset 'Lamp'"),
          (5, "occurrences", "expected a whole number from 0 to 10000, got 'many'"),
          (6, "shot", "name the shot, sequence or episode the asset is cast into"),
          (8, None, "casts the same asset as line 7"),
          (9, None, "5 cells for 4 columns")]),
        ("episode,sequence,asset\nE02,SQ010,Keeper\n", [(2, "episode", "no episode 'E02'")]),
        (b"asset\n\xff\n", [(0, None, "not UTF-8 text (byte 6 cannot be read)")]),
    ],
)  # fmt: skip
def test_a_csv_with_errors_changes_nothing(
    client: TestClient,
    crud_engine: Engine,
    cast: Production,
    text: str | bytes,
    rows: list[tuple[int, str | None, str]],
) -> None:
    before = snapshot(crud_engine)
    for dry_run in ("true", "false"):
        answer = _post_csv(
            client, f"/api/projects/{cast.project}/casting.csv?dry_run={dry_run}", text
        )
        count = len(rows)
        assert (answer.status_code, answer.json()) == (
            400,
            refusal(
                "invalid",
                f"{count} error{'s' if count > 1 else ''}: nothing was imported",
                ["csv"],
                rows=[
                    {"line": line, "column": column, "message": message}
                    for line, column, message in rows
                ],
            ),
        )
    assert snapshot(crud_engine) == before
