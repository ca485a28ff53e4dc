"""Mutations: what artists and supervisors change on a task.

Each mutation checks its whole input first, writes, commits once (so a status
change and its comment land together or not at all) and returns the changed
task: ``OptimizerExtension`` reloads it with the payload's selection, so a
mutation answers with the same fixed number of statements as a query would.

Shotline has no authentication yet: a comment names its author.
"""

from __future__ import annotations

from typing import cast

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session

from shotline import models as m
from shotline.graphql.context import session_of
from shotline.graphql.errors import BadInput, NotFound, key
from shotline.graphql.types import ENTITY_IS_LIVE, Task


@strawberry.input(description="A comment by a person.")
class NewComment:
    author_id: strawberry.ID
    text: str


def _task(session: Session, task_id: strawberry.ID) -> m.Task:
    """The live task, with the same visibility as queries (see ``Task.get_queryset``)."""
    ident = key(task_id, "task")
    task = session.scalar(select(m.Task).where(m.Task.id == ident, ENTITY_IS_LIVE))
    if task is None:
        raise NotFound("task", ident)
    return task


def _status_for(session: Session, task: m.Task, status_id: strawberry.ID) -> m.TaskStatus:
    """The status, if the task's project uses it."""
    ident = key(status_id, "task status")
    status = session.scalar(
        select(m.TaskStatus)
        .join(m.ProjectTaskStatus)
        .where(m.TaskStatus.id == ident, m.ProjectTaskStatus.project_id == task.project_id)
    )
    if status is not None:
        return status
    # Only on the error path: tell a status that does not exist from one the
    # project does not use.
    unused = session.get(m.TaskStatus, ident)
    if unused is None:
        raise NotFound("task status", ident)
    project = session.get_one(m.Project, task.project_id)
    raise BadInput(f"task status {unused.short_name!r} is not used by project {project.code}")


def _comment(session: Session, task: m.Task, comment: NewComment) -> m.Comment:
    text = comment.text.strip()
    if not text:
        raise BadInput("comment text must not be empty")
    author_id = key(comment.author_id, "person")
    if session.get(m.Person, author_id) is None:
        raise NotFound("person", author_id)
    return m.Comment(task_id=task.id, person_id=author_id, text=text)


def _people(session: Session, ids: list[strawberry.ID]) -> list[m.Person]:
    idents = list(dict.fromkeys(key(i, "person") for i in ids))
    if not idents:
        return []
    found = {p.id: p for p in session.scalars(select(m.Person).where(m.Person.id.in_(idents)))}
    missing = [i for i in idents if i not in found]
    if missing:
        raise NotFound("person", missing[0])
    return [found[i] for i in idents]


def _changed(task: m.Task) -> Task:
    """The payload: the ORM task stands for the GraphQL ``Task``, which
    ``OptimizerExtension`` reloads with the payload's selection."""
    return cast(Task, task)


def set_task_status(
    info: strawberry.Info,
    task_id: strawberry.ID,
    status_id: strawberry.ID,
    comment: NewComment | None = None,
) -> Task:
    session = session_of(info)
    task = _task(session, task_id)
    status = _status_for(session, task, status_id)
    note = _comment(session, task, comment) if comment is not None else None
    task.task_status_id = status.id
    if note is not None:
        note.task_status_id = status.id
        session.add(note)
    session.commit()
    return _changed(task)


def assign_task(
    info: strawberry.Info,
    task_id: strawberry.ID,
    add: list[strawberry.ID] | None = None,
    remove: list[strawberry.ID] | None = None,
) -> Task:
    session = session_of(info)
    task = _task(session, task_id)
    adding = _people(session, add or [])
    removing = {key(i, "person") for i in remove or []}
    both = [p.id for p in adding if p.id in removing]
    if both:
        raise BadInput(f"person {both[0]} is both added and removed")
    for person in [p for p in task.assignees if p.id in removing]:
        task.assignees.remove(person)
    for person in adding:
        if person not in task.assignees:
            task.assignees.append(person)
    session.commit()
    return _changed(task)


def add_comment(info: strawberry.Info, task_id: strawberry.ID, comment: NewComment) -> Task:
    session = session_of(info)
    task = _task(session, task_id)
    session.add(_comment(session, task, comment))
    session.commit()
    return _changed(task)


@strawberry.type
class Mutation:
    set_task_status: Task = strawberry.mutation(
        resolver=set_task_status,
        description="Set a task's status, with an optional comment recording the change.",
    )
    assign_task: Task = strawberry.mutation(
        resolver=assign_task, description="Add and remove assignees of a task."
    )
    add_comment: Task = strawberry.mutation(resolver=add_comment, description="Comment on a task.")
