"""The small production every CRUD test starts from, and helpers to state
exact expectations about responses, the database and statement counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import TypeAdapter
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from loadplan.testing import QueryLog, count_queries
from shotline.models import (
    INCLUDE_DELETED,
    Asset,
    AssetType,
    Base,
    Department,
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
from shotline.schemas.errors import RULES
from shotline.settings import MODE_HEADER
from tests.refusals import refusal
from tests.shotline.modes import plan_statements

T = TypeVar("T")

_DATETIME = TypeAdapter(dt.datetime)


def iso(value: dt.datetime) -> Any:
    """A timestamp as the API writes it."""
    return _DATETIME.dump_python(value, mode="json")


@dataclass(frozen=True)
class Production:
    """Ids of a tiny production: project LHK with three task types and three
    statuses enabled (in that order), plus vocabulary it does not use, and a
    second project to reach across."""

    project: int
    other_project: int
    department: int
    mira: int
    theo: int
    ina: int  # inactive
    modeling: int  # asset task types
    rigging: int
    animation: int  # shot task types
    lighting: int  # not enabled for the project
    todo: int
    wip: int
    done: int  # not for artists to set, for clients to set
    retake: int  # not enabled for the project
    prop: int
    character: int
    lantern: int  # assets
    keeper: int
    episode: int
    sequence: int
    shot: int
    shot2: int
    other_asset: int  # in other_project
    lantern_modeling: int  # tasks: todo, assigned to Mira
    keeper_modeling: int  # wip
    shot_animation: int  # todo
    admin: int  # Sam Root, who makes the requests


def build_production(engine: Engine) -> Production:
    with Session(engine) as session:
        department = Department(name="Modeling", color="#2980B9")
        mira = Person(
            first_name="Mira",
            last_name="Okafor",
            email="mira@studio.example",
            department=department,
        )
        theo = Person(
            first_name="Theo", last_name="Lind", email="theo@studio.example", role=Role.SUPERVISOR
        )
        ina = Person(first_name="Ina", last_name="Roux", email="ina@studio.example", active=False)
        admin = Person(
            first_name="Sam", last_name="Root", email="sam@studio.example", role=Role.ADMIN
        )
        modeling = TaskType(
            name="Modeling", short_name="mod", for_entity=ForEntity.ASSET, department=department
        )
        rigging = TaskType(name="Rigging", short_name="rig", for_entity=ForEntity.ASSET)
        animation = TaskType(name="Animation", short_name="anim", for_entity=ForEntity.SHOT)
        lighting = TaskType(name="Lighting", short_name="lgt", for_entity=ForEntity.SHOT)
        todo = TaskStatus(name="Todo", short_name="todo")
        wip = TaskStatus(name="Work in progress", short_name="wip", is_wip=True)
        done = TaskStatus(
            name="Done",
            short_name="done",
            is_done=True,
            is_artist_allowed=False,
            is_client_allowed=True,
        )
        retake = TaskStatus(name="Retake", short_name="rtk", is_retake=True)
        prop = AssetType(name="Prop")
        character = AssetType(name="Character")
        project = Project(name="The Lighthouse Keepers", code="LHK", fps=23.976)
        other = Project(name="Other", code="OTH")
        project.task_type_links = [
            ProjectTaskType(task_type=t, position=i)
            for i, t in enumerate([modeling, rigging, animation])
        ]
        project.task_status_links = [
            ProjectTaskStatus(task_status=s, position=i) for i, s in enumerate([todo, wip, done])
        ]
        episode = Episode(project=project, name="E01")
        sequence = Sequence(project=project, name="SQ010", episode=episode)
        lantern = Asset(project=project, name="Brass Lantern", asset_type=prop)
        keeper = Asset(project=project, name="Keeper", asset_type=character)
        shot = Shot(
            project=project, name="SH0010", sequence=sequence, frame_in=1001, frame_out=1048
        )
        shot2 = Shot(
            project=project, name="SH0020", sequence=sequence, frame_in=1001, frame_out=1100
        )
        other_asset = Asset(project=other, name="Elsewhere", asset_type=prop)
        tasks = [
            Task(project=project, entity=lantern, task_type=modeling, task_status=todo),
            Task(project=project, entity=keeper, task_type=modeling, task_status=wip),
            Task(project=project, entity=shot, task_type=animation, task_status=todo),
        ]
        tasks[0].assignees = [mira]
        session.add_all([project, other, mira, theo, ina, lighting, retake, *tasks])
        session.flush()
        session.add(admin)
        session.add_all([shot2, other_asset])
        session.commit()
        return Production(
            project=project.id,
            other_project=other.id,
            department=department.id,
            mira=mira.id,
            theo=theo.id,
            ina=ina.id,
            modeling=modeling.id,
            rigging=rigging.id,
            animation=animation.id,
            lighting=lighting.id,
            todo=todo.id,
            wip=wip.id,
            done=done.id,
            retake=retake.id,
            prop=prop.id,
            character=character.id,
            lantern=lantern.id,
            keeper=keeper.id,
            episode=episode.id,
            sequence=sequence.id,
            shot=shot.id,
            shot2=shot2.id,
            other_asset=other_asset.id,
            lantern_modeling=tasks[0].id,
            keeper_modeling=tasks[1].id,
            shot_animation=tasks[2].id,
            admin=admin.id,
        )


MISSING = 2_000_000_000
"""An id no row has."""


def placeholders(prod: Production) -> dict[str, int]:
    """The production's ids by name, and ``missing``, for ``{name}`` placeholders."""
    return {**asdict(prod), "missing": MISSING}


