"""The GraphQL test schema over the loadplan test models."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import BigInteger, Select, literal, select
from strawberry import auto
from strawberry.scalars import JSON

import loadplan
import loadplan.strawberry as lp
from tests.loadplan import models as m


@lp.type(m.Person)
class PersonType:
    id: auto
    name: auto
    email: auto
    tasks: auto


@lp.type(m.Status)
class StatusType:
    id: auto
    name: auto
    short_name: auto
    is_done: auto


@lp.interface(m.Status)
class StatusKind:
    """Custom polymorphism: one table, the type chosen by a column."""

    id: auto
    name: auto

    @classmethod
    def resolve_type(cls, obj: Any, info: Any, type_: Any) -> str:
        return "DoneStatus" if obj.is_done else "OpenStatus"


@lp.type(m.Status)
class DoneStatus(StatusKind):
    is_done: auto


@lp.type(m.Status)
class OpenStatus(StatusKind):
    short_name: auto


@lp.type(m.TaskType)
class TaskTypeType:
    id: auto
    name: auto
    short_name: auto


@lp.type(m.Comment)
class CommentType:
    id: auto
    text: auto
    author: auto
    task: auto


@lp.type(m.Task)
class TaskGQL:
    id: auto
    name: auto
    priority: auto
    due_date: auto
    status: auto
    task_type: auto
    entity: auto
    parent: auto
    subtasks: auto
    assignees: auto
    comments: auto
    comments_page: lp.OffsetPage[CommentType] = lp.offset_page(field_name="comments")
    comment_connection: lp.Connection[CommentType] = lp.connection(field_name="comments")
    latest_comment: CommentType | None = lp.field(
        field_name="comments", single=True, order_by=["-id"]
    )
    type_name: str = lp.field(field_name="task_type.name")
    unplanned_comments: list[CommentType] = lp.field(
        field_name="comments", disable_optimization=True
    )
    is_late: bool = lp.field()
    comment_count: int = lp.field(annotate=loadplan.count("comments"))
    huge_number: int | None = lp.field(annotate=literal(2**40, BigInteger))
    # Declared projections, read as GraphQL's JSON scalar.
    assignee_names: JSON = lp.field(
        annotate=loadplan.column_list("assignees", "name", order_by=["-name"])
    )
    authors_by_text: JSON = lp.field(
        annotate=loadplan.column_map("comments", "text", "author.name", order_by=["id"])
    )
    # Declared non-null over a nullable column: a task without a parent is a
    # non-null violation, nulled out to the nearest nullable parent.
    parent_key: int = lp.field(field_name="parent_id")

    @lp.field(only=["name", "priority"])
    def title(self, root: strawberry.Parent[m.Task]) -> str:
        return f"{root.name} (p{root.priority})"

    @lp.field(prefetch_related=["assignees"])
    def team(self, root: strawberry.Parent[m.Task]) -> list[PersonType]:
        return root.assignees  # type: ignore[return-value]

    @lp.field(annotate={"open_comments": loadplan.count("comments")})
    def open_comment_count(self, root: strawberry.Parent[m.Task]) -> int:
        """Reads an annotation: available only where the optimizer planned it."""
        return root.open_comments  # type: ignore[attr-defined, no-any-return]


@lp.interface(m.Entity)
class EntityInterface:
    id: auto
    name: auto
    description: auto
    project: auto
    tasks: auto
    task_connection: lp.Connection[TaskGQL] = lp.connection(field_name="tasks")


@lp.type(m.Asset)
class AssetGQL(EntityInterface):
    asset_type: auto


@lp.type(m.Shot)
class ShotGQL(EntityInterface):
    frame_in: auto
    frame_out: auto
    duration: auto
    sequence: auto


@lp.type(m.Sequence)
class SequenceGQL:
    id: auto
    name: auto
    archived: auto
    project: auto
    shots: auto
    shot_connection: lp.Connection[ShotGQL] = lp.connection(field_name="shots")

    @classmethod
    def get_queryset(cls, stmt: Select[Any], info: strawberry.Info) -> Select[Any]:
        return stmt.where(m.Sequence.archived.is_(False))


@lp.type(m.Membership)
class MembershipType:
    role: auto
    person: auto
    project: auto


@lp.interface(m.Note)
class NoteInterface:
    id: auto
    body: auto


@lp.type(m.ClientNote)
class ClientNoteType(NoteInterface):
    client_name: auto


@lp.type(m.InternalNote)
class InternalNoteType(NoteInterface):
    department: auto


@lp.type(m.Project)
class ProjectGQL:
    id: auto
    name: auto
    code: auto
    status: auto
    entities: list[EntityInterface] = lp.field()
    sequences: auto
    active_sequences: auto
    memberships: auto
    notes: list[NoteInterface] = lp.field()
    entity_count: int = lp.field(annotate=loadplan.count("entities"))


@strawberry.type
class Query:
    projects: list[ProjectGQL] = lp.field()
    tasks: list[TaskGQL] = lp.field()
    entities: list[EntityInterface] = lp.field()
    task_connection: lp.Connection[TaskGQL] = lp.connection()
    task_page: lp.OffsetPage[TaskGQL] = lp.offset_page()
    sequences: list[SequenceGQL] = lp.field()
    people: list[PersonType] = lp.field()

    @strawberry.field
    def project(self, id: strawberry.ID) -> ProjectGQL | None:
        return select(m.Project).where(m.Project.id == int(id))  # type: ignore[return-value]

    statuses: list[StatusKind] = lp.field()

    @strawberry.field
    async def async_tasks(self, first: int) -> list[TaskGQL]:
        return select(m.Task).order_by(m.Task.id).limit(first)  # type: ignore[return-value]

    @strawberry.field
    def tasks_with_done_status(self) -> list[TaskGQL]:
        return (
            select(m.Task).join(m.Task.status).where(m.Status.is_done.is_(True)).order_by(m.Task.id)
        )  # type: ignore[return-value]


@strawberry.input
class RenameTask:
    id: strawberry.ID
    name: str


@strawberry.type
class Mutation:
    @strawberry.mutation
    def rename_task(self, info: strawberry.Info, data: RenameTask) -> TaskGQL:
        session = info.context["session"]
        task = session.get(m.Task, int(data.id))
        task.name = data.name
        session.flush()
        return task  # type: ignore[no-any-return]


def make_schema(**options: Any) -> strawberry.Schema:
    """The test schema; ``rows=True`` adds the fast path's execution context."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[AssetGQL, ShotGQL, ClientNoteType, InternalNoteType, DoneStatus, OpenStatus],
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )
