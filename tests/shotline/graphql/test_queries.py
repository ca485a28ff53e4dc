"""GraphQL queries through the app: exact responses on the small production,
and the same exact statement count on the small and the large one (2 and 12
assets and shots per sequence), which shows that a query costs a fixed number
of statements whatever the number of rows."""

from __future__ import annotations

from typing import Any

import pytest

from loadplan.strawberry.pagination import encode_cursor
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")


def run(
    small: Api, large: Api, statements: int, query: str, variables: dict[str, Any] | None = None
) -> Any:
    """The small production's data, after checking the statements of both
    (``statements``, besides the one that resolves the request's token)."""
    data, log = small.data(query, variables)
    log.assert_count(AUTH + statements)
    _, large_log = large.data(query, variables)
    large_log.assert_count(AUTH + statements)
    return data


def lhk(api: Api) -> dict[str, str]:
    return {"id": str(api.ids.projects["LHK"])}


def cell(task_type: str, status: str, *assignees: str) -> dict[str, Any]:
    """A task as the grid queries below select it."""
    return {
        "taskType": {"shortName": task_type},
        "taskStatus": {"shortName": status},
        "assignees": [{"fullName": name} for name in assignees],
    }


MIRA, TOMAS, INES, LEO = "Mira Okafor", "Tomás Reyes", "Ines Abara", "Leo Brandt"


def test_projects_with_their_pipeline(small: Api, large: Api) -> None:
    query = """{ projects { code name fps status startDate
        taskTypes { shortName forEntity department { name } } taskStatuses { shortName isDone } } }"""
    # projects; task types (department joined); task statuses
    assert run(small, large, 3, query) == {
        "projects": [
            {
                "code": "LHK",
                "name": "The Lighthouse Keepers",
                "fps": 24.0,
                "status": "OPEN",
                "startDate": "2025-01-06",
                "taskTypes": [
                    {"shortName": "mod", "forEntity": "ASSET", "department": {"name": "Modeling"}},
                    {"shortName": "rig", "forEntity": "ASSET", "department": None},
                    {"shortName": "anim", "forEntity": "SHOT", "department": {"name": "Animation"}},
                    {"shortName": "light", "forEntity": "SHOT", "department": None},
                ],
                "taskStatuses": [
                    {"shortName": "todo", "isDone": False},
                    {"shortName": "wip", "isDone": False},
                    {"shortName": "retake", "isDone": False},
                    {"shortName": "done", "isDone": True},
                ],
            },
            {
                "code": "PMN",
                "name": "Paper Moon",
                "fps": 25.0,
                "status": "OPEN",
                "startDate": "2025-01-06",
                "taskTypes": [
                    {"shortName": "anim", "forEntity": "SHOT", "department": {"name": "Animation"}}
                ],
                "taskStatuses": [
                    {"shortName": "todo", "isDone": False},
                    {"shortName": "wip", "isDone": False},
                    {"shortName": "retake", "isDone": False},
                    {"shortName": "done", "isDone": True},
                ],
            },
        ]
    }


def test_shot_status_grid(small: Api, large: Api) -> None:
    """project → sequences → shots → tasks with their status: the grid of a
    production, one statement per level."""
    query = """query Grid($id: ID!) { project(id: $id) { code taskTypes { shortName }
        sequences { name shots { name frameIn frameOut
            tasks { taskType { shortName } taskStatus { shortName } assignees { fullName } } } } } }"""
    # project; task types; sequences; shots; tasks (type and status joined); assignees
    assert run(small, large, 6, query, lhk(small)) == {
        "project": {
            "code": "LHK",
            "taskTypes": [
                {"shortName": "mod"},
                {"shortName": "rig"},
                {"shortName": "anim"},
                {"shortName": "light"},
            ],
            "sequences": [
                {
                    "name": "SQ010",
                    "shots": [
                        # Its lighting task is soft-deleted, and so is SH0990.
                        {
                            "name": "SH0010",
                            "frameIn": 1001,
                            "frameOut": 1024,
                            "tasks": [cell("anim", "wip")],
                        },
                        {
                            "name": "SH0020",
                            "frameIn": 1001,
                            "frameOut": 1048,
                            "tasks": [
                                cell("anim", "wip", TOMAS, INES),
                                cell("light", "retake", TOMAS),
                            ],
                        },
                    ],
                },
                {
                    "name": "SQ020",
                    "shots": [
                        {
                            "name": "SH0010",
                            "frameIn": 1001,
                            "frameOut": 1024,
                            "tasks": [cell("anim", "done", MIRA, LEO), cell("light", "wip")],
                        },
                        {
                            "name": "SH0020",
                            "frameIn": 1001,
                            "frameOut": 1048,
                            "tasks": [
                                cell("anim", "todo", MIRA),
                                cell("light", "wip", TOMAS, INES),
                            ],
                        },
                    ],
                },
            ],
        }
    }