Snapshot = dict[str, list[dict[str, Any]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table: equal snapshots before and after a refused
    request prove it wrote nothing."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def restore(engine: Engine, rows: Snapshot) -> None:
    """Put the database back to ``rows``: empty every table (children first),
    then insert the rows again, with their ids.

    Sequences and auto-increment counters are not reset, so rows created
    later still get ids never used before (SQLite reuses ids above the
    highest one, which are free again).
    """
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])


def task_body(engine: Engine, ident: int) -> dict[str, Any]:
    """What the API answers for a task, from the database."""
    with Session(engine) as session:
        task = session.scalars(
            select(Task)
            .where(Task.id == ident)
            .options(selectinload(Task.entity), selectinload(Task.assignees))
            .execution_options(**{INCLUDE_DELETED: True})
        ).one()
        return {
            "id": task.id,
            "project_id": task.project_id,
            "entity": {"id": task.entity.id, "kind": task.entity.kind, "name": task.entity.name},
            "task_type_id": task.task_type_id,
            "task_status_id": task.task_status_id,
            "priority": task.priority,
            "estimate": task.estimate,
            "start_date": task.start_date and task.start_date.isoformat(),
            "due_date": task.due_date and task.due_date.isoformat(),
            "created_at": iso(task.created_at),
            "updated_at": iso(task.updated_at),
            "assignees": [
                {"id": p.id, "first_name": p.first_name, "last_name": p.last_name}
                for p in task.assignees
            ],
        }


def load(engine: Engine, model: type[T], ident: int) -> T:
    """A row as stored now (soft-deleted rows included), detached for reading."""
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(model, ident, execution_options={INCLUDE_DELETED: True})
        assert found is not None, f"{model.__name__} {ident} is not in the database"
        return found


def scalars(engine: Engine, stmt: Any) -> list[Any]:
    """The values of ``stmt``, soft-deleted rows included."""
    with Session(engine) as session:
        return list(session.scalars(stmt.execution_options(**{INCLUDE_DELETED: True})))


def ids(engine: Engine, model: type[Any], *criteria: Any) -> list[int]:
    """Ids of ``model`` rows matching ``criteria`` (deleted ones included), in order."""
    return scalars(engine, select(model.id).where(*criteria).order_by(model.id))


