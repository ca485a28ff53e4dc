"""Constraints, inheritance and column behaviour of the models, on every dialect."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from shotline.models import (
    Asset,
    Entity,
    Episode,
    Person,
    ProjectMember,
    ProjectTaskStatus,
    ProjectTaskType,
    Role,
    Sequence,
    Shot,
    TimeLog,
)
from tests.shotline.conftest import Production


def test_one_task_per_entity_and_task_type(session: Session, production: Production) -> None:
    session.add(production.task(production.asset, production.modeling))
    session.flush()
    session.add(production.task(production.asset, production.modeling))
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_same_task_type_on_another_entity_is_fine(
    session: Session, production: Production
) -> None:
    other = Asset(
        project=production.project, name="Old Compass", asset_type=production.asset.asset_type
    )
    session.add_all(
        [
            production.task(production.asset, production.modeling),
            production.task(other, production.modeling),
        ]
    )
    session.flush()


def test_one_time_log_per_person_task_and_day(session: Session, production: Production) -> None:
    task = production.task(production.asset, production.modeling)
    day = dt.date(2025, 3, 3)
    session.add_all(
        [
            TimeLog(person=production.artist, task=task, day=day, minutes=240),
            TimeLog(
                person=production.artist, task=task, day=day + dt.timedelta(days=1), minutes=60
            ),
        ]
    )
    session.flush()
    session.add(TimeLog(person=production.artist, task=task, day=day, minutes=30))
    with pytest.raises(IntegrityError):
        session.flush()


def test_every_kind_comes_back_from_a_polymorphic_select(
    session: Session, production: Production
) -> None:
    ids = {kind: getattr(production, kind).id for kind in ("episode", "sequence", "shot", "asset")}
    session.expunge_all()

    entities = {e.kind: e for e in session.scalars(select(Entity))}

    assert {kind: e.id for kind, e in entities.items()} == ids
    assert {kind: type(e) for kind, e in entities.items()} == {
        "episode": Episode,
        "sequence": Sequence,
        "shot": Shot,
        "asset": Asset,
    }
    episode, sequence, shot, asset = (entities[kind] for kind in ids)
    assert isinstance(episode, Episode)
    assert isinstance(sequence, Sequence)
    assert isinstance(shot, Shot)
    assert isinstance(asset, Asset)
    assert sequence.episode is episode
    assert episode.sequences == [sequence]
    assert shot.sequence is sequence
    assert (shot.frame_in, shot.frame_out, shot.fps) == (1001, 1048, None)
    assert sequence.shots == [shot]
    assert asset.asset_type.name == "Prop"
    assert asset.data == {}


def test_project_lists_entities_by_kind(session: Session, production: Production) -> None:
    session.expunge_all()
    project = session.get_one(type(production.project), production.project.id)

    assert [a.name for a in project.assets] == ["Brass Lantern"]
    assert [s.name for s in project.shots] == ["SH0010"]
    assert [s.name for s in project.sequences] == ["SQ010"]
    assert [e.name for e in project.episodes] == ["E01"]
    assert {type(e) for e in project.entities} == {Asset, Episode, Sequence, Shot}
    assert project.fps == pytest.approx(23.976)


def test_project_orders_its_task_types_and_statuses(
    session: Session, production: Production
) -> None:
    project = production.project
    session.add_all(
        [
            ProjectTaskType(project=project, task_type=production.rigging, position=1),
            ProjectTaskType(project=project, task_type=production.modeling, position=0),
            ProjectTaskStatus(project=project, task_status=production.done, position=1),
            ProjectTaskStatus(project=project, task_status=production.todo, position=0),
        ]
    )
    session.flush()
    session.expunge_all()
    project = session.get_one(type(project), project.id)

    assert [t.name for t in project.task_types] == ["Modeling", "Rigging"]
    assert [s.name for s in project.task_statuses] == ["Todo", "Done"]
    assert [link.position for link in project.task_type_links] == [0, 1]


def test_a_project_role_overrides_the_global_one(session: Session, production: Production) -> None:
    session.add(
        ProjectMember(project=production.project, person=production.artist, role=Role.SUPERVISOR)
    )
    session.flush()
    session.expunge_all()

    person = session.scalars(select(Person)).one()

    assert person.role is Role.ARTIST
    assert [(m.project.code, m.role) for m in person.memberships] == [("LHK", Role.SUPERVISOR)]


def test_timestamps_come_back_as_aware_utc(session: Session, production: Production) -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    production.shot.created_at = dt.datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=paris)
    session.flush()
    session.expunge_all()

    shot = session.get_one(Shot, production.shot.id)

    assert shot.created_at == dt.datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
    assert shot.created_at.tzinfo is dt.UTC
    assert shot.updated_at.tzinfo is dt.UTC


def test_naive_timestamps_are_refused(session: Session, production: Production) -> None:
    production.shot.created_at = dt.datetime(2025, 6, 1, 14, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_emails_are_unique_whatever_their_case(session: Session, production: Production) -> None:
    person = Person(first_name="Mira", last_name="Okafor", email=" MIRA@Studio.Example ")
    assert person.email == "mira@studio.example"
    session.add(person)
    with pytest.raises(IntegrityError):
        session.flush()
