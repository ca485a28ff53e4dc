"""A small, fixed production served by the app, once per module and dialect.

Every row has an explicit id and timestamp, so payloads are the same on every
dialect and can be asserted whole. Names sort alike under SQLite's binary,
PostgreSQL's and MariaDB's collations (capitalised ASCII words, or one
prefix with zero-padded numbers). The data holds what the endpoints must
hide: a soft-deleted asset whose task is still live, a live asset with a
soft-deleted task, a soft-deleted shot with its soft-deleted task, and a
task type and a status the project does not enable.

Project 1 (LHK), task types in project order Modeling, Shading, Rigging,
Layout, Animation (ids 1, 3, 2, 4, 5: neither id nor name order):

========== ====== ========================================================
entity     id     tasks (id type status [assignees])
========== ====== ========================================================
Anchor     10     101 Modeling done [2], 102 Rigging todo, 103 Shading wip [1, 3]
Bell       11     104 Modeling wip [1], (105 Rigging wip: deleted)
Keeper     12     106 Modeling done [3], 107 Rigging wfa [3], 108 Shading hold,
                  109 Concept wip [2] (neither enabled on the project)
Lighthouse 13     none
(Dock)     14     deleted asset; 110 Modeling wip [1] left live
SH0010     30     111 Layout done [2], 112 Animation wip [2]   (SQ010 in E01)
SH0020     31     113 Layout wip [1]                           (SQ010 in E01)
SH0030     32     none                                         (SQ020, no episode)
(SH0040)   33     deleted with its task 114                    (SQ010 in E01)
========== ====== ========================================================

Project 2 (PPM) is for sizes: 40 assets ``Prop 00``..``Prop 39`` with two
tasks each, and 30 shots ``SH0001``..``SH0030`` with one task each.

Requests are made by Ada Root (id 4), an admin, who sees everything: what
other roles see is the business of ``tests/shotline/auth``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.testing import QueryLog, count_queries
from shotline.app import create_app
from shotline.db import upgrade
from shotline.models import (
    Asset,
    AssetType,
    Episode,
    ForEntity,
    Person,
    Project,
    ProjectTaskStatus,
    ProjectTaskType,
    Role,
    Sequence,
    Shot,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.settings import MODE_HEADER, Settings
from tests.databases import IsolatedDatabase
from tests.shotline.modes import plan_statements, ran_as_asked
from tests.shotline.signin import signed_in

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
ADMIN = 4
DELETED_AT = dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 9) -> dt.datetime:
    """A March 2025 timestamp, UTC."""
    return dt.datetime(2025, 3, day, hour, tzinfo=dt.UTC)


def _vocabulary() -> tuple[dict[str, Person], dict[str, TaskType], dict[str, TaskStatus]]:
    people = {
        "mira": Person(id=1, first_name="Mira", last_name="Okafor", email="mira@studio.test"),
        "jonas": Person(id=2, first_name="Jonas", last_name="Martin", email="jonas@studio.test"),
        "priya": Person(id=3, first_name="Priya", last_name="Sharma", email="priya@studio.test"),
        "ada": Person(
            id=ADMIN, first_name="Ada", last_name="Root", email="ada@studio.test", role=Role.ADMIN
        ),
    }
    types = {
        name: TaskType(id=ident, name=name, short_name=short, for_entity=kind)
        for ident, name, short, kind in [
            (1, "Modeling", "mod", ForEntity.ASSET),
            (2, "Rigging", "rig", ForEntity.ASSET),
            (3, "Shading", "shd", ForEntity.ASSET),
            (4, "Layout", "lay", ForEntity.SHOT),
            (5, "Animation", "anim", ForEntity.SHOT),
            (6, "Concept", "cpt", ForEntity.ASSET),
        ]
    }
    statuses = {
        short: TaskStatus(id=ident, name=name, short_name=short, is_done=short == "done")
        for ident, name, short in [
            (1, "Todo", "todo"),
            (2, "WIP", "wip"),
            (3, "Pending review", "wfa"),
            (4, "Done", "done"),
            (5, "On hold", "hold"),
        ]
    }
    return people, types, statuses


def _fill(session: Session) -> None:
    people, types, statuses = _vocabulary()
    character = AssetType(id=1, name="Character")
    prop = AssetType(id=2, name="Prop")
    set_ = AssetType(id=3, name="Set")
    session.add_all([*people.values(), *types.values(), *statuses.values(), character, prop, set_])

    lhk = Project(id=1, name="The Lighthouse Keepers", code="LHK", created_at=T0)
    lhk.task_type_links = [
        ProjectTaskType(task_type=types[name], position=position)
        for position, name in enumerate(["Modeling", "Shading", "Rigging", "Layout", "Animation"])
    ]
    lhk.task_status_links = [
        ProjectTaskStatus(task_status=statuses[short], position=position)
        for position, short in enumerate(["todo", "wip", "wfa", "done"])
    ]

    def task(
        ident: int,
        project: Project,
        type_name: str,
        status: str,
        assignees: tuple[str, ...] = (),
        updated: dt.datetime = T0,
        deleted: bool = False,
    ) -> Task:
        return Task(
            id=ident,
            project=project,
            task_type=types[type_name],
            task_status=statuses[status],
            assignees=[people[name] for name in assignees],
            created_at=T0,
            updated_at=updated,
            deleted_at=DELETED_AT if deleted else None,
        )

    def asset(
        ident: int, name: str, kind: AssetType, updated: dt.datetime, tasks: list[Task]
    ) -> Asset:
        return Asset(
            id=ident,
            project=lhk,
            name=name,
            asset_type=kind,
            created_at=T0,
            updated_at=updated,
            tasks=tasks,
        )

    dock = asset(14, "Dock", set_, at(13), [task(110, lhk, "Modeling", "wip", ("mira",))])
    dock.deleted_at = DELETED_AT
    episode = Episode(id=20, project=lhk, name="E01", created_at=T0, updated_at=T0)
    sq010 = Sequence(
        id=21, project=lhk, name="SQ010", episode=episode, created_at=T0, updated_at=T0
    )
    sq020 = Sequence(id=22, project=lhk, name="SQ020", created_at=T0, updated_at=T0)

    def shot(ident: int, name: str, sequence: Sequence, updated: dt.datetime) -> Shot:
        return Shot(
            id=ident,
            project=lhk,
            name=name,
            sequence=sequence,
            frame_in=1001,
            frame_out=1000 + ident,
            created_at=T0,
            updated_at=updated,
        )

    sh0010 = shot(30, "SH0010", sq010, at(14))
    sh0010.tasks = [
        task(111, lhk, "Layout", "done", ("jonas",), at(5)),
        task(112, lhk, "Animation", "wip", ("jonas",), at(7, 15)),
    ]
    sh0020 = shot(31, "SH0020", sq010, at(12))
    sh0020.tasks = [task(113, lhk, "Layout", "wip", ("mira",), at(6))]
    sh0040 = shot(33, "SH0040", sq010, at(15))
    sh0040.tasks = [task(114, lhk, "Layout", "wip", updated=at(8), deleted=True)]
    sh0040.deleted_at = DELETED_AT
    session.add_all(
        [
            lhk,
            asset(
                10,
                "Anchor",
                prop,
                at(10),
                [
                    task(101, lhk, "Modeling", "done", ("jonas",), at(4)),
                    task(102, lhk, "Rigging", "todo"),
                    task(103, lhk, "Shading", "wip", ("mira", "priya"), at(6, 14)),
                ],
            ),
            asset(
                11,
                "Bell",
                prop,
                at(12),
                [
                    task(104, lhk, "Modeling", "wip", ("mira",), at(5, 11)),
                    task(105, lhk, "Rigging", "wip", updated=at(6), deleted=True),
                ],
            ),
            asset(
                12,
                "Keeper",
                character,
                at(11),
                [
                    task(106, lhk, "Modeling", "done", ("priya",), at(3, 17)),
                    task(107, lhk, "Rigging", "wfa", ("priya",), at(7)),
                    task(108, lhk, "Shading", "hold", (), at(8)),
                    task(109, lhk, "Concept", "wip", ("jonas",), at(2)),
                ],
            ),
            asset(13, "Lighthouse", set_, at(9), []),
            dock,
            sh0010,
            sh0020,
            shot(32, "SH0030", sq020, at(13)),
            sh0040,
        ]
    )

    ppm = Project(id=2, name="Paper Moon", code="PPM", created_at=T0)
    ppm.task_type_links = [
        ProjectTaskType(task_type=types[name], position=position)
        for position, name in enumerate(["Modeling", "Rigging", "Layout"])
    ]
    ppm.task_status_links = [
        ProjectTaskStatus(task_status=statuses[short], position=position)
        for position, short in enumerate(["todo", "wip", "done"])
    ]
    sq100 = Sequence(id=1100, project=ppm, name="SQ100", created_at=T0, updated_at=T0)
    names = ["mira", "jonas", "priya"]
    for index in range(40):
        ppm_asset = Asset(
            id=1000 + index,
            project=ppm,
            name=f"Prop {index:02d}",
            asset_type=prop,
            created_at=T0,
            # Not in name order, and with ties, so that orderings really differ.
            updated_at=at(1 + (index * 7) % 11),
            tasks=[
                task(
                    2000 + 2 * index,
                    ppm,
                    "Modeling",
                    ("todo", "wip", "done")[index % 3],
                    (names[index % 3],),
                ),
                task(2001 + 2 * index, ppm, "Rigging", "todo"),
            ],
        )
        session.add(ppm_asset)
    for index in range(30):
        ppm_shot = Shot(
            id=1101 + index,
            project=ppm,
            name=f"SH{index + 1:04d}",
            sequence=sq100,
            frame_in=1001,
            frame_out=1100,
            created_at=T0,
            updated_at=T0,
            tasks=[task(3000 + index, ppm, "Layout", "wip", (names[index % 3],))],
        )
        session.add(ppm_shot)


@pytest.fixture(scope="module")
def grid_engine(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """A migrated database holding the production above, shared by a module."""
    database = make_database(dialect)
    engine = database.engine()
    upgrade(engine)
    with Session(engine) as session, session.begin():
        _fill(session)
    yield engine
    database.close_sync()


@pytest.fixture(scope="module")
def client(grid_engine: Engine, mode: str) -> TestClient:
    app = create_app(grid_engine, Settings(server_timing=True, max_page_size=500))
    return signed_in(TestClient(app, headers={MODE_HEADER: mode}), grid_engine, ADMIN)


@dataclass
class Answer:
    """A response with the statements it cost."""

    status: int
    body: Any
    statements: int
    log: QueryLog

    @property
    def sql(self) -> list[str]:
        return self.log.sql


@pytest.fixture(scope="module")
def get(client: TestClient, grid_engine: Engine, mode: str) -> Callable[[str], Answer]:
    """GET a URL, counting its statements; the Server-Timing header must
    report the same count and, on answers of loadplan's endpoints, the mode
    that ran, the one asked for (every grid plan can run from rows, so none
    falls back to objects). An answer of the JSON mode counts the plan's
    statements (see :mod:`tests.shotline.modes`)."""

    def again(asked: str, url: str) -> tuple[Response, QueryLog]:
        with count_queries(grid_engine) as log:
            response = client.get(url, headers={MODE_HEADER: asked})
        return response, log

    def fetch(url: str) -> Answer:
        with count_queries(grid_engine) as log:
            response = client.get(url)
        timing = response.headers["server-timing"]
        assert timing.endswith(f'desc="{log.count} statements"')
        if MODE_HEADER in response.headers:
            ran = response.headers[MODE_HEADER]
            assert ran_as_asked(mode, ran)
            assert timing.startswith(f'mode;desc="{ran}", ')
        log = plan_statements(response, log, lambda asked: again(asked, url))
        return Answer(response.status_code, response.json(), log.count, log)

    return fetch
