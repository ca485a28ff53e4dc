"""The asset grid as CSV and assets imported from CSV: an export imported
into an empty project (dry run, then apply) exports again identically."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from shotline.models import Entity
from shotline.services import csv_export
from tests.refusals import refusal
from tests.shotline.crud.csv_support import meanwhile
from tests.shotline.crud.support import (
    Production,
    call,
    import_csv,
    project_like_lhk,
    scalars,
    snapshot,
)
from tests.shotline.signin import AUTH

LHK = "name,asset_type,description,Modeling,Rigging\r\nBrass Lantern,Prop,,todo,\r\nKeeper,Character,,wip,\r\n"


def test_export_import_export_round_trip(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    exported = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/assets.csv")
    assert exported.status == 200
    assert exported.response.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.response.text == LHK
    # the project, its task types, the assets, their tasks
    assert exported.log.count == AUTH + 4

    empty = project_like_lhk(client, prod, "NEW", [prod.modeling, prod.rigging, prod.animation])
    before = snapshot(crud_engine)
    assert import_csv(client, empty, "assets", LHK, dry_run=True) == (
        200,
        {"dry_run": True, "rows": 2, "assets": 2, "tasks": 2},
    )
    assert snapshot(crud_engine) == before
    assert import_csv(client, empty, "assets", LHK, dry_run=False) == (
        200,
        {"dry_run": False, "rows": 2, "assets": 2, "tasks": 2},
    )
    assert client.get(f"/api/projects/{empty}/assets.csv").text == LHK


def test_export_filters_and_bom(client: TestClient, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/assets.csv"
    header = "name,asset_type,description,Modeling,Rigging\r\n"
    assert client.get(f"{url}?asset_type=Prop").text == header + "Brass Lantern,Prop,,todo,\r\n"
    assert (
        client.get(f"{url}?task_status=Modeling:wip").text == header + "Keeper,Character,,wip,\r\n"
    )
    assert client.get(f"{url}?search=zzz").text == header
    with_bom = client.get(f"{url}?bom=true")
    assert with_bom.content.startswith(b"\xef\xbb\xbfname,")
    # An import skips the mark.
    empty = project_like_lhk(client, prod, "BOM", [prod.modeling, prod.rigging, prod.animation])
    assert import_csv(client, empty, "assets", with_bom.text, dry_run=True)[0] == 200


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "name,asset_type,Modeling\r\nKeeper,Character,wip\r\nRope,Nope,\r\nrope,Prop,later\r\n,Prop,\r\n",
            [
                {"line": 2, "column": "name",
                 "message": "project {project} already has an asset named 'Keeper': asset {keeper}"},
                {"line": 3, "column": "asset_type", "message": "unknown asset type 'Nope'"},
                {"line": 4, "column": "name", "message": "line 3 has the same name"},
                {"line": 4, "column": "modeling",
                 "message": "unknown status 'later'; this project has todo, wip, done"},
                {"line": 5, "column": "name", "message": "a name is required"},
            ],
        ),
        (
            "name,asset_type,Lighting\r\n",
            [{"line": 1, "column": "lighting",
              "message": "unknown column 'lighting'; the columns are name, asset_type, description, "
                         "modeling, rigging"}],
        ),
    ],
)  # fmt: skip
def test_a_file_with_a_refused_row_imports_nothing(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    text: str,
    rows: list[dict[str, object]],
) -> None:
    before = snapshot(crud_engine)
    status, body = import_csv(client, prod.project, "assets", text, dry_run=False)
    names = {"project": prod.project, "keeper": prod.keeper}
    expected = [{**row, "message": str(row["message"]).format(**names)} for row in rows]
    assert (status, body) == (
        400,
        refusal(
            "invalid",
            f"{len(rows)} error{'s' if len(rows) != 1 else ''}: nothing was imported",
            ["csv"],
            rows=expected,
        ),
    )
    assert snapshot(crud_engine) == before


def test_the_export_is_read_a_page_at_a_time(
    client: TestClient, crud_engine: Engine, prod: Production, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_export, "EXPORT_PAGE", 1)
    exported = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/assets.csv")
    assert exported.response.text == LHK
    # the project, its task types, then per page its assets and their tasks,
    # and the empty page after two full ones
    assert exported.log.count == AUTH + 2 + 2 * 2 + 1


def test_a_name_taken_meanwhile_refuses_its_line(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    rope = (
        "INSERT INTO entity (kind, project_id, name, name_key, data, created_at, updated_at) "
        f"VALUES ('asset', {prod.project}, 'rope', 'asset::rope', '{{}}', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        f"INSERT INTO asset (id, asset_type_id) SELECT id, {prod.prop} FROM entity "
        "WHERE name_key = 'asset::rope'",
    )
    with meanwhile(crud_engine, "entity", *rope):
        status, body = import_csv(
            client, prod.project, "assets", "name,asset_type\r\nRope,Prop\r\nBell,Prop\r\n", False
        )
    [held] = scalars(crud_engine, select(Entity.id).where(Entity.name_key == "asset::rope"))
    message = f"project {prod.project} already has an asset named 'Rope': asset {held}"
    rows = [{"line": 2, "column": "name", "message": message}]
    assert (status, body) == (
        400,
        refusal("invalid", "1 error: nothing was imported", ["csv"], rows=rows),
    )
    assert "Bell" not in client.get(f"/api/projects/{prod.project}/assets.csv").text
