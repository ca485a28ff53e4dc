"""The demo production: exact size, internal consistency and determinism."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Integer, cast, create_engine, exists, func, select
from sqlalchemy.orm import Session, aliased

from shotline.app import create_app
from shotline.auth import verify_password
from shotline.db import upgrade
from shotline.demo import (
    DEMO_PASSWORD,
    DEMO_PREVIEWS,
    DEMO_ROLES,
    INTERNAL_NOTES,
    TODAY,
    DemoError,
    create_demo,
    demo_email,
    demo_monday,
    demo_rows,
)
from shotline.models import (
    INCLUDE_DELETED,
    Asset,
    Base,
    Casting,
    Comment,
    Entity,
    Milestone,
    Person,
    Preview,
    Project,
    ProjectMember,
    ProjectTaskStatus,
    ProjectTaskType,
    Role,
    Shot,
    Task,
    TaskStatus,
    TaskType,
    TimeLog,
    task_assignee,
)
from shotline.storage import LocalStore
from tests.databases import IsolatedDatabase

# Rows written for scale "small" and seed 42, soft-deleted ones included. They
# depend on Python's `random` sequence for a seed, stable across 3.x releases.
SMALL_SEED_42 = {
    "department": 11,
    "person": 36,
    "asset_type": 6,
    "task_type": 11,
    "task_status": 7,
    "project": 2,
    "project_member": 54,
    "project_task_type": 16,
    "project_task_status": 12,
    "entity": 375,
    "episode": 2,
    "sequence": 11,
    "shot": 238,
    "asset": 124,
    "task": 1702,
    "task_assignee": 1368,
    "comment": 4147,
    "time_log": 2598,
    "milestone": 14,
    "casting": 787,
}
EVERYTHING = {INCLUDE_DELETED: True}


@pytest.fixture(scope="module")
def demo(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """A migrated database holding the small demo, shared read-only by the module."""
    database = make_database(dialect)
    engine = database.engine()
    upgrade(engine)
    progress: list[tuple[str, int, int]] = []
    rows = create_demo(engine, "small", 42, lambda *report: progress.append(report))
    assert rows == SMALL_SEED_42
    assert progress[-1][1:] == (sum(rows.values()), sum(rows.values()))
    yield engine
    database.close_sync()


@pytest.fixture
def session(demo: Engine) -> Iterator[Session]:
    with demo.connect() as connection:
        transaction = connection.begin()
        with Session(connection) as session:
            yield session
        transaction.rollback()


def test_every_row_was_written(demo: Engine) -> None:
    with demo.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar()
            for table in Base.metadata.sorted_tables
        }
    # Nobody has signed in yet: no token; no store was given: no previews.
    # The demo is where the log starts: no event, nobody notified or watching.
    quiet = dict.fromkeys(
        ["event", "event_recipient", "task_watch", "notification_read", "notification_state"], 0
    )
    assert counts == {
        **SMALL_SEED_42,
        "auth_token": 0,
        "login_failure": 0,
        "preview": 0,
        **quiet,
    }


def test_the_main_project_has_the_scale_s_live_assets_shots_and_tasks(session: Session) -> None:
    main = session.scalars(select(Project).where(Project.code == "LHK")).one()
    live = {
        model.__name__: session.scalar(
            select(func.count()).select_from(model).where(model.project_id == main.id)
        )
        for model in (Asset, Shot, Task)
    }
    assert live == {"Asset": 100, "Shot": 200, "Task": 100 * 5 + 200 * 5}
    every_shot = select(func.count()).select_from(Shot)
    assert session.scalar(every_shot.execution_options(**EVERYTHING)) == 200 + 2 + 36


def test_every_task_status_is_enabled_for_its_project(session: Session) -> None:
    enabled = exists().where(
        ProjectTaskStatus.project_id == Task.project_id,
        ProjectTaskStatus.task_status_id == Task.task_status_id,
    )
    query = select(func.count(Task.id)).where(~enabled).execution_options(**EVERYTHING)
    assert session.scalar(query) == 0


def test_every_task_type_is_enabled_for_its_project_and_fits_the_entity(session: Session) -> None:
    enabled = exists().where(
        ProjectTaskType.project_id == Task.project_id,
        ProjectTaskType.task_type_id == Task.task_type_id,
    )
    tasks = (
        select(Task.id, Entity.kind, TaskType.for_entity, enabled)
        .join(Task.entity)
        .join(Task.task_type)
        .execution_options(**EVERYTHING)
    )
    rows = session.execute(tasks).all()
    assert rows
    assert all(enabled and kind == for_entity for _, kind, for_entity, enabled in rows)


def test_every_asset_and_shot_has_one_task_per_enabled_step(session: Session) -> None:
    steps = session.execute(
        select(ProjectTaskType.project_id, TaskType.for_entity, func.count())
        .join(ProjectTaskType.task_type)
        .group_by(ProjectTaskType.project_id, TaskType.for_entity)
    ).all()
    expected = {(project_id, kind): count for project_id, kind, count in steps}
    per_entity = session.execute(
        select(Entity.project_id, Entity.kind, func.count(Task.id))
        .join(Task, Task.entity_id == Entity.id)
        .group_by(Entity.id, Entity.project_id, Entity.kind)
        .execution_options(**EVERYTHING)
    ).all()
    assert {(p, k, c) for p, k, c in per_entity} == {(p, k, c) for (p, k), c in expected.items()}


def test_earlier_steps_are_further_along(session: Session) -> None:
    done_share = session.execute(
        select(
            TaskType.for_entity,
            ProjectTaskType.position,
            func.avg(cast(TaskStatus.is_done, Integer)),
        )
        .select_from(Task)
        .join(Task.task_type)
        .join(Task.task_status)
        .join(
            ProjectTaskType,
            (ProjectTaskType.project_id == Task.project_id)
            & (ProjectTaskType.task_type_id == Task.task_type_id),
        )
        .join(Task.project)
        .where(Project.code == "LHK")
        .group_by(TaskType.for_entity, ProjectTaskType.position)
        .order_by(ProjectTaskType.position)
    ).all()
    for kind in ("asset", "shot"):
        shares = [float(share) for for_entity, _, share in done_share if for_entity == kind]
        assert len(shares) == 5
        assert shares == sorted(shares, reverse=True)
        assert shares[0] > 0.5
        assert shares[-1] > 0


def test_assignees_are_project_members_from_the_task_s_department(session: Session) -> None:
    assignments = session.execute(
        select(Person.department_id, TaskType.department_id, ProjectMember.person_id)
        .select_from(task_assignee)
        .join(Task, Task.id == task_assignee.c.task_id)
        .join(Task.task_type)
        .join(Person, Person.id == task_assignee.c.person_id)
        .outerjoin(
            ProjectMember,
            (ProjectMember.project_id == Task.project_id) & (ProjectMember.person_id == Person.id),
        )
        .execution_options(**EVERYTHING)
    ).all()
    assert len(assignments) == SMALL_SEED_42["task_assignee"]
    assert all(member is not None for *_, member in assignments)
    assert all(person == step for person, step, _ in assignments)


def test_status_changes_in_comments_lead_to_the_task_s_status(session: Session) -> None:
    statuses = dict(session.execute(select(TaskStatus.id, TaskStatus.name)).all())
    changes: dict[int, list[int | None]] = defaultdict(list)
    for task_id, change in session.execute(
        select(Comment.task_id, Comment.task_status_id)
        .where(Comment.task_status_id.is_not(None))
        .order_by(Comment.created_at, Comment.id)
    ):
        changes[task_id].append(change)
    tasks = session.execute(
        select(Task.id, Task.task_status_id).execution_options(**EVERYTHING)
    ).all()
    for task_id, status_id in tasks:
        history = changes.get(task_id)
        if history is None:
            assert statuses[status_id] in {"Todo", "Ready"}
        else:
            assert history[0] == next(i for i, name in statuses.items() if name == "WIP")
            assert history[-1] == status_id


def test_time_is_logged_on_worked_weekdays(session: Session) -> None:
    logs = session.execute(
        select(TimeLog.day, TimeLog.minutes, Task.start_date)
        .join(TimeLog.task)
        .execution_options(**EVERYTHING)
    ).all()
    assert len(logs) == SMALL_SEED_42["time_log"]
    for day, minutes, start in logs:
        assert start is not None
        assert start <= day <= demo_monday()
        assert day.weekday() < 5
        assert 60 <= minutes <= 480


def test_the_application_can_insert_after_the_demo(session: Session) -> None:
    """PostgreSQL sequences were moved past the demo's explicit ids."""
    person = Person(first_name="New", last_name="Hire", email="new.hire@studio.example")
    session.add(person)
    session.flush()
    assert person.id == SMALL_SEED_42["person"] + 1