def test_assets_with_tasks_and_assignees(small: Api, large: Api) -> None:
    query = """query($id: ID!) { project(id: $id) { assets { name assetType { name }
        tasks { typeShortName statusShortName taskStatus { isDone }
            assignees { fullName email role department { name } } } } } }"""

    def person(name: str, email: str, role: str, department: str | None) -> dict[str, Any]:
        return {
            "fullName": name,
            "email": email,
            "role": role,
            "department": department and {"name": department},
        }

    mira = person(MIRA, "mira@studio.example", "ARTIST", "Modeling")
    tomas = person(TOMAS, "tomas@studio.example", "ARTIST", "Animation")
    ines = person(INES, "ines@studio.example", "SUPERVISOR", "Animation")
    leo = person(LEO, "leo@studio.example", "MANAGER", None)
    # project; assets (asset type joined); tasks (type and status joined);
    # assignees (department joined)
    assert run(small, large, 4, query, lhk(small)) == {
        "project": {
            "assets": [
                {
                    "name": "Keeper",
                    "assetType": {"name": "Character"},
                    "tasks": [
                        {
                            "typeShortName": "mod",
                            "statusShortName": "todo",
                            "taskStatus": {"isDone": False},
                            "assignees": [mira],
                        },
                        {
                            "typeShortName": "rig",
                            "statusShortName": "wip",
                            "taskStatus": {"isDone": False},
                            "assignees": [tomas, ines],
                        },
                    ],
                },
                {
                    "name": "Lantern",
                    "assetType": {"name": "Prop"},
                    "tasks": [
                        {
                            "typeShortName": "mod",
                            "statusShortName": "retake",
                            "taskStatus": {"isDone": False},
                            "assignees": [tomas],
                        },
                        {
                            "typeShortName": "rig",
                            "statusShortName": "done",
                            "taskStatus": {"isDone": True},
                            "assignees": [mira, leo],
                        },
                    ],
                },
            ]
        }
    }


def test_entity_interface_with_fragments(small: Api, large: Api) -> None:
    """Every kind of entity in one list: one statement joins the kinds' tables."""
    query = """query($id: ID!) { project(id: $id) { entityConnection(first: 6, order: [{kind: ASC}, {name: DESC}]) {
        totalCount edges { node { __typename name
            ... on Asset { assetType { name } }
            ... on Shot { frameIn frameOut sequence { name } } } } } } }"""

    def shot(name: str, frame_out: int, sequence: str) -> dict[str, Any]:
        return {
            "node": {
                "__typename": "Shot",
                "name": name,
                "frameIn": 1001,
                "frameOut": frame_out,
                "sequence": {"name": sequence},
            }
        }

    # project; one page of entities with their kinds' columns, the asset
    # type and the shots' sequences joined (under the entity rule), and each
    # project's total.
    data, log = small.data(query, lhk(small))
    log.assert_count(AUTH + 2)
    large.data(query, lhk(large))[1].assert_count(AUTH + 2)
    assert data == {
        "project": {
            "entityConnection": {
                "totalCount": 9,
                "edges": [
                    {
                        "node": {
                            "__typename": "Asset",
                            "name": "Lantern",
                            "assetType": {"name": "Prop"},
                        }
                    },
                    {
                        "node": {
                            "__typename": "Asset",
                            "name": "Keeper",
                            "assetType": {"name": "Character"},
                        }
                    },
                    {"node": {"__typename": "Episode", "name": "E01"}},
                    {"node": {"__typename": "Sequence", "name": "SQ020"}},
                    {"node": {"__typename": "Sequence", "name": "SQ010"}},
                    shot("SH0020", 1048, "SQ010"),
                ],
            }
        }
    }


