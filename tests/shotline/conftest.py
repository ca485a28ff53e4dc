"""Fixtures of Shotline's tests.

A migrated schema per module and dialect, a rolled-back session per test, and
a tiny production to work on; and the execution mode the API suites ask
loadplan for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shotline.db import upgrade
from shotline.models import (
    Asset,
    AssetType,
    Department,
    Episode,
    ForEntity,
    Person,
    Project,
    Sequence,
    Shot,
    Task,
    TaskStatus,
    TaskType,
)
from tests.databases import IsolatedDatabase


@pytest.fixture(scope="module", params=["rows", "orm", "json"])
def mode(request: pytest.FixtureRequest) -> str:
    """The execution mode an API client asks for (``X-Loadplan-Mode``).

    Every mode must give the same responses, so the REST suites run whole in
    each (the row and ORM modes with the same statements). A plan that cannot
    run from rows runs in the ORM mode whatever is asked, and one the JSON
    mode cannot answer runs as if no mode were asked. Module scope: each
    module runs in one mode, then in the next, and data sets that tests leave
    as they found them serve all.
    """
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def schema_engine(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[Engine]:
    """An engine on a namespace holding the migrated schema, shared by a module.

    Migrating is the slow part (MariaDB commits DDL table by table), so it
    happens once per module and dialect; tests roll their rows back.
    """
    database = make_database(dialect)
    engine = database.engine()
    upgrade(engine)
    yield engine
    database.close_sync()


@pytest.fixture
def session(schema_engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction rolled back at the end."""
    with schema_engine.connect() as connection:
        transaction = connection.begin()
        with Session(connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


@dataclass
class Production:
    project: Project
    artist: Person
    episode: Episode
    sequence: Sequence
    shot: Shot
    asset: Asset
    modeling: TaskType
    rigging: TaskType
    animation: TaskType
    todo: TaskStatus
    done: TaskStatus

    def task(self, entity: Asset | Shot, task_type: TaskType) -> Task:
        return Task(project=self.project, entity=entity, task_type=task_type, task_status=self.todo)


@pytest.fixture
def production(session: Session) -> Production:
    """One of each kind of entity, flushed, with the vocabulary their tasks need."""
    department = Department(name="Modeling", color="#2980B9")
    project = Project(name="The Lighthouse Keepers", code="LHK", fps=23.976)
    episode = Episode(project=project, name="E01")
    sequence = Sequence(project=project, name="SQ010", episode=episode)
    production = Production(
        project=project,
        artist=Person(
            first_name="Mira",
            last_name="Okafor",
            email="mira@studio.example",
            department=department,
        ),
        episode=episode,
        sequence=sequence,
        shot=Shot(project=project, name="SH0010", sequence=sequence, frame_in=1001, frame_out=1048),
        asset=Asset(project=project, name="Brass Lantern", asset_type=AssetType(name="Prop")),
        modeling=TaskType(
            name="Modeling", short_name="mod", department=department, for_entity=ForEntity.ASSET
        ),
        rigging=TaskType(name="Rigging", short_name="rig", for_entity=ForEntity.ASSET),
        animation=TaskType(name="Animation", short_name="anim", for_entity=ForEntity.SHOT),
        todo=TaskStatus(name="Todo", short_name="todo"),
        done=TaskStatus(name="Done", short_name="done", is_done=True),
    )
    session.add_all(vars(production).values())
    session.flush()
    return production
