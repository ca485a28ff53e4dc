"""Mutations: what artists and supervisors change on a task.

Each mutation runs the service the REST endpoints run (:mod:`shotline.services`),
so the same rules apply with the same messages: a refusal there (a 4xx for
REST) is the GraphQL error of the same kind here (``NOT_FOUND``,
``FORBIDDEN``, ``BAD_USER_INPUT``, ``CONFLICT``; see
:func:`~shotline.graphql.errors.answered_as_graphql`). Each checks its whole
input first, writes, commits once (so a status change and its comment land
together or not at all) and returns the changed task: ``OptimizerExtension``
reloads it with the payload's selection, so a mutation answers with the same
fixed number of statements as a query would.

Access is checked with the same statement that loads the task (see
:mod:`shotline.access`): a task the principal does not see is ``NOT_FOUND``;
assigning is for managers and supervisors of the task's department, status
changes and comments also for the task's artists and vendors, and a status
change for a client of the project, each within the workflow rules of the
status; anything else is ``FORBIDDEN``. A comment is by the principal unless
``authorId`` names someone else, which a manager of the project may do.
"""

from __future__ import annotations

from typing import cast

import strawberry
from pydantic import TypeAdapter, ValidationError

from shotline import models as m
from shotline.graphql import events, team
from shotline.graphql.context import principal, session_of
from shotline.graphql.errors import BadInput, answered_as_graphql, key
from shotline.graphql.types import Project, Task
from shotline.schemas.crud import Text
from shotline.services import tasks

# GraphQL's names for the fields the services name in their refusals.
ARGUMENTS = {"task_status_id": "statusId", "person_ids": "add"}

_TEXT: TypeAdapter[str] = TypeAdapter(Text)


@strawberry.input(description="A comment; by the signed-in person unless authorId says otherwise.")
class NewComment:
    text: str
    author_id: strawberry.ID | None = None
    internal: bool = strawberry.field(default=False, description="Clients never see it.")


def _text(comment: NewComment) -> str:
    """The comment's text, by the rules of REST's ``CommentCreate.text``."""
    try:
        return _TEXT.validate_python(comment.text)
    except ValidationError as error:
        raise BadInput(f"comment text: {error.errors()[0]['msg']}") from None


def _author(comment: NewComment) -> int | None:
    return None if comment.author_id is None else key(comment.author_id, "person")


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
    task, status = key(task_id, "task"), key(status_id, "task status")
    text = None if comment is None else _text(comment)
    with answered_as_graphql(ARGUMENTS):
        if comment is None or text is None:
            changed = tasks.change_status(session, who, task, status)
        else:
            author = _author(comment)
            changed, _ = tasks.add_comment(
                session, who, task, author, text, status, comment.internal
            )
    session.commit()
    return _changed(changed)


def assign_task(
    info: strawberry.Info,
    task_id: strawberry.ID,
    add: list[strawberry.ID] | None = None,
    remove: list[strawberry.ID] | None = None,
) -> Task:
    session, who = session_of(info), principal(info)
    task = key(task_id, "task")
    adding = list(dict.fromkeys(key(i, "person") for i in add or []))
    removing = [key(i, "person") for i in remove or []]
    with answered_as_graphql(ARGUMENTS):
        changed = tasks.assign(session, who, task, adding, remove=removing)
    session.commit()
    return _changed(changed)


def add_comment(info: strawberry.Info, task_id: strawberry.ID, comment: NewComment) -> Task:
    session, who = session_of(info), principal(info)
    task = key(task_id, "task")
    text = _text(comment)
    with answered_as_graphql(ARGUMENTS):
        changed, _ = tasks.add_comment(
            session, who, task, _author(comment), text, None, comment.internal
        )
    session.commit()
    return _changed(changed)


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
    mark_notifications_read: int = strawberry.mutation(
        resolver=events.mark_notifications_read,
        description="Mark a notification read, or all of them; answers how many are unread.",
    )
    watch_task: bool = strawberry.mutation(
        resolver=events.watch_task, description="Follow a task, or stop (watch: false)."
    )
