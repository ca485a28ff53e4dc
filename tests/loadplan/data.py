"""Deterministic data sets for the loadplan tests, at any size."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.loadplan.models import (
    Asset,
    Base,
    ClientNote,
    Comment,
    InternalNote,
    Membership,
    Person,
    Project,
    Sequence,
    Shot,
    Status,
    Task,
    TaskType,
)

SIZES = (2, 12)
"""Sizes of the datasets the property tests compare the modes on."""


def populate(engine: Engine, size: int, *, every_parent_has_children: bool = False) -> None:
    """Create the schema and ``size`` assets and shots per project.

    With ``every_parent_has_children`` each entity has tasks and each task has
    comments, subtasks and assignees, so that every level of any selection
    has rows (what a statement-count prediction assumes).
    """
    Base.metadata.create_all(engine)
    full = every_parent_has_children
    with Session(engine) as session:
        people = [Person(id=i, name=f"Person {i}", email=f"p{i}@studio.test") for i in range(1, 6)]
        statuses = [
            Status(id=1, name="Todo", short_name="todo", is_done=False),
            Status(id=2, name="Work in progress", short_name="wip", is_done=False),
            Status(id=3, name="Done", short_name="done", is_done=True),
        ]
        types = [
            TaskType(id=1, name="Modeling", short_name="mod"),
            TaskType(id=2, name="Rigging", short_name="rig"),
            TaskType(id=3, name="Animation", short_name="anim"),
        ]
        session.add_all([*people, *statuses, *types])
        entity_id = task_id = comment_id = sequence_id = note_id = 0
        for p in range(1, 3):
            project = Project(id=p, name=f"Project {p}", code=f"P{p}")
            session.add(project)
            for person in people[p - 1 : p + 2]:
                session.add(Membership(project=project, person=person, role=f"role{person.id % 3}"))
            sequences = []
            for s in range(max(1, size // 3)):
                sequence_id += 1
                sequences.append(
                    Sequence(id=sequence_id, project=project, name=f"SQ{s:03}", archived=s % 4 == 3)
                )
            session.add_all(sequences)
            for n in range(2 if full else p):
                note_id += 1
                kind = ClientNote if n % 2 == 0 else InternalNote
                session.add(
                    kind(
                        id=note_id,
                        project=project,
                        body=f"note {note_id}",
                        client_name=f"client {n}" if kind is ClientNote else None,
                        department=f"dept {n}" if kind is InternalNote else None,
                    )
                )
            for i in range(size * 2):
                entity_id += 1
                if i % 2 == 0:
                    entity = Asset(
                        id=entity_id,
                        project=project,
                        name=f"asset {entity_id}",
                        description=f"d{entity_id}",
                        asset_type=("char", "prop", "set")[i % 3],
                    )
                else:
                    entity = Shot(
                        id=entity_id,
                        project=project,
                        name=f"shot {entity_id}",
                        description=f"d{entity_id}",
                        sequence=sequences[i % len(sequences)],
                        frame_in=1 + i,
                        frame_out=24 + 3 * i,
                    )
                session.add(entity)
                count = 3 if full else entity_id % 4
                parent = None
                for t in range(count):
                    task_id += 1
                    task = Task(
                        id=task_id,
                        entity=entity,
                        task_type=types[t % 3],
                        status=statuses[(task_id * 7) % 3],
                        name=f"task {task_id}",
                        priority=(task_id * 5) % 7,
                        due_date=dt.date(2025, 12, 1) + dt.timedelta(days=(task_id * 11) % 60),
                        parent=parent,
                        assignees=[
                            people[(task_id + k) % 5] for k in range(1 if full else task_id % 3)
                        ]
                        + ([people[(task_id + 2) % 5]] if full else []),
                    )
                    session.add(task)
                    for c in range(2 if full else task_id % 3):
                        comment_id += 1
                        session.add(
                            Comment(
                                id=comment_id,
                                task=task,
                                author=people[c % 5],
                                text=f"comment {comment_id}",
                            )
                        )
                    if t == 0 and full:
                        parent = task
        session.commit()