def test_a_database_with_data_is_refused(demo: Engine) -> None:
    with pytest.raises(DemoError, match="already holds data"):
        create_demo(demo)


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def test_the_same_seed_gives_the_same_rows(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("first", 42), ("second", 42), ("other", 7)):
        engine = create_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade(engine)
        create_demo(engine, "small", seed)
        dumps.append(_dump(engine))
        engine.dispose()
    first, second, other = dumps
    assert first == second
    assert first["task"] != other["task"]


def test_replace_starts_over(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(engine)
    create_demo(engine, "small", 7)
    create_demo(engine, "small", 42, replace=True)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 1692
    engine.dispose()


def test_large_scale_is_benchmark_sized() -> None:
    rows = demo_rows("large", 42)
    tables = {table.name: table_rows for table, table_rows in rows.items()}
    main = next(p["id"] for p in tables["project"] if p["code"] == "LHK")
    live = {
        e["id"]: e["kind"]
        for e in tables["entity"]
        if e["project_id"] == main and not e["deleted_at"]
    }
    kinds = list(live.values())
    assert kinds.count("asset") == 5_000
    assert kinds.count("shot") == 10_000
    tasks = [t for t in tables["task"] if t["entity_id"] in live]
    assert len(tasks) >= 75_000
    assert all(t["due_date"] is None or t["due_date"] > dt.date(2024, 1, 1) for t in tasks)


def test_one_account_per_role_signs_in_with_the_demo_password(session: Session) -> None:
    accounts = session.execute(
        select(Person.email, Person.role, Person.password_hash, ProjectMember.role)
        .join(ProjectMember, ProjectMember.person_id == Person.id)
        .join(Project, Project.id == ProjectMember.project_id)
        .where(Project.code == "LHK", Person.password_hash.is_not(None))
        .order_by(Person.id)
    ).all()
    assert [(email, role) for email, role, _, _ in accounts] == [
        (demo_email(role), role) for role in DEMO_ROLES
    ]
    assert {override for *_, override in accounts} == {None}
    hashes = {password_hash for _, _, password_hash, _ in accounts}
    assert len(hashes) == 1
    assert verify_password(hashes.pop(), DEMO_PASSWORD)
    # Only the demo accounts have a password.
    assert session.scalar(
        select(func.count()).select_from(Person).where(Person.password_hash.is_not(None))
    ) == len(DEMO_ROLES)


def test_the_demo_artist_and_vendor_have_work(session: Session) -> None:
    for role in (Role.ARTIST, Role.VENDOR):
        assigned = session.scalar(
            select(func.count())
            .select_from(task_assignee)
            .join(Person, Person.id == task_assignee.c.person_id)
            .where(Person.email == demo_email(role))
        )
        assert assigned is not None
        assert assigned > 5


def test_some_notes_are_internal(session: Session) -> None:
    internal = session.execute(
        select(Comment.text, Comment.task_status_id).where(Comment.internal.is_(True))
    ).all()
    assert 100 < len(internal) < SMALL_SEED_42["comment"] // 4
    assert {text for text, _ in internal} <= INTERNAL_NOTES
    # A status change is never internal: it is the task's history.
    assert {status for _, status in internal} == {None}


def test_the_demo_vendor_sees_only_their_work(demo: Engine) -> None:
    client = TestClient(create_app(demo))
    login = client.post(
        "/api/auth/login", json={"email": demo_email(Role.VENDOR), "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    main = client.get("/api/projects", headers=headers).json()["items"]
    lhk = next(project["id"] for project in main if project["code"] == "LHK")
    grid = client.get(f"/api/projects/{lhk}/assets?fields=id,task_details.id", headers=headers)
    rows = grid.json()["items"]
    assert 0 < len(rows) < 100
    with Session(demo) as session:
        vendor = session.scalars(
            select(Person.id).where(Person.email == demo_email(Role.VENDOR))
        ).one()
        theirs = set(
            session.scalars(
                select(task_assignee.c.task_id).where(task_assignee.c.person_id == vendor)
            )
        )
    assert all(task["id"] in theirs for row in rows for task in row["task_details"])


def test_the_casting_links_live_assets_to_shots_and_sequences_of_their_project(
    session: Session,
) -> None:
    target = aliased(Entity)
    asset = aliased(Entity)
    rows = session.execute(
        select(target.kind, target.project_id, asset.kind, asset.project_id, Casting.project_id)
        .join(target, target.id == Casting.entity_id)
        .join(asset, asset.id == Casting.asset_id)
    ).all()
    assert len(rows) == SMALL_SEED_42["casting"]
    assert {(t, a) for t, _, a, _, _ in rows} == {("shot", "asset"), ("sequence", "asset")}
    assert all(tp == ap == cp for _, tp, _, ap, cp in rows)
    # Every live shot of the main project has a character or more.
    main = session.scalars(select(Project.id).where(Project.code == "LHK")).one()
    uncast = session.scalar(
        select(func.count())
        .select_from(Shot)
        .where(Shot.project_id == main, ~exists().where(Casting.entity_id == Shot.id))
    )
    assert uncast == 0


def test_every_project_has_milestones_within_its_dates(session: Session) -> None:
    rows = session.execute(
        select(Project.code, Milestone.name, Milestone.date, Project.start_date, Project.end_date)
        .join(Milestone.project)
        .order_by(Project.code, Milestone.date, Milestone.id)
    ).all()
    assert [name for code, name, *_ in rows if code == "PPM"] == [
        "Kick-off",
        "Asset lock",
        "Client review",
        "Animation lock",
        "Final lighting",
        "Delivery",
    ]
    assert all(start <= day <= end for *_, day, start, end in rows)


def test_with_a_store_review_comments_get_pictures_and_grids_thumbnails(
    dialect: str, make_database: Callable[[str], IsolatedDatabase], tmp_path: Path
) -> None:
    database = make_database(dialect)
    engine = database.engine()
    upgrade(engine)
    store = LocalStore(tmp_path / "previews")
    rows = create_demo(engine, "small", 42, previews=store)
    assert rows["preview"] == DEMO_PREVIEWS
    with Session(engine) as session:
        previews = session.execute(
            select(Preview.id, Preview.sha256, Preview.thumbnail_sha256, TaskStatus.name)
            .join(Comment, Comment.id == Preview.comment_id)
            .join(TaskStatus, TaskStatus.id == Comment.task_status_id)
            .order_by(Preview.id)
        ).all()
        thumbnails = set(
            session.scalars(select(Task.thumbnail_id).where(Task.thumbnail_id.is_not(None)))
        )
    assert {status for *_, status in previews} == {"Pending review"}
    assert all(store.exists(key) and store.exists(small) for _, key, small, _ in previews)
    # Each task's cell shows its latest picture.
    assert thumbnails <= {ident for ident, *_ in previews}
    assert len(thumbnails) >= DEMO_PREVIEWS // 2
    database.close_sync()


def test_the_demo_is_dated_around_the_week_it_is_created() -> None:
    """Created on Wednesday 2027-01-13, the demo is the one laid out around
    TODAY moved to Monday 2027-01-11: every date and time by the same whole
    weeks, everything else the same."""
    assert demo_monday(dt.date(2027, 1, 13)) == dt.date(2027, 1, 11)
    # On a Monday, the Monday before: the demo's Monday runs into the evening.
    assert demo_monday(dt.date(2027, 1, 11)) == dt.date(2027, 1, 4)
    assert demo_monday(dt.date(2027, 1, 12)) == dt.date(2027, 1, 11)
    assert demo_monday(dt.date(2027, 1, 17)) == dt.date(2027, 1, 11)
    # Created on TODAY's Tuesday, the demo is as laid out.
    laid_out = demo_rows("small", 42, TODAY + dt.timedelta(days=1))
    moved = demo_rows("small", 42, dt.date(2027, 1, 13))
    by = dt.date(2027, 1, 11) - TODAY
    assert by.days % 7 == 0
    shifted = {
        table: [
            {key: value + by if isinstance(value, dt.date) else value for key, value in row.items()}
            for row in rows
        ]
        for table, rows in laid_out.items()
    }
    assert moved == shifted


def test_late_means_something(session: Session) -> None:
    """The demo's open tasks are mostly due ahead: a few are late, as in a
    production under way, not every one whose date has passed since 2025."""
    monday = demo_monday()
    # Its "now" is the latest Monday whose day has passed: none of its times
    # is in the future.
    assert 1 <= (dt.datetime.now(dt.UTC).date() - monday).days <= 7
    due = (
        session.execute(
            select(Task.due_date)
            .join(Task.task_status)
            .where(TaskStatus.is_done.is_(False), Task.due_date.is_not(None))
        )
        .scalars()
        .all()
    )
    late = [day for day in due if day < monday]
    assert 0 < len(late) < len(due) / 4
