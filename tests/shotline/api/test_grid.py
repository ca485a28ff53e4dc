"""The asset and shot grids and the asset and shot pages, on every dialect.

Data: see ``conftest.py``. Every request goes through ``get``, which also
checks that the ``Server-Timing`` header reports the statements counted and
the execution mode asked for (each test runs in both, ``mode``).
Requests are an admin's: the first statement of each resolves its token
(``AUTH``). Projects and entities reached from other rows are joined with
their access rule (``shotline.access``) in the ON clause, so every role
costs the same statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

import loadplan
from loadplan.fastapi import Mode
from loadplan.row_json import row_writer
from shotline.api import grid
from shotline.api.grid import grid_statement
from shotline.app import create_app
from shotline.models import AssetType
from shotline.schemas.grid import AssetOut, AssetRow, ShotOut, ShotRow
from shotline.settings import MODE_HEADER, Settings
from tests.refusals import refusal
from tests.shotline.api.conftest import ADMIN, Answer
from tests.shotline.modes import ran_as_asked
from tests.shotline.signin import AUTH, signed_in

Get = Callable[[str], Answer]

MIRA = {"id": 1, "full_name": "Mira Okafor"}
JONAS = {"id": 2, "full_name": "Jonas Martin"}
PRIYA = {"id": 3, "full_name": "Priya Sharma"}
T0 = "2025-03-03T09:00:00Z"


def cell(
    ident: int, task_type: str, status: str, assignees: list[dict[str, Any]], updated: str
) -> dict[str, Any]:
    return {
        "id": ident,
        "task_type": task_type,
        "task_status": status,
        "assignees": assignees,
        "updated_at": updated,
        "thumbnail_id": None,
    }


ANCHOR_TASKS = [
    cell(101, "Modeling", "done", [JONAS], "2025-03-04T09:00:00Z"),
    cell(102, "Rigging", "todo", [], T0),
    cell(103, "Shading", "wip", [MIRA, PRIYA], "2025-03-06T14:00:00Z"),
]
ASSET_ROWS: list[dict[str, Any]] = [
    {
        "id": 10,
        "name": "Anchor",
        "description": None,
        "asset_type": "Prop",
        "created_at": T0,
        "updated_at": "2025-03-10T09:00:00Z",
        "task_status": {"Modeling": "done", "Shading": "wip", "Rigging": "todo"},
        "task_details": ANCHOR_TASKS,
    },
    {
        "id": 11,
        "name": "Bell",
        "description": None,
        "asset_type": "Prop",
        "created_at": T0,
        "updated_at": "2025-03-12T09:00:00Z",
        # Its deleted Rigging task is neither a column nor a detail.
        "task_status": {"Modeling": "wip"},
        "task_details": [cell(104, "Modeling", "wip", [MIRA], "2025-03-05T11:00:00Z")],
    },
    {
        "id": 12,
        "name": "Keeper",
        "description": None,
        "asset_type": "Character",
        "created_at": T0,
        "updated_at": "2025-03-11T09:00:00Z",
        # Concept is not enabled on the project: last, not lost.
        "task_status": {"Modeling": "done", "Shading": "hold", "Rigging": "wfa", "Concept": "wip"},
        "task_details": [
            cell(106, "Modeling", "done", [PRIYA], "2025-03-03T17:00:00Z"),
            cell(107, "Rigging", "wfa", [PRIYA], "2025-03-07T09:00:00Z"),
            cell(108, "Shading", "hold", [], "2025-03-08T09:00:00Z"),
            cell(109, "Concept", "wip", [JONAS], "2025-03-02T09:00:00Z"),
        ],
    },
    {
        "id": 13,
        "name": "Lighthouse",
        "description": None,
        "asset_type": "Set",
        "created_at": T0,
        "updated_at": "2025-03-09T09:00:00Z",
        "task_status": {},
        "task_details": [],
    },
]
SHOT_ROWS: list[dict[str, Any]] = [
    {
        "id": 30,
        "name": "SH0010",
        "description": None,
        "sequence_id": 21,
        "sequence": "SQ010",
        "episode": "E01",
        "frame_in": 1001,
        "frame_out": 1030,
        "created_at": T0,
        "updated_at": "2025-03-14T09:00:00Z",
        "task_status": {"Layout": "done", "Animation": "wip"},
        "task_details": [
            cell(111, "Layout", "done", [JONAS], "2025-03-05T09:00:00Z"),
            cell(112, "Animation", "wip", [JONAS], "2025-03-07T15:00:00Z"),
        ],
    },
    {
        "id": 31,
        "name": "SH0020",
        "description": None,
        "sequence_id": 21,
        "sequence": "SQ010",
        "episode": "E01",
        "frame_in": 1001,
        "frame_out": 1031,
        "created_at": T0,
        "updated_at": "2025-03-12T09:00:00Z",
        "task_status": {"Layout": "wip"},
        "task_details": [cell(113, "Layout", "wip", [MIRA], "2025-03-06T09:00:00Z")],
    },
    {
        "id": 32,
        "name": "SH0030",
        "description": None,
        "sequence_id": 22,
        "sequence": "SQ020",
        "episode": None,
        "frame_in": 1001,
        "frame_out": 1032,
        "created_at": T0,
        "updated_at": "2025-03-13T09:00:00Z",
        "task_status": {},
        "task_details": [],
    },
]


def names(answer: Answer) -> list[str]:
    assert answer.status == 200, answer.body
    return [item["name"] for item in answer.body["items"]]


# -- Whole grids --------------------------------------------------------------------


def test_the_asset_grid_is_every_live_asset_by_name(get: Get) -> None:
    answer = get("/api/projects/1/assets")
    # assets (asset type joined, the status map built in a subquery of
    # theirs), tasks, assignees; no project lookup first, since rows came back
    assert (answer.status, answer.statements) == (200, AUTH + 3)
    assert "project_task_type" in answer.sql[AUTH]
    assert answer.body == {"items": ASSET_ROWS}
    # JSON objects are compared without order: the columns' order is the point.
    assert [list(item["task_status"]) for item in answer.body["items"]] == [
        ["Modeling", "Shading", "Rigging"],
        ["Modeling"],
        ["Modeling", "Shading", "Rigging", "Concept"],
        [],
    ]


def test_the_shot_grid_is_every_live_shot_by_name(get: Get) -> None:
    answer = get("/api/projects/1/shots")
    # shots (sequence and episode joined, the status map a subquery), tasks,
    # assignees
    assert (answer.status, answer.statements) == (200, AUTH + 3)
    assert answer.body == {"items": SHOT_ROWS}
    assert all(f"JOIN {table}" in answer.sql[AUTH] for table in ("sequence", "episode"))


@pytest.mark.parametrize("kind", ["assets", "shots"])
def test_statements_do_not_grow_with_the_page(get: Get, kind: str) -> None:
    small = get(f"/api/projects/2/{kind}?limit=10")
    large = get(f"/api/projects/2/{kind}?limit=500")
    whole = get(f"/api/projects/2/{kind}")
    assert (len(small.body["items"]), len(large.body["items"])) == (
        10,
        40 if kind == "assets" else 30,
    )
    expected = AUTH + 3
    assert small.statements == large.statements == whole.statements == expected
    assert small.body["items"] == large.body["items"][:10]


# -- Filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("asset_type=Prop", ["Anchor", "Bell"]),
        ("asset_type=1", ["Keeper"]),
        ("task_status=Modeling:done", ["Anchor", "Keeper"]),
        # Ids name task types and statuses too (Modeling is 1, done 4).
        ("task_status=1:4", ["Anchor", "Keeper"]),
        ("task_status=Modeling:4&task_status=1:wip", ["Anchor", "Bell", "Keeper"]),
        # Statuses of one task type are alternatives...
        ("task_status=Modeling:done&task_status=Modeling:wip", ["Anchor", "Bell", "Keeper"]),
        # ...task types must all match.
        ("task_status=Modeling:done&task_status=Shading:wip", ["Anchor"]),
        # Bell's Rigging task is deleted; Dock (deleted) has a live Modeling wip task.
        ("task_status=Rigging:wip", []),
        ("task_status=Modeling:wip", ["Bell"]),
        ("assignee=3", ["Anchor", "Keeper"]),
        ("assignee=1", ["Anchor", "Bell"]),
        ("assignee=99", []),
        ("search=E", ["Bell", "Keeper", "Lighthouse"]),
        ("search=%25", []),  # a literal '%', not a wildcard
        ("search=o&asset_type=Prop&assignee=2", ["Anchor"]),
    ],
)
def test_asset_filters(get: Get, query: str, expected: list[str]) -> None:
    assert names(get(f"/api/projects/1/assets?fields=name&{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sequence=21", ["SH0010", "SH0020"]),
        ("sequence=21&sequence=22", ["SH0010", "SH0020", "SH0030"]),
        ("episode=20", ["SH0010", "SH0020"]),
        ("episode=20&sequence=22", []),
        ("task_status=Animation:wip", ["SH0010"]),
        ("task_status=Layout:wip", ["SH0020"]),  # SH0040's Layout wip is deleted
        ("assignee=2", ["SH0010"]),
        ("search=h003", ["SH0030"]),
    ],
)
def test_shot_filters(get: Get, query: str, expected: list[str]) -> None:
    assert names(get(f"/api/projects/1/shots?fields=name&{query}")) == expected


def test_filters_cost_only_their_lookups(get: Get) -> None:
    plain = get("/api/projects/1/assets?fields=id&search=e")
    by_status = get("/api/projects/1/assets?fields=id&task_status=Modeling:done")
    by_type = get("/api/projects/1/assets?fields=id&asset_type=Prop")
    assert plain.statements == AUTH + 1  # assets
    # the project with its task types and statuses, to resolve the names
    assert by_status.statements == AUTH + 4
    assert by_type.statements == AUTH + 2  # + the asset type
    assert "EXISTS" in by_status.sql[-1]
    # Only an empty grid looks the project up, to tell 404 from no rows.
    empty = get("/api/projects/1/assets?fields=id&search=zzz")
    assert (empty.status, empty.body, empty.statements) == (200, {"items": []}, AUTH + 2)
    assert "FROM project" in empty.sql[-1]


# -- Ordering and pages -------------------------------------------------------------


def test_order_by_several_fields(get: Get) -> None:
    assert names(get("/api/projects/1/assets?fields=name&order=-updated_at")) == [
        "Bell",
        "Keeper",
        "Anchor",
        "Lighthouse",
    ]
    assert names(get("/api/projects/1/shots?fields=name&order=sequence_id,-name")) == [
        "SH0020",
        "SH0010",
        "SH0030",
    ]


def _walk(get: Get, url: str, by_cursor: bool) -> list[int]:
    ids: list[int] = []
    cursor: str | None = None
    while True:
        page_url = f"{url}&cursor={cursor}" if cursor else url
        if not by_cursor:
            page_url = f"{url}&offset={len(ids)}"
        answer = get(page_url)
        assert answer.status == 200, answer.body
        assert answer.body["total"] == 40
        ids += [item["id"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            return ids


@pytest.mark.parametrize("order", ["-updated_at", "name", "-name"])
def test_cursor_walk_equals_offset_walk(get: Get, order: str) -> None:
    url = f"/api/projects/2/assets?fields=id&limit=7&total=true&order={order}"
    by_cursor = _walk(get, url, by_cursor=True)
    assert by_cursor == _walk(get, url, by_cursor=False)
    day = {1000 + i: 1 + (i * 7) % 11 for i in range(40)}
    expected = {
        "-updated_at": sorted(day, key=lambda ident: (-day[ident], ident)),
        "name": sorted(day),
        "-name": sorted(day, reverse=True),
    }[order]
    assert by_cursor == expected


def test_deleted_entities_are_not_counted(get: Get) -> None:
    # The cursors are URL-safe base64 of the order, name then id, and the keys
    # ["Anchor", 10] and ["SH0010", 30].
    assets = get("/api/projects/1/assets?fields=id&limit=1&total=true")
    shots = get("/api/projects/1/shots?fields=id&limit=1&total=true")
    assert assets.body == {
        "items": [{"id": 10}],
        "total": 4,
        "next_cursor": "eyJvcmRlciI6Im5hbWUsIGlkIiwia2V5cyI6WyJBbmNob3IiLDEwXX0=",
    }
    assert shots.body == {
        "items": [{"id": 30}],
        "total": 3,
        "next_cursor": "eyJvcmRlciI6Im5hbWUsIGlkIiwia2V5cyI6WyJTSDAwMTAiLDMwXX0=",
    }


def test_a_page_with_total(get: Get) -> None:
    answer = get("/api/projects/2/assets?fields=id&limit=3&offset=38&total=true")
    assert answer.body == {"items": [{"id": 1038}, {"id": 1039}], "total": 40, "next_cursor": None}
    assert answer.statements == AUTH + 2  # assets, count


# -- Sparse fieldsets ---------------------------------------------------------------


def test_sparse_fields_shrink_json_and_sql(get: Get) -> None:
    answer = get("/api/projects/1/assets?fields=id,name")
    assert answer.body == {"items": [{"id": r["id"], "name": r["name"]} for r in ASSET_ROWS]}
    assert answer.statements == AUTH + 1
    assert "description" not in answer.sql[AUTH]
    assert "asset_type" not in answer.sql[AUTH]

    statuses = get("/api/projects/1/assets?fields=id,task_status")
    assert statuses.body == {
        "items": [{"id": r["id"], "task_status": r["task_status"]} for r in ASSET_ROWS]
    }
    # the map is built in the assets' statement: no task is loaded
    assert statuses.statements == AUTH + 1
    assert "project_task_type" in statuses.sql[AUTH]
    assert not any("person" in sql for sql in statuses.sql[AUTH:])
    assert not any("task.updated_at" in sql for sql in statuses.sql)

    people = get("/api/projects/1/assets?fields=id,task_details.assignees.full_name")
    assert people.body["items"][0] == {
        "id": 10,
        "task_details": [
            {"assignees": [{"full_name": "Jonas Martin"}]},
            {"assignees": []},
            {"assignees": [{"full_name": "Mira Okafor"}, {"full_name": "Priya Sharma"}]},
        ],
    }
    assert people.statements == AUTH + 3  # assets, tasks, assignees: no task type order
    assert not any("project_task_type" in sql for sql in people.sql)
    assert "email" not in people.sql[AUTH + 2]


def test_a_page_of_each_task_list(get: Get) -> None:
    answer = get(
        "/api/projects/1/assets?fields=id,task_details.id"
        "&task_details.limit=1&task_details.order=-updated_at"
    )
    assert answer.body == {
        "items": [
            {"id": 10, "task_details": [{"id": 103}]},
            {"id": 11, "task_details": [{"id": 104}]},
            {"id": 12, "task_details": [{"id": 108}]},
            {"id": 13, "task_details": []},
        ]
    }
    assert answer.statements == AUTH + 2


def test_a_page_of_each_task_list_beside_the_status_map(get: Get) -> None:
    # The map reads every live task in SQL, whatever page of them the row lists.
    answer = get(
        "/api/projects/1/assets?fields=id,task_status,task_details.id"
        "&task_details.limit=1&task_details.order=-updated_at"
    )
    assert answer.body == {
        "items": [
            {"id": row["id"], "task_status": row["task_status"], "task_details": tasks}
            for row, tasks in zip(
                ASSET_ROWS, [[{"id": 103}], [{"id": 104}], [{"id": 108}], []], strict=True
            )
        ]
    }
    assert [list(item["task_status"]) for item in answer.body["items"]] == [
        list(row["task_status"]) for row in ASSET_ROWS
    ]
    assert answer.statements == AUTH + 2


# -- Asset and shot pages -----------------------------------------------------------


def _page(row: dict[str, Any], tasks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    page = {k: v for k, v in row.items() if k != "task_details"}
    full = [
        {**task, "priority": 0, "estimate": None, "start_date": None, "due_date": None}
        | {"created_at": T0}
        for task in tasks
    ]
    return {**page, **extra, "task_count": len(tasks), "tasks": full}


def test_asset_page(get: Get) -> None:
    answer = get("/api/assets/10")
    # asset (the status map a subquery), tasks, assignees
    assert (answer.status, answer.statements) == (200, AUTH + 3)
    expected = _page(ASSET_ROWS[0], ANCHOR_TASKS, project_id=1, asset_type_id=2)
    assert answer.body == expected


def test_asset_page_counts_live_tasks_only(get: Get) -> None:
    answer = get("/api/assets/11?fields=task_count,task_status,tasks.id")
    assert answer.body == {
        "task_count": 1,
        "task_status": {"Modeling": "wip"},
        "tasks": [{"id": 104}],
    }
    assert answer.statements == AUTH + 2  # asset (the map a subquery), tasks


def test_shot_page(get: Get) -> None:
    answer = get("/api/shots/30")
    # shot (sequence and episode joined, the map), tasks, assignees
    assert (answer.status, answer.statements) == (200, AUTH + 3)
    row = SHOT_ROWS[0]
    assert answer.body == _page(row, row["task_details"], project_id=1, fps=None)


def test_task_count_alone_is_one_statement(get: Get) -> None:
    answer = get("/api/shots/31?fields=id,task_count")
    assert (answer.body, answer.statements) == ({"id": 31, "task_count": 1}, AUTH + 1)
    assert "deleted_at IS NULL" in answer.sql[AUTH].split("FROM entity")[0]


# -- Errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/projects/999/assets", "project 999 not found"),
        ("/api/projects/999/shots", "project 999 not found"),
        ("/api/assets/999", "asset 999 not found"),
        ("/api/assets/30", "asset 30 not found"),  # a shot
        ("/api/assets/14", "asset 14 not found"),  # deleted
        ("/api/shots/10", "shot 10 not found"),  # an asset
        ("/api/shots/33", "shot 33 not found"),  # deleted
    ],
)
def test_unknown_objects_are_404(get: Get, url: str, detail: str) -> None:
    answer = get(url)
    assert (answer.status, answer.body) == (404, refusal("not_found", detail))


LHK_TYPES = "Modeling, Shading, Rigging, Layout, Animation"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "task_status=Modelling:wip",
            "task_status",
            f"unknown task type 'Modelling'; this project has {LHK_TYPES}",
        ),
        (
            "task_status=Concept:wip",
            "task_status",
            f"unknown task type 'Concept'; this project has {LHK_TYPES}",
        ),
        (
            "task_status=Modeling:hold",
            "task_status",
            "unknown status 'hold'; this project has todo, wip, wfa, done",
        ),
        (
            "task_status=Modeling",
            "task_status",
            "expected '<task type>:<task status>', got 'Modeling'",
        ),
        ("asset_type=Vehicle", "asset_type", "unknown asset type 'Vehicle'"),
        ("cursor=nope&limit=2", "cursor", "invalid cursor"),
        # updated_at is a decorated type, which refuses a naive datetime.
        ("order=-updated_at&cursor=nope&limit=2", "cursor", "invalid cursor"),
        (
            "order=-updated_at&cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwxXQ==&limit=2",
            "cursor",
            "invalid cursor",
        ),
        ("asset_type=42", "asset_type", "unknown asset type '42'"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    get: Get, query: str, field: str, message: str
) -> None:
    answer = get(f"/api/projects/1/assets?{query}")
    assert (answer.status, answer.body) == (400, refusal("invalid", message, [field]))


def test_unknown_fields_and_orders_are_400_listing_the_valid_ones(get: Get) -> None:
    fields = get("/api/projects/1/assets?fields=id,bogus")
    assert (fields.status, fields.body) == (
        400,
        refusal(
            "invalid",
            "unknown field",
            ["bogus"],
            valid=[
                "id",
                "name",
                "description",
                "asset_type",
                "created_at",
                "updated_at",
                "task_status",
                "task_details",
                "task_details.id",
                "task_details.task_type",
                "task_details.task_status",
                "task_details.assignees",
                "task_details.assignees.id",
                "task_details.assignees.full_name",
                "task_details.updated_at",
                "task_details.thumbnail_id",
            ],
        ),
    )
    order = get("/api/projects/1/shots?order=sequence")
    assert (order.status, order.body) == (
        400,
        refusal(
            "invalid",
            "cannot order by",
            ["sequence"],
            valid=[
                "created_at",
                "description",
                "frame_in",
                "frame_out",
                "id",
                "name",
                "sequence_id",
                "updated_at",
            ],
        ),
    )
    assert fields.statements == order.statements == AUTH


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "limit=501",
            {"loc": ["query", "limit"], "msg": "must not exceed 500", "type": "less_than_equal"},
        ),
        (
            "limit=-1",
            {
                "type": "greater_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be greater than or equal to 0",
                "input": "-1",
                "ctx": {"ge": 0},
            },
        ),
        (
            "assignee=mira",
            {
                "type": "int_parsing",
                "loc": ["query", "assignee"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "mira",
            },
        ),
    ],
)
def test_invalid_parameters_are_422(get: Get, query: str, error: dict[str, Any]) -> None:
    answer = get(f"/api/projects/1/assets?{query}")
    assert (answer.status, answer.body) == (422, {"detail": [error]})


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        ("/api/assets/3000000000", ["path", "asset_id"]),
        ("/api/shots/0", ["path", "shot_id"]),
        ("/api/projects/3000000000/assets", ["path", "project_id"]),
        ("/api/projects/1/shots?sequence=21&sequence=3000000000", ["query", "sequence", 1]),
        ("/api/projects/1/assets?offset=9223372036854775808", ["query", "offset"]),
    ],
)
def test_numbers_the_database_cannot_hold_are_422(get: Get, url: str, loc: list[Any]) -> None:
    answer = get(url)
    assert answer.status == 422
    assert [error["loc"] for error in answer.body["detail"]] == [loc]
    assert answer.statements == AUTH


def test_page_size_and_explain_follow_the_app_settings(grid_engine: Engine, mode: str) -> None:
    app = create_app(grid_engine, Settings(max_page_size=20, debug=True))
    client = signed_in(TestClient(app, headers={MODE_HEADER: mode}), grid_engine, ADMIN)
    too_large = client.get("/api/projects/2/assets?limit=21")
    assert (too_large.status_code, too_large.json()["detail"][0]["msg"]) == (
        422,
        "must not exceed 20",
    )
    assert client.get("/api/projects/2/assets?limit=20&fields=id").status_code == 200
    explained = client.get("/api/projects/1/assets?fields=id,task_status&explain=1").json()
    assert explained["statement_count"] == 1  # assets, the map in a subquery
    assert explained["plan"].startswith("Asset (")
    assert ran_as_asked(mode, explained["mode"])


def test_the_json_mode_writes_the_status_map_without_a_pass_per_key(grid_engine: Engine) -> None:
    # An entity has one task per type and a type one name (unique keys):
    # no key can repeat, and the map's members are joined as they come
    # (on MariaDB too, where no subquery per task looks for its key's first
    # and last rows).
    app = create_app(grid_engine, Settings(debug=True))
    client = signed_in(TestClient(app, headers={MODE_HEADER: "json"}), grid_engine, ADMIN)
    explained = client.get("/api/projects/1/assets?fields=id,task_status&explain=1").json()
    assert (explained["mode"], explained["statement_count"]) == ("json", 1)
    assert " OVER " not in explained["statements"][0]
    # The assets' and the map's (on PostgreSQL and SQLite, over its rows).
    selects = 2 if grid_engine.dialect.name == "mysql" else 3
    assert explained["statements"][0].count("SELECT") == selects


@pytest.mark.parametrize(
    ("setting", "ran"), [("auto", "json"), ("json", "json"), ("rows", "rows"), ("orm", "orm")]
)
def test_the_mode_setting_chooses_without_a_header(
    grid_engine: Engine, setting: Mode, ran: str
) -> None:
    # The grid's response is built by the database (the JSON mode).
    app = create_app(grid_engine, Settings(loadplan_mode=setting))
    client = signed_in(TestClient(app), grid_engine, ADMIN)
    grid = client.get("/api/projects/1/assets?limit=2")
    assert grid.headers[MODE_HEADER] == ran
    forced = client.get("/api/projects/1/assets?limit=2", headers={MODE_HEADER: "orm"})
    assert forced.headers[MODE_HEADER] == "orm"
    assert forced.content == grid.content
    # GraphQL's root lists of columns are built by the database too.
    graphql = client.post("/graphql", json={"query": "{ taskTypes { name } }"})
    assert graphql.headers[MODE_HEADER] == ran


def test_an_unknown_mode_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOTLINE_LOADPLAN_MODE", "fast")
    with pytest.raises(
        ValueError,
        match=r"^SHOTLINE_LOADPLAN_MODE must be one of auto, rows, orm, json, not .fast.$",
    ):
        Settings()


@pytest.mark.parametrize("schema", [AssetRow, ShotRow, AssetOut, ShotOut])
def test_grid_responses_are_written_straight_from_rows(schema: type[BaseModel]) -> None:
    # Plain-data models: the row mode writes them with orjson, no validation.
    assert row_writer(schema) is not None


@pytest.mark.parametrize(
    "url", ["/api/projects/1/assets", "/api/projects/1/shots", "/api/assets/10", "/api/shots/30"]
)
def test_the_row_mode_never_validates_a_grid_response(
    get: Get, mode: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any) -> Any:
        raise AssertionError("validated through the response model")

    if mode == "rows":
        monkeypatch.setattr("loadplan.fastapi._adapter", refuse)
    assert get(url).status == 200


# -- Statements kept per request ----------------------------------------------------


def test_a_grid_asked_again_builds_its_statement_once_in_the_json_mode(
    client: TestClient, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The principal and the request's values decide the statement: the JSON
    # mode keeps it for them; the other modes build theirs on each request.
    built: list[str | None] = []

    def counted(*args: Any) -> Any:
        built.append(args[-1])
        return grid_statement(*args)

    loadplan.clear_caches()
    monkeypatch.setattr(grid, "grid_statement", counted)
    url = "/api/projects/1/assets?fields=name&search=nch&limit=10"
    answers = [client.get(url) for _ in range(2)]
    assert [a.json() for a in answers] == [{"items": [{"name": "Anchor"}], "next_cursor": None}] * 2
    assert built == (["nch"] if mode == "json" else ["nch", "nch"])


def test_a_renamed_asset_type_is_looked_up_again(client: TestClient, grid_engine: Engine) -> None:
    def rename(name: str) -> None:
        with Session(grid_engine) as session, session.begin():
            session.execute(update(AssetType).where(AssetType.id == 2).values(name=name))

    before = client.get("/api/projects/1/assets?fields=name&asset_type=Prop")
    rename("Props")
    try:
        stale = client.get("/api/projects/1/assets?fields=name&asset_type=Prop")
        renamed = client.get("/api/projects/1/assets?fields=name&asset_type=Props")
    finally:
        rename("Prop")
    assert before.json() == renamed.json() == {"items": [{"name": "Anchor"}, {"name": "Bell"}]}
    assert (stale.status_code, stale.json()) == (
        400,
        refusal("invalid", "unknown asset type 'Prop'", ["asset_type"]),
    )