def test_one_entity_by_id(small: Api, large: Api) -> None:
    query = """query($shot: ID!, $asset: ID!) {
        shot: entity(id: $shot) { __typename id name ... on Shot { frameIn sequence { name episode { name } } }
            tasks { typeShortName } }
        asset: entity(id: $asset) { __typename id name ... on Asset { assetType { name } } } }"""
    shot, asset = small.ids.shots["SQ020/SH0010"], small.ids.assets["Lantern"]
    variables = {"shot": str(shot), "asset": str(asset)}
    large_variables = {
        "shot": str(large.ids.shots["SQ020/SH0010"]),
        "asset": str(large.ids.assets["Lantern"]),
    }
    # the shot (its sequence and that sequence's episode joined, under the
    # entity rule); its tasks; the asset (asset type joined)
    data, log = small.data(query, variables)
    log.assert_count(AUTH + 3)
    large.data(query, large_variables)[1].assert_count(AUTH + 3)
    assert data == {
        "shot": {
            "__typename": "Shot",
            "id": str(shot),
            "name": "SH0010",
            "frameIn": 1001,
            "sequence": {"name": "SQ020", "episode": {"name": "E01"}},
            "tasks": [{"typeShortName": "anim"}, {"typeShortName": "light"}],
        },
        "asset": {
            "__typename": "Asset",
            "id": str(asset),
            "name": "Lantern",
            "assetType": {"name": "Prop"},
        },
    }


def test_nested_connections_with_cursors_and_totals(small: Api, large: Api) -> None:
    """A page per parent at three levels, each with its parent's total."""
    query = """query($id: ID!, $after: String) { project(id: $id) {
        sequenceConnection(first: 1) { totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { name
                shotConnection(first: 1, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage }
                    edges { cursor node { name
                        taskConnection(first: 1, order: [{id: DESC}]) { totalCount
                            edges { node { typeShortName } } } } } } } } } } }"""
    variables = {**lhk(small), "after": encode_cursor(0)}
    # project; sequences; shots; tasks (each a windowed statement with totals)
    data, log = small.data(query, variables)
    log.assert_count(AUTH + 4)
    large.data(query, {**lhk(large), "after": encode_cursor(0)})[1].assert_count(AUTH + 4)
    assert data == {
        "project": {
            "sequenceConnection": {
                "totalCount": 2,
                "pageInfo": {
                    "hasNextPage": True,
                    "hasPreviousPage": False,
                    "startCursor": encode_cursor(0),
                    "endCursor": encode_cursor(0),
                },
                "edges": [
                    {
                        "cursor": encode_cursor(0),
                        "node": {
                            "name": "SQ010",
                            "shotConnection": {
                                "totalCount": 2,
                                "pageInfo": {"hasNextPage": False, "hasPreviousPage": True},
                                "edges": [
                                    {
                                        "cursor": encode_cursor(1),
                                        "node": {
                                            "name": "SH0020",
                                            "taskConnection": {
                                                "totalCount": 2,
                                                "edges": [{"node": {"typeShortName": "light"}}],
                                            },
                                        },
                                    }
                                ],
                            },
                        },
                    }
                ],
            }
        }
    }


def test_last_page_of_a_connection(small: Api, large: Api) -> None:
    query = """query($id: ID!) { project(id: $id) { assetConnection(last: 1) {
        totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { name } } } } }"""
    data = run(small, large, 2, query, lhk(small))
    assert data == {
        "project": {
            "assetConnection": {
                "totalCount": 2,
                "pageInfo": {"hasNextPage": False, "hasPreviousPage": True},
                "edges": [{"cursor": encode_cursor(1), "node": {"name": "Lantern"}}],
            }
        }
    }


