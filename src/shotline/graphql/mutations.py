"""Mutations: what artists and supervisors change on a task.

Each mutation checks its whole input first, writes, commits once (so a status
change and its comment land together or not at all) and returns the changed
task: ``OptimizerExtension`` reloads it with the payload's selection, so a
mutation answers with the same fixed number of statements as a query would.

Access is checked with the same statement that loads the task (see
:mod:`shotline.access`): a task the principal does not see is ``NOT_FOUND``;
assigning is for managers and supervisors of the task's department, status
changes and comments also for the task's artists and vendors; anything else
is ``FORBIDDEN``. A comment is by the principal unless ``authorId`` names
someone else, which a manager of the project may do.
"""

from __future__ import annotations

from typing import cast

import strawberry
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from shotline import models as m
from shotline.access import Principal, can_edit_task, can_manage, can_work_on_task, visible
from shotline.graphql import team
from shotline.graphql.context import principal, session_of
from shotline.graphql.errors import BadInput, Forbidden, NotFound, key
from shotline.graphql.types import ENTITY_IS_LIVE, Project, Task


@strawberry.input(description="A comment; by the signed-in person unless authorId says otherwise.")
class NewComment:
    text: str
    author_id: strawberry.ID | None = None
    internal: bool = strawberry.field(default=False, description="Clients never see it.")


def _task(
    session: Session, who: Principal, task_id: strawberry.ID, allowed: ColumnElement[bool]
) -> tuple[m.Task, bool]:
    """The live task the principal sees (the same visibility as queries, see
    ``Task.get_queryset``), and whether ``allowed`` holds for it: one
    statement, which locks the task until the mutation commits, so that
    concurrent mutations of one task take turns: a status comment's time is
    taken after the lock (the latest comment agrees with the task), and
    each assignment reads the assignees the other committed."""
    ident = key(task_id, "task")
    row = session.execute(
        select(
            m.Task, allowed.label("allowed"), can_manage(who, m.Task.project_id).label("manages")
        )
        .where(m.Task.id == ident, ENTITY_IS_LIVE, visible(who, m.Task))
        .with_for_update(of=m.Task)
    ).first()
    if row is None:
        raise NotFound("task", ident)
    task, permitted, manages = row
    if not permitted:
        raise Forbidden(f"you may not change task {ident}")
    return task, bool(manages)


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


def _comment(
    session: Session, who: Principal, task: m.Task, manages: bool, comment: NewComment
) -> m.Comment:
    text = comment.text.strip()
    if not text:
        raise BadInput("comment text must not be empty")
    author_id = who.person_id
    if comment.author_id is not None and key(comment.author_id, "person") != who.person_id:
        author_id = key(comment.author_id, "person")
        if not manages:
            raise Forbidden("you may not comment for someone else")
        if session.get(m.Person, author_id) is None:
            raise NotFound("person", author_id)
    return m.Comment(task_id=task.id, person_id=author_id, text=text, internal=comment.internal)


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
    session, who = session_of(info), principal(info)
    task, manages = _task(session, who, task_id, can_work_on_task(who))
    status = _status_for(session, task, status_id)
    note = _comment(session, who, task, manages, comment) if comment is not None else None
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
    session, who = session_of(info), principal(info)
    task, _ = _task(session, who, task_id, can_edit_task(who))
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
    session, who = session_of(info), principal(info)
    task, manages = _task(session, who, task_id, can_work_on_task(who))
    session.add(_comment(session, who, task, manages, comment))
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
    add_project_member: Project = strawberry.mutation(
        resolver=team.add_project_member,
        description="Put a person on a project's team, with a role on it (none: their own).",
    )
    set_project_member_role: Project = strawberry.mutation(
        resolver=team.set_project_member_role,
        description="Change a team member's role on the project (null: their own).",
    )
    remove_project_member: Project = strawberry.mutation(
        resolver=team.remove_project_member, description="Take a person off a project's team."
    )
