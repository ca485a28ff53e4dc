"""The shot grid as CSV and shots imported from CSV: an export imported
into an empty project (dry run, then apply) exports again identically, the
episodes and sequences it names created with it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from shotline.services import csv_export
from tests.refusals import refusal
from tests.shotline.crud.csv_support import meanwhile
from tests.shotline.crud.support import Production, call, import_csv, project_like_lhk, snapshot
from tests.shotline.signin import AUTH

HEADER = "episode,sequence,name,frame_in,frame_out,description,Animation\r\n"
SH0010 = "E01,SQ010,SH0010,1001,1048,,todo\r\n"
SH0020 = "E01,SQ010,SH0020,1001,1100,,\r\n"
LHK = HEADER + SH0010 + SH0020


def test_export_import_export_round_trip(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    exported = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/shots.csv")
    assert exported.status == 200
    assert exported.response.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.response.text == LHK
    # the project, its task types, the shots (sequence and episode joined), their tasks
    assert exported.log.count == AUTH + 4

    empty = project_like_lhk(client, prod, "NEW", [prod.animation])
    before = snapshot(crud_engine)
    dry = call(
        client, crud_engine, "POST", f"/api/projects/{empty}/shots.csv?dry_run=true", LHK.encode()
    )
    counts = {"rows": 2, "episodes": 1, "sequences": 1, "shots": 2, "tasks": 1}
    assert (dry.status, dry.response.json()) == (200, {"dry_run": True, **counts})
    # the checks, the task types, the statuses, the episodes and sequences, the shots' names
    assert dry.log.count == AUTH + 5
    assert snapshot(crud_engine) == before

    applied = call(client, crud_engine, "POST", f"/api/projects/{empty}/shots.csv", LHK.encode())
    assert (applied.status, applied.response.json()) == (200, {"dry_run": False, **counts})
    # 5 to check, then: the episode (names, insert, ids, own rows, events), the
    # sequence and the shots (their parents checked too), the tasks (3), commit
    assert applied.log.count == AUTH + 5 + 5 + 6 + 6 + 3
    assert client.get(f"/api/projects/{empty}/shots.csv").content == LHK.encode()
    # Imported again, every shot is a name its sequence holds now.
    assert import_csv(client, empty, "shots", LHK, dry_run=True)[0] == 400


def test_new_shots_in_existing_and_new_sequences(client: TestClient, prod: Production) -> None:
    text = (
        "sequence,name,frame_in,frame_out,episode\r\n"
        "SQ010,SH0030,1,2,e01\r\n"  # the existing SQ010 of E01, whatever the case
        "sq010,SH0030,1,2,\r\n"  # a new SQ010, of no episode
        "SQ020,SH0010,1,2,E02\r\n"  # a new episode and sequence
        "SQ030,SH0010,1,2,e02\r\n"  # the same new episode
    )
    assert import_csv(client, prod.project, "shots", text, dry_run=False) == (
        200,
        {"dry_run": False, "rows": 4, "episodes": 1, "sequences": 3, "shots": 4, "tasks": 0},
    )
    text = client.get(f"/api/projects/{prod.project}/shots.csv").text
    # Read a page at a time, each following the last one's episode, sequence and name.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_export, "EXPORT_PAGE", 2)
        assert client.get(f"/api/projects/{prod.project}/shots.csv").text == text
    assert text.splitlines()[1:] == [
        ",sq010,SH0030,1,2,,",
        "E01,SQ010,SH0010,1001,1048,,todo",
        "E01,SQ010,SH0020,1001,1100,,",
        "E01,SQ010,SH0030,1,2,,",
        "E02,SQ020,SH0010,1,2,,",
        "E02,SQ030,SH0010,1,2,,",
    ]


def test_export_filters_and_bom(client: TestClient, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/shots.csv"
    assert client.get(f"{url}?task_status=Animation:todo").text == HEADER + SH0010
    assert client.get(f"{url}?sequence={prod.sequence}&search=0020").text == HEADER + SH0020
    assert client.get(f"{url}?episode={prod.episode}&assignee={prod.mira}").text == HEADER
    with_bom = client.get(f"{url}?bom=true")
    assert with_bom.content.startswith(b"\xef\xbb\xbfepisode,")
    unknown = client.get(f"{url}?sequence_name=SQ010")
    valid = ["assignee", "bom", "episode", "search", "sequence", "task_status"]
    assert (unknown.status_code, unknown.json()) == (
        400,
        refusal("invalid", "unknown query parameter", ["sequence_name"], valid=valid),
    )


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "sequence,name,frame_in,frame_out,Animation,episode\r\n"
            "SQ010,sh0010,1,2,,E01\r\n"
            "SQ020,SH1,5,4,later,\r\n"
            "SQ020,sh1,x,,,\r\n"
            ",,1,2,,\r\n",
            [
                {"line": 2, "column": "name",
                 "message": "sequence 'SQ010' already has a shot named 'sh0010': shot {shot}"},
                {"line": 3, "column": "frame_out", "message": "must not be before frame_in"},
                {"line": 3, "column": "animation",
                 "message": "unknown status 'later'; this project has todo, wip, done"},
                {"line": 4, "column": "name", "message": "line 3 has the same shot"},
                {"line": 4, "column": "frame_in",
                 "message": "must be a whole number from 0 to 2147483647, not 'x'"},
                {"line": 4, "column": "frame_out", "message": "frame_out is required"},
                {"line": 5, "column": "sequence", "message": "a sequence is required"},
                {"line": 5, "column": "name", "message": "a name is required"},
            ],
        ),
        (
            "name,frame_in,frame_out\r\n",
            [{"line": 1, "column": "sequence", "message": "column 'sequence' is missing"}],
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
    status, body = import_csv(client, prod.project, "shots", text, dry_run=False)
    expected = [{**row, "message": str(row["message"]).format(shot=prod.shot)} for row in rows]
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


def test_an_unknown_project(client: TestClient) -> None:
    missing = import_csv(client, 2_000_000_000, "shots", LHK, dry_run=True)
    assert missing == (404, refusal("not_found", "project 2000000000 not found"))


def test_an_episode_created_meanwhile_refuses_the_file(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    e05 = (
        "INSERT INTO entity (kind, project_id, name, name_key, data, created_at, updated_at) "
        f"VALUES ('episode', {prod.project}, 'E05', 'episode::e05', '{{}}', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "INSERT INTO episode (id) SELECT id FROM entity WHERE name_key = 'episode::e05'",
    )
    text = "episode,sequence,name,frame_in,frame_out\r\nE05,SQ050,SH0010,1,2\r\n"
    with meanwhile(crud_engine, "entity", *e05):
        answer = import_csv(client, prod.project, "shots", text, dry_run=False)
    # Read again, the file would now put its shots into the episode created meanwhile.
    assert answer == (
        409,
        refusal("conflict", "another change wrote the same rows meanwhile: nothing was imported"),
    )
    assert "SQ050" not in client.get(f"/api/projects/{prod.project}/shots.csv").text