def test_filters_and_ordering_on_nested_lists(small: Api, large: Api) -> None:
    query = """query($id: ID!) { project(id: $id) {
        shots(filter: {name: {eq: "SH0020"}, frameOut: {gt: 1024}}, order: [{id: DESC}]) { id sequence { name } }
        sequences(order: [{name: DESC}]) { name
            shots { name tasks(filter: {statusShortName: {ne: "todo"}, priority: {lt: 2}},
                               order: [{typeShortName: DESC}]) { typeShortName statusShortName } } }
        assets(filter: {name: {startswith: "Lan"}}) { name } } }"""
    # project; shots (filtered; sequences joined); sequences; their shots;
    # their tasks (filtered on the status through EXISTS); assets (filtered)
    data = run(small, large, 6, query, lhk(small))
    assert data == {
        "project": {
            "shots": [
                {"id": str(small.ids.shots["SQ020/SH0020"]), "sequence": {"name": "SQ020"}},
                {"id": str(small.ids.shots["SQ010/SH0020"]), "sequence": {"name": "SQ010"}},
            ],
            "sequences": [
                {
                    "name": "SQ020",
                    "shots": [
                        {
                            "name": "SH0010",
                            "tasks": [{"typeShortName": "light", "statusShortName": "wip"}],
                        },
                        {"name": "SH0020", "tasks": []},
                    ],
                },
                {
                    "name": "SQ010",
                    "shots": [
                        {
                            "name": "SH0010",
                            "tasks": [{"typeShortName": "anim", "statusShortName": "wip"}],
                        },
                        {
                            "name": "SH0020",
                            "tasks": [
                                {"typeShortName": "light", "statusShortName": "retake"},
                                {"typeShortName": "anim", "statusShortName": "wip"},
                            ],
                        },
                    ],
                },
            ],
            "assets": [{"name": "Lantern"}],
        }
    }


def test_root_task_connection_filtered_ordered_and_paged(small: Api, large: Api) -> None:
    query = """query($after: String) { taskConnection(first: 2, after: $after,
            filter: {statusShortName: {in: ["wip", "retake"]}, priority: {le: 1}},
            order: [{dueDate: DESC}]) {
        totalCount pageInfo { hasNextPage }
        edges { node { statusShortName priority dueDate entity { __typename name } } } } }"""
    # tasks (entities joined); the total
    data = run(small, large, 2, query, {"after": encode_cursor(0)})
    # Small: the wip or retake tasks of priority ≤ 1 are tasks number 1, 4, 6,
    # 7 and 9 (task number n has priority n % 3 and is due on April 1 + n days).
    assert data == {
        "taskConnection": {
            "totalCount": 5,
            "pageInfo": {"hasNextPage": True},
            "edges": [
                {
                    "node": {
                        "statusShortName": "retake",
                        "priority": 1,
                        "dueDate": "2025-04-08",
                        "entity": {"__typename": "Shot", "name": "SH0020"},
                    }
                },
                {
                    "node": {
                        "statusShortName": "wip",
                        "priority": 0,
                        "dueDate": "2025-04-07",
                        "entity": {"__typename": "Shot", "name": "SH0020"},
                    }
                },
            ],
        }
    }


def test_project_aggregates(small: Api, large: Api) -> None:
    """Progress per task type: one grouped statement, soft-deleted tasks and
    tasks of soft-deleted entities left out; counts are computed in SQL."""
    query = """query($id: ID!) { project(id: $id) { assetCount shotCount
        progress { taskTypeShortName taskTypeName total done doneRatio statusCounts { shortName count } } } }"""
    # project with its counts; the grouped progress statement
    data = run(small, large, 2, query, lhk(small))

    def counts(**by_status: int) -> list[dict[str, Any]]:
        return [{"shortName": s, "count": c} for s, c in by_status.items()]

    assert data == {
        "project": {
            "assetCount": 2,
            "shotCount": 4,
            "progress": [
                {
                    "taskTypeShortName": "mod",
                    "taskTypeName": "Modeling",
                    "total": 2,
                    "done": 0,
                    "doneRatio": 0.0,
                    "statusCounts": counts(todo=1, retake=1),
                },
                {
                    "taskTypeShortName": "rig",
                    "taskTypeName": "Rigging",
                    "total": 2,
                    "done": 1,
                    "doneRatio": 0.5,
                    "statusCounts": counts(wip=1, done=1),
                },
                {
                    "taskTypeShortName": "anim",
                    "taskTypeName": "Animation",
                    "total": 4,
                    "done": 1,
                    "doneRatio": 0.25,
                    "statusCounts": counts(todo=1, wip=2, done=1),
                },
                {
                    "taskTypeShortName": "light",
                    "taskTypeName": "Lighting",
                    "total": 3,
                    "done": 0,
                    "doneRatio": 0.0,
                    "statusCounts": counts(wip=2, retake=1),
                },
            ],
        }
    }