@dataclass
class Call:
    """A request's response and the statements it ran."""

    response: Response
    log: QueryLog

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()


def call(client: TestClient, engine: Engine, method: str, url: str, body: Any = None) -> Call:
    """Send a request, recording the statements it runs on ``engine`` (an
    answer of the JSON mode: the plan's, see :mod:`tests.shotline.modes`).
    A ``bytes`` body is sent as it is, as JSON (for what ``json.dumps``
    refuses)."""

    def again(asked: str) -> tuple[Response, QueryLog]:
        with count_queries(engine) as log:
            response = client.request(method, url, json=body, headers={MODE_HEADER: asked})
        return response, log

    with count_queries(engine) as log:
        if isinstance(body, bytes):
            headers = {"content-type": "application/json"}
            response = client.request(method, url, content=body, headers=headers)
        else:
            response = client.request(method, url, json=body)
    return Call(response, plan_statements(response, log, again))


Expected = str | tuple[str, str] | tuple[tuple[str | int, ...], str]
"""An expected error body: a message about the request as a whole (403,
404, 409); a ``(field, message)`` pair (400); or a ``(loc, type)`` pair
(422: FastAPI's validation error, whose message text belongs to pydantic)."""


def error_body(status: int, expected: Expected, names: dict[str, int]) -> Any:
    """The exact body of an error answer, with ``{name}`` placeholders filled in."""
    if isinstance(expected, str):
        return refusal(RULES[status], expected.format(**names))
    first, second = expected
    if status == 422:
        assert isinstance(first, tuple)
        loc = [part.format(**names) if isinstance(part, str) else part for part in first]
        return [(loc, second)]
    assert isinstance(first, str)
    return refusal(RULES[status], second.format(**names), [first])


def answered(answer: Call) -> Any:
    """An answer's body in the form :func:`error_body` builds."""
    body = answer.json()
    if answer.status == 422:
        return [(error["loc"], error["type"]) for error in body["detail"]]
    return body


def fill(body: Any, names: dict[str, int]) -> Any:
    """A request body with ``"{name}"`` strings replaced by those ids."""
    if isinstance(body, dict):
        return {key: fill(value, names) for key, value in body.items()}
    if isinstance(body, list):
        return [fill(value, names) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return names[body[1:-1]]
    return body


def assert_refused(
    client: TestClient,
    engine: Engine,
    prod: Production,
    request: tuple[str, str, Any],
    status: int,
    expected: Expected,
    **more: int,
) -> Call:
    """Send ``(method, url, body)`` (with ``{name}`` placeholders: the
    production's ids, ``missing`` and ``more``) and check the exact error
    answer, and that the database did not change at all."""
    method, url, body = request
    ids = placeholders(prod) | more
    before = snapshot(engine)
    answer = call(client, engine, method, url.format(**ids), fill(body, ids))
    assert (answer.status, answered(answer)) == (status, error_body(status, expected, ids))
    assert snapshot(engine) == before
    return answer


def project_like_lhk(client: TestClient, prod: Production, code: str, task_types: list[int]) -> int:
    """A new project using ``task_types`` and LHK's statuses (todo, wip, done)."""
    project = client.post("/api/projects", json={"name": f"Project {code}", "code": code}).json()
    url = f"/api/projects/{project['id']}/settings"
    client.put(f"{url}/task-types", json={"task_type_ids": task_types})
    client.put(f"{url}/task-statuses", json={"task_status_ids": [prod.todo, prod.wip, prod.done]})
    return int(project["id"])


def import_csv(
    client: TestClient, project: int, kind: str, text: str, dry_run: bool
) -> tuple[int, object]:
    """POST ``text`` to the project's ``<kind>.csv``: the status and body."""
    answer = client.post(
        f"/api/projects/{project}/{kind}.csv?dry_run={str(dry_run).lower()}",
        content=text.encode(),
        headers={"content-type": "text/csv"},
    )
    return answer.status_code, answer.json()
