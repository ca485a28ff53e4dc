"""A small deterministic production for the GraphQL tests, at any size.

Built with ORM inserts, one flush per row group so that ids are assigned in
the same order on every dialect; the :class:`Production` it returns names
every row's id, so tests spell expected responses with names, not numbers.

Size ``n`` gives the main project (LHK) ``n`` assets and ``n`` shots in each
of two sequences of one episode, each asset with a modeling and a rigging
task, each shot with an animation and a lighting task; statuses, assignees,
comments and time logs follow a fixed rotation. Whatever ``n``, it also has
soft-deleted rows that must never show: a shot (whose animation task row is
live, as a deletion that did not cascade would leave it), an asset with its
tasks, and the lighting task of the first shot. A second project (PMN) has
one sequence and one shot. Ada Root, an admin on no project, makes the
requests (she sees everything); Leo is a manager, but of no project.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shotline import models as m
from shotline.db import upgrade

MORNING = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
ASSET_NAMES = ["Keeper", "Lantern", "Gull", "Rowboat"]
# (status, assignee indexes) by task number: a rotation every row group follows.
ROTATION = [("todo", [0]), ("wip", [1, 2]), ("retake", [1]), ("done", [0, 3]), ("wip", [])]


@dataclass
class Production:
    """Ids of the rows, by name: ``people["Mira"]``, ``shots["SQ010/SH0010"]``,
    ``tasks["SQ010/SH0010/anim"]``, ``statuses["wip"]``…"""

    projects: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    task_types: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    episodes: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    shots: dict[str, int] = field(default_factory=dict)
    assets: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)


def asset_name(index: int) -> str:
    base = ASSET_NAMES[index % len(ASSET_NAMES)]
    return base if index < len(ASSET_NAMES) else f"{base} {index // len(ASSET_NAMES) + 1}"


def shot_name(index: int) -> str:
    return f"SH{(index + 1) * 10:04d}"


class _Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids = Production()
        self.task_number = 0
        self.people: list[m.Person] = []

    def add(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def vocabulary(self) -> None:
        modeling = m.Department(name="Modeling", color="#2980B9")
        animation = m.Department(name="Animation", color="#E67E22")
        self.add(modeling, animation)
        for first, last, department, role in [
            ("Mira", "Okafor", modeling, m.Role.ARTIST),
            ("Tomás", "Reyes", animation, m.Role.ARTIST),
            ("Ines", "Abara", animation, m.Role.SUPERVISOR),
            ("Leo", "Brandt", None, m.Role.MANAGER),
            ("Ada", "Root", None, m.Role.ADMIN),
        ]:
            email = unicodedata.normalize("NFKD", first.lower()).encode("ascii", "ignore").decode()
            person = m.Person(
                first_name=first,
                last_name=last,
                email=f"{email}@studio.example",
                department=department,
                role=role,
            )
            self.add(person)
            self.people.append(person)
            self.ids.people[first] = person.id
        for name, short, kind, department in [
            ("Modeling", "mod", m.ForEntity.ASSET, modeling),
            ("Rigging", "rig", m.ForEntity.ASSET, None),
            ("Animation", "anim", m.ForEntity.SHOT, animation),
            ("Lighting", "light", m.ForEntity.SHOT, None),
            ("Compositing", "comp", m.ForEntity.SHOT, None),
        ]:
            task_type = m.TaskType(
                name=name, short_name=short, for_entity=kind, department=department
            )
            self.add(task_type)
            self.ids.task_types[short] = task_type.id
        for name, short, flags in [
            ("Todo", "todo", {}),
            ("Work in progress", "wip", {"is_wip": True}),
            ("Retake", "retake", {"is_retake": True}),
            ("Done", "done", {"is_done": True}),
            ("On hold", "hold", {}),
        ]:
            status = m.TaskStatus(name=name, short_name=short, **flags)
            self.add(status)
            self.ids.statuses[short] = status.id

    def project(self, name: str, code: str, fps: float, types: list[str]) -> m.Project:
        project = m.Project(name=name, code=code, fps=fps, start_date=dt.date(2025, 1, 6))
        project.task_type_links = [
            m.ProjectTaskType(task_type_id=self.ids.task_types[t], position=i)
            for i, t in enumerate(types, start=1)
        ]
        project.task_status_links = [
            m.ProjectTaskStatus(task_status_id=self.ids.statuses[s], position=i)
            for i, s in enumerate(["todo", "wip", "retake", "done"], start=1)
        ]
        self.add(project)
        self.ids.projects[code] = project.id
        return project

    def task(self, key: str, entity: m.Entity, task_type: str) -> m.Task:
        status, assignees = ROTATION[self.task_number % len(ROTATION)]
        number = self.task_number
        self.task_number += 1
        task = m.Task(
            project_id=entity.project_id,
            entity_id=entity.id,
            task_type_id=self.ids.task_types[task_type],
            task_status_id=self.ids.statuses[status],
            priority=number % 3,
            due_date=dt.date(2025, 4, 1) + dt.timedelta(days=number),
            assignees=[self.people[i] for i in assignees],
        )
        self.add(task)
        self.ids.tasks[key] = task.id
        if status != "todo":
            author = self.people[assignees[0]] if assignees else self.people[2]
            self.add(
                m.Comment(
                    task_id=task.id,
                    person_id=author.id,
                    text=f"{key}: {status}",
                    task_status_id=self.ids.statuses[status],
                    created_at=MORNING + dt.timedelta(hours=number),
                )
            )
            for person in task.assignees:
                self.add(
                    m.TimeLog(person_id=person.id, task_id=task.id, day=MORNING.date(), minutes=90)
                )
        return task


def build(session: Session, size: int) -> Production:
    """Insert the production of ``size`` (see the module docstring)."""
    builder = _Builder(session)
    builder.vocabulary()
    ids = builder.ids
    main = builder.project("The Lighthouse Keepers", "LHK", 24, ["mod", "rig", "anim", "light"])
    character = m.AssetType(name="Character")
    prop = m.AssetType(name="Prop")
    builder.add(character, prop)
    for index in range(size):
        name = asset_name(index)
        asset = m.Asset(project=main, name=name, asset_type=character if index % 2 == 0 else prop)
        builder.add(asset)
        ids.assets[name] = asset.id
        builder.task(f"{name}/mod", asset, "mod")
        builder.task(f"{name}/rig", asset, "rig")
    episode = m.Episode(project=main, name="E01")
    builder.add(episode)
    ids.episodes["E01"] = episode.id
    for sequence_name in ["SQ010", "SQ020"]:
        sequence = m.Sequence(project=main, name=sequence_name, episode=episode)
        builder.add(sequence)
        ids.sequences[sequence_name] = sequence.id
        for index in range(size):
            name = f"{sequence_name}/{shot_name(index)}"
            shot = m.Shot(
                project=main,
                name=shot_name(index),
                sequence=sequence,
                frame_in=1001,
                frame_out=1001 + 24 * (index + 1) - 1,
            )
            builder.add(shot)
            ids.shots[name] = shot.id
            builder.task(f"{name}/anim", shot, "anim")
            builder.task(f"{name}/light", shot, "light")

    # Soft-deleted rows, whatever the size.
    omitted = m.Shot(
        project=main,
        name="SH0990",
        sequence=session.get_one(m.Sequence, ids.sequences["SQ010"]),
        frame_in=1001,
        frame_out=1010,
    )
    builder.add(omitted)
    ids.shots["SQ010/SH0990"] = omitted.id
    builder.task("SQ010/SH0990/anim", omitted, "anim")
    omitted.soft_delete()
    buoy = m.Asset(project=main, name="Buoy", asset_type=prop)
    builder.add(buoy)
    ids.assets["Buoy"] = buoy.id
    for task_type in ["mod", "rig"]:
        builder.task(f"Buoy/{task_type}", buoy, task_type).soft_delete()
    buoy.soft_delete()
    session.get_one(m.Task, ids.tasks["SQ010/SH0010/light"]).soft_delete()

    short = builder.project("Paper Moon", "PMN", 25, ["anim"])
    sequence = m.Sequence(project=short, name="SQ001")
    builder.add(sequence)
    ids.sequences["PMN/SQ001"] = sequence.id
    shot = m.Shot(project=short, name="SH0010", sequence=sequence, frame_in=1, frame_out=48)
    builder.add(shot)
    ids.shots["PMN/SQ001/SH0010"] = shot.id
    session.commit()
    return ids


def migrated_production(engine: Engine, size: int) -> Production:
    upgrade(engine)
    with Session(engine) as session:
        return build(session, size)