def test_progress_of_a_task_type_without_tasks(small: Api, large: Api) -> None:
    query = """query($id: ID!) { project(id: $id) { code
        progress { taskTypeShortName total done doneRatio statusCounts { shortName } } } }"""
    data = run(small, large, 2, query, {"id": str(small.ids.projects["PMN"])})
    assert data == {
        "project": {
            "code": "PMN",
            "progress": [
                {
                    "taskTypeShortName": "anim",
                    "total": 0,
                    "done": 0,
                    "doneRatio": 0.0,
                    "statusCounts": [],
                }
            ],
        }
    }


def test_aggregates_of_the_large_production(large: Api) -> None:
    query = """query($id: ID!) { project(id: $id) { assetCount shotCount
        progress { taskTypeShortName total done statusCounts { shortName count } } } }"""
    data, log = large.data(query, lhk(large))
    log.assert_count(AUTH + 2)
    # 12 assets and 24 shots; task number n gets status n % 5 of
    # todo, wip, retake, done, wip (assets' tasks first, then shots').
    assert data == {
        "project": {
            "assetCount": 12,
            "shotCount": 24,
            "progress": [
                {
                    "taskTypeShortName": "mod",
                    "total": 12,
                    "done": 2,
                    "statusCounts": [
                        {"shortName": "todo", "count": 3},
                        {"shortName": "wip", "count": 4},
                        {"shortName": "retake", "count": 3},
                        {"shortName": "done", "count": 2},
                    ],
                },
                {
                    "taskTypeShortName": "rig",
                    "total": 12,
                    "done": 3,
                    "statusCounts": [
                        {"shortName": "todo", "count": 2},
                        {"shortName": "wip", "count": 5},
                        {"shortName": "retake", "count": 2},
                        {"shortName": "done", "count": 3},
                    ],
                },
                {
                    "taskTypeShortName": "anim",
                    "total": 24,
                    "done": 5,
                    "statusCounts": [
                        {"shortName": "todo", "count": 5},
                        {"shortName": "wip", "count": 10},
                        {"shortName": "retake", "count": 4},
                        {"shortName": "done", "count": 5},
                    ],
                },
                {
                    "taskTypeShortName": "light",
                    "total": 23,
                    "done": 4,
                    "statusCounts": [
                        {"shortName": "todo", "count": 4},
                        {"shortName": "wip", "count": 10},
                        {"shortName": "retake", "count": 5},
                        {"shortName": "done", "count": 4},
                    ],
                },
            ],
        }
    }


def test_a_task_with_comments_time_logs_and_counts(small: Api, large: Api) -> None:
    query = """query($id: ID!) { task(id: $id) { id priority dueDate
        comments { text createdAt author { fullName } taskStatus { shortName } }
        latestComment { text } commentCount
        timeLogs { day minutes person { firstName } }
        assigneeConnection(first: 1) { totalCount edges { node { fullName } } } } }"""
    task = small.ids.tasks["SQ010/SH0020/anim"]
    # task with its comment count; comments (author and status joined); the
    # latest comment; time logs (person joined); assignees
    data = run(small, large, 5, query, {"id": str(task)})
    assert data == {
        "task": {
            "id": str(task),
            "priority": 0,
            "dueDate": "2025-04-07",
            "comments": [
                {
                    "text": "SQ010/SH0020/anim: wip",
                    "createdAt": "2025-03-03T15:00:00+00:00",
                    "author": {"fullName": TOMAS},
                    "taskStatus": {"shortName": "wip"},
                }
            ],
            "latestComment": {"text": "SQ010/SH0020/anim: wip"},
            "commentCount": 1,
            "timeLogs": [
                {"day": "2025-03-03", "minutes": 90, "person": {"firstName": "Tomás"}},
                {"day": "2025-03-03", "minutes": 90, "person": {"firstName": "Ines"}},
            ],
            "assigneeConnection": {"totalCount": 2, "edges": [{"node": {"fullName": TOMAS}}]},
        }
    }


def test_soft_deleted_rows_never_show(small: Api, large: Api) -> None:
    """A deleted shot, a deleted asset with its tasks, a deleted task, and the
    live task of the deleted shot: absent from lists, totals, counts and
    lookups by id, whichever way they are reached."""
    ids = small.ids
    query = """query($project: ID!, $shot: ID!, $asset: ID!, $task: ID!, $orphan: ID!, $person: ID!) {
        project(id: $project) { shotCount assetCount
            shotConnection(filter: {name: {startswith: "SH09"}}) { totalCount }
            entityConnection { totalCount }
            assets { name tasks { typeShortName } } }
        shot: entity(id: $shot) { id } asset: entity(id: $asset) { id }
        task(id: $task) { id } orphan: task(id: $orphan) { id }
        person(id: $person) { tasks { id } taskConnection { totalCount } }
        taskConnection { totalCount }
        entityConnection { totalCount } }"""
    variables = {
        "project": str(ids.projects["LHK"]),
        "shot": str(ids.shots["SQ010/SH0990"]),
        "asset": str(ids.assets["Buoy"]),
        "task": str(ids.tasks["SQ010/SH0010/light"]),
        "orphan": str(ids.tasks["SQ010/SH0990/anim"]),
        "person": str(ids.people["Tomás"]),
    }
    data, log = small.data(query, variables)
    # project; its shot connection; entity connection; assets; their tasks;
    # two entities; two tasks; the person; their tasks and task connection;
    # root tasks and their total; root entities and their total
    log.assert_count(AUTH + 16)
    tomas_tasks = ["Keeper/rig", "Lantern/mod", "SQ010/SH0020/anim", "SQ010/SH0020/light"]
    tomas_tasks.append("SQ020/SH0020/light")
    assert data == {
        "project": {
            "shotCount": 4,
            "assetCount": 2,
            "shotConnection": {"totalCount": 0},
            "entityConnection": {"totalCount": 9},
            "assets": [
                {"name": "Keeper", "tasks": [{"typeShortName": "mod"}, {"typeShortName": "rig"}]},
                {"name": "Lantern", "tasks": [{"typeShortName": "mod"}, {"typeShortName": "rig"}]},
            ],
        },
        "shot": None,
        "asset": None,
        "task": None,
        "orphan": None,
        "person": {
            "tasks": [{"id": str(ids.tasks[key])} for key in tomas_tasks],
            "taskConnection": {"totalCount": 5},
        },
        # 12 tasks, less the deleted one and the deleted shot's
        "taskConnection": {"totalCount": 11},
        # LHK's 2 assets, episode, 2 sequences and 4 shots; PMN's sequence and shot
        "entityConnection": {"totalCount": 11},
    }
    large_variables = {
        **variables,
        "project": str(large.ids.projects["LHK"]),
        "shot": str(large.ids.shots["SQ010/SH0990"]),
    }
    _, large_log = large.data(query, large_variables)
    large_log.assert_count(AUTH + 16)


def test_people_and_the_vocabulary(small: Api, large: Api) -> None:
    query = """{ people(order: [{lastName: ASC}]) { fullName active department { name } }
        departments { name people { firstName } }
        taskStatuses(filter: {isDone: {eq: false}}) { shortName isWip isRetake }
        assetTypes { name } }"""
    # people (department joined); departments; their people; statuses; asset types
    assert run(small, large, 5, query) == {
        "people": [
            {"fullName": INES, "active": True, "department": {"name": "Animation"}},
            {"fullName": LEO, "active": True, "department": None},
            {"fullName": MIRA, "active": True, "department": {"name": "Modeling"}},
            {"fullName": TOMAS, "active": True, "department": {"name": "Animation"}},
            {"fullName": "Ada Root", "active": True, "department": None},
        ],
        "departments": [
            {"name": "Modeling", "people": [{"firstName": "Mira"}]},
            {"name": "Animation", "people": [{"firstName": "Ines"}, {"firstName": "Tomás"}]},
        ],
        "taskStatuses": [
            {"shortName": "todo", "isWip": False, "isRetake": False},
            {"shortName": "wip", "isWip": True, "isRetake": False},
            {"shortName": "retake", "isWip": False, "isRetake": True},
            {"shortName": "hold", "isWip": False, "isRetake": False},
        ],
        "assetTypes": [{"name": "Character"}, {"name": "Prop"}],
    }


def test_people_are_filtered_and_ordered_by_their_full_name(small: Api, large: Api) -> None:
    # fullName is a column of the model (first and last name joined in SQL):
    # filtered and ordered like one, in the database, on every dialect.
    query = """{ everyone: people(order: [{fullName: DESC}]) { fullName }
        mira: people(filter: {fullName: {eq: "Mira Okafor"}}) { id fullName } }"""
    data = run(small, large, 2, query)
    assert data["everyone"] == [{"fullName": name} for name in [TOMAS, MIRA, LEO, INES, "Ada Root"]]
    assert [person["fullName"] for person in data["mira"]] == [MIRA]


def test_every_collection_is_a_connection_too(small: Api, large: Api) -> None:
    query = """query($task: ID!) {
        departments { name personConnection(first: 1) { totalCount edges { node { firstName } } } }
        projects { code
            taskTypeConnection(first: 2, after: "bG9hZHBsYW46MA==") { totalCount edges { node { shortName } } }
            taskStatusConnection(first: 1) { totalCount edges { node { shortName } } }
            episodeConnection { totalCount edges { node { name
                sequenceConnection(first: 1) { totalCount edges { node { name } } } } } } }
        task(id: $task) { timeLogConnection(first: 1) { totalCount edges { node { minutes person { firstName } } } } } }"""
    task = small.ids.tasks["SQ010/SH0020/anim"]

    def page(total: int, *nodes: dict[str, Any]) -> dict[str, Any]:
        return {"totalCount": total, "edges": [{"node": node} for node in nodes]}

    # departments; their people; projects; task types; task statuses;
    # episodes; their sequences; the task; its time logs (person joined)
    data = run(small, large, 9, query, {"task": str(task)})
    assert data == {
        "departments": [
            {"name": "Modeling", "personConnection": page(1, {"firstName": "Mira"})},
            {"name": "Animation", "personConnection": page(2, {"firstName": "Ines"})},
        ],
        "projects": [
            {
                "code": "LHK",
                "taskTypeConnection": page(4, {"shortName": "rig"}, {"shortName": "anim"}),
                "taskStatusConnection": page(4, {"shortName": "todo"}),
                "episodeConnection": page(
                    1, {"name": "E01", "sequenceConnection": page(2, {"name": "SQ010"})}
                ),
            },
            {
                "code": "PMN",
                "taskTypeConnection": page(1),
                "taskStatusConnection": page(4, {"shortName": "todo"}),
                "episodeConnection": page(0),
            },
        ],
        "task": {"timeLogConnection": page(2, {"minutes": 90, "person": {"firstName": "Tomás"}})},
    }


def test_last_follows_the_order_of_the_list(small: Api) -> None:
    query = """{ departments(filter: {name: {eq: "Animation"}}) {
        people { firstName } personConnection(last: 1) { edges { node { firstName } } } } }"""
    data, _ = small.data(query)
    assert data == {
        "departments": [
            {
                "people": [{"firstName": "Ines"}, {"firstName": "Tomás"}],
                "personConnection": {"edges": [{"node": {"firstName": "Tomás"}}]},
            }
        ]
    }


def test_nested_list_filtered_with_in(small: Api) -> None:
    query = """query($id: ID!) { project(id: $id) {
        shots(filter: {name: {in: ["SH0010"]}}) { name } } }"""
    data, _ = small.data(query, lhk(small))
    assert data == {"project": {"shots": [{"name": "SH0010"}, {"name": "SH0010"}]}}
