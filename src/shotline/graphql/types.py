"""The GraphQL object types: Shotline's models through ``loadplan.strawberry``.

Each type is bound to its model (``@lp.type(m.Task) class Task``), so its
fields come from the model and a whole query is planned into a fixed number of
statements, whatever the number of rows. Python class names are the GraphQL
names, since loadplan names the generated inputs after them (``TaskFilter``,
``TaskOrder``).

Every collection is offered twice: a plain list named after the relationship
(``shots``, with ``filter``/``order``/``limit``/``offset``), for grids that
want whole lists, and a Relay connection (``shotConnection``, with
``first``/``after``/``last``/``before`` and ``totalCount``), for paging. Grids
need the plain lists: a connection's ``edges { node }`` costs two levels of
the query depth limit. Plain lists have no default page size; a connection
without ``first``/``last`` returns at most ``max_page_size`` rows.

Soft-deleted rows are left out by the session (:mod:`shotline.softdelete`). A
task stays hidden while its entity is soft-deleted, even if the task row
itself is not: :meth:`Task.get_queryset` restricts every load of tasks.

``Person.password_hash`` is not exposed, nor are links back up from comments
and time logs (they are reached through their task). ``Person.email`` is
``null`` for a client (a field the principal may not read, not a row).
"""

# LOADPLAN WORKAROUND: with SQLAlchemy 2.1, ``auto`` reads ``object`` as the
# Python type of JSON and TypeDecorator columns, so ``data`` and the
# timestamps are annotated by hand; and loadplan builds filter and order
# inputs only from annotations that are classes, not strings: hence no
# ``from __future__ import annotations`` in this module.
import datetime as dt
from collections import defaultdict
from typing import Any

import strawberry
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session
from strawberry import auto
from strawberry.scalars import JSON

import loadplan
import loadplan.strawberry as lp
from shotline import models as m
from shotline.access import PROJECT_ROLE, Principal, visible
from shotline.graphql.context import principal, session_of
from shotline.graphql.errors import BadInput
from shotline.schemas.previews import THUMBNAIL
from shotline.schemas.schedule import MAX_WEEKS, TIME_SPENT
from shotline.services import schedule
from shotline.services.tasks import ENTITY_IS_LIVE


@lp.type(m.Department, description="A department of the studio.")
class Department:
    id: auto
    name: auto
    color: auto
    people: auto
    person_connection: lp.Connection["Person"] = lp.connection(field_name="people")


def _email(root: strawberry.Parent[m.Person], info: strawberry.Info) -> str | None:
    return root.email if principal(info).sees_emails else None


@lp.type(m.Person, description="Someone who works on productions.")
class Person:
    id: auto
    first_name: auto
    last_name: auto
    email: str | None = lp.field(_email, only=["email"], description="null for clients.")
    active: auto
    role: auto
    department: auto
    tasks: auto
    task_connection: lp.Connection["Task"] = lp.connection(field_name="tasks")
    full_name: auto


@lp.type(m.AssetType, description="A kind of asset: character, prop, set…")
class AssetType:
    id: auto
    name: auto


@lp.type(m.TaskType, description="A step of the pipeline, shared by every project.")
class TaskType:
    id: auto
    name: auto
    short_name: auto
    color: auto
    for_entity: auto
    department: auto


@lp.type(m.TaskStatus, description="A state of a task, shared by every project.")
class TaskStatus:
    id: auto
    name: auto
    short_name: auto
    color: auto
    is_done: auto
    is_wip: auto
    is_retake: auto
    is_artist_allowed: auto = lp.field(description="Artists and vendors may set it.")
    is_client_allowed: auto = lp.field(description="Clients may set it.")


@lp.type(m.Preview, description="An image or video attached to a comment.")
class Preview:
    id: auto
    filename: auto
    content_type: auto
    size: float = lp.field(description="bytes (a Float: files outgrow 32-bit integers)")
    sha256: auto
    width: auto
    height: auto
    thumbnail_sha256: auto
    created_at: dt.datetime
    author: auto


@lp.type(m.Comment, description="A note on a task; one with a status records a status change.")
class Comment:
    id: auto
    text: auto
    internal: auto
    created_at: dt.datetime
    author: auto
    task_status: auto
    previews: auto


@lp.type(m.TimeLog, description="Minutes a person spent on a task on one day.")
class TimeLog:
    id: auto
    day: auto
    minutes: auto
    person: auto


@lp.type(m.Task, description="The work of one pipeline step on one asset or shot.")
class Task:
    id: auto
    priority: auto
    estimate: auto
    start_date: auto
    due_date: auto
    created_at: dt.datetime
    updated_at: dt.datetime
    project: auto
    entity: auto
    task_type: auto
    task_status: auto
    # Column and dotted fields: they also make tasks filterable and sortable
    # by project, task type and status, as ids and names (TaskFilter, TaskOrder).
    project_id: strawberry.ID = lp.field(description="Its project's id (filters by project).")
    task_type_id: strawberry.ID = lp.field(description="Its task type's id.")
    task_status_id: strawberry.ID = lp.field(description="Its status's id.")
    type_name: auto = lp.field(field_name="task_type.name")
    type_short_name: auto = lp.field(field_name="task_type.short_name")
    status_short_name: auto = lp.field(field_name="task_status.short_name")
    done: auto = lp.field(
        field_name="task_status.is_done", description="Whether its status is a done one."
    )
    assignees: auto
    assignee_connection: lp.Connection[Person] = lp.connection(field_name="assignees")
    comments: auto
    comment_connection: lp.Connection[Comment] = lp.connection(field_name="comments")
    latest_comment: Comment | None = lp.field(
        field_name="comments", single=True, order_by=["-created_at", "-id"]
    )
    comment_count: int = lp.field(annotate=loadplan.count("comments"))
    time_logs: auto
    time_log_connection: lp.Connection[TimeLog] = lp.connection(field_name="time_logs")
    time_spent: int | None = lp.field(
        annotate=TIME_SPENT, description="Minutes logged on the task; null for clients."
    )
    thumbnail_id: strawberry.ID | None = lp.field(
        annotate={"shown_thumbnail_id": THUMBNAIL},
        field_name="shown_thumbnail_id",
        description="Its latest preview with a thumbnail the principal may see.",
    )

    @classmethod
    def get_queryset(cls, stmt: Select[Any], info: strawberry.Info) -> Select[Any]:
        """Tasks of a soft-deleted entity are hidden with it: the entity's
        deletion does not touch its tasks' rows, but reached on their own (the
        root list, a person's tasks) they would point at an entity that is gone."""
        return stmt.where(ENTITY_IS_LIVE)


@lp.interface(m.Entity, description="What a production makes: an asset, episode, sequence or shot.")
class Entity:
    id: auto
    kind: auto
    name: auto
    description: auto
    data: JSON
    created_at: dt.datetime
    updated_at: dt.datetime
    project: auto
    tasks: auto
    task_connection: lp.Connection[Task] = lp.connection(field_name="tasks")
    casting: list["Casting"] = lp.field(
        description="The assets cast into this shot, sequence or episode."
    )


# LOADPLAN WORKAROUND: a subtype's Filter and Order inputs hold only the column
# fields declared on the subtype itself, not those it inherits from the
# interface (and an input without fields makes the schema invalid), so each
# subtype declares ``id`` and ``name`` again to be filtered and sorted by them.


@lp.type(m.Asset, description="A character, prop or set, made once and used in shots.")
class Asset(Entity):
    id: auto
    name: auto
    asset_type: auto
    cast_in: list["Casting"] = lp.field(
        description="Where the asset is used: the shots, sequences and episodes it is cast into."
    )


@lp.type(m.Casting, description="An asset cast into a shot, sequence or episode.")
class Casting:
    entity: Entity
    asset: Asset
    occurrences: auto


@lp.type(m.Episode, description="An episode of a series: a group of sequences.")
class Episode(Entity):
    id: auto
    name: auto
    sequences: auto
    sequence_connection: lp.Connection["Sequence"] = lp.connection(field_name="sequences")


@lp.type(m.Sequence, description="A group of shots, in an episode or straight in the project.")
class Sequence(Entity):
    id: auto
    name: auto
    episode: auto
    shots: auto
    shot_connection: lp.Connection["Shot"] = lp.connection(field_name="shots")


@lp.type(m.Shot, description="A continuous range of frames of a sequence.")
class Shot(Entity):
    id: auto
    name: auto
    frame_in: auto
    frame_out: auto
    fps: auto
    sequence: auto


@strawberry.type(description="How many tasks of one task type are in one status.")
class StatusCount:
    short_name: str
    count: int


@strawberry.type(description="The progress of a project's tasks of one task type.")
class TaskTypeProgress:
    task_type_id: strawberry.ID
    task_type_name: str
    task_type_short_name: str
    total: int
    done: int
    done_ratio: float = strawberry.field(description="done / total; 0 without tasks.")
    status_counts: list[StatusCount] = strawberry.field(
        description="Non-zero counts, in the project's order of statuses."
    )


def project_progress(session: Session, project_id: int, who: Principal) -> list[TaskTypeProgress]:
    """The progress of each task type the project uses, in the project's order.

    One grouped statement: task counts per task type and status, with the
    status's ``is_done``; totals and done counts are sums of those rows. Task
    types without tasks are listed with zero counts. Tasks of soft-deleted
    entities are left out, as everywhere else, and so are the tasks (and
    entities) the principal may not see: a vendor's progress is their own.
    """
    link = m.ProjectTaskType
    status_link = m.ProjectTaskStatus
    stmt = (
        select(
            m.TaskType.id,
            m.TaskType.name,
            m.TaskType.short_name,
            m.TaskStatus.short_name,
            m.TaskStatus.is_done,
            func.count(m.Task.id),
        )
        .select_from(link)
        .join(m.TaskType, m.TaskType.id == link.task_type_id)
        .outerjoin(
            m.Task,
            and_(
                m.Task.project_id == link.project_id,
                m.Task.task_type_id == link.task_type_id,
                visible(who, m.Task),
                m.Task.entity.has(and_(m.Entity.deleted_at.is_(None), visible(who, m.Entity))),
            ),
        )
        .outerjoin(m.TaskStatus, m.TaskStatus.id == m.Task.task_status_id)
        .outerjoin(
            status_link,
            and_(
                status_link.project_id == link.project_id,
                status_link.task_status_id == m.TaskStatus.id,
            ),
        )
        .where(link.project_id == project_id)
        .group_by(
            link.position,
            m.TaskType.id,
            m.TaskType.name,
            m.TaskType.short_name,
            status_link.position,
            m.TaskStatus.id,
            m.TaskStatus.short_name,
            m.TaskStatus.is_done,
        )
        # A status the project no longer uses sorts last on every dialect.
        .order_by(
            link.position,
            status_link.position.is_(None),
            status_link.position,
            m.TaskStatus.short_name,
        )
    )
    names: dict[int, tuple[str, str]] = {}
    counts: dict[int, list[StatusCount]] = defaultdict(list)
    done: dict[int, int] = defaultdict(int)
    for type_id, name, short_name, status, is_done, count in session.execute(stmt):
        names[type_id] = (name, short_name)
        if status is None:  # the outer join's row of a task type without tasks
            continue
        counts[type_id].append(StatusCount(short_name=status, count=count))
        if is_done:
            done[type_id] += count
    progress = []
    for type_id, (name, short_name) in names.items():
        total = sum(c.count for c in counts[type_id])
        progress.append(
            TaskTypeProgress(
                task_type_id=strawberry.ID(str(type_id)),
                task_type_name=name,
                task_type_short_name=short_name,
                total=total,
                done=done[type_id],
                done_ratio=done[type_id] / total if total else 0.0,
                status_counts=counts[type_id],
            )
        )
    return progress


def _progress(root: strawberry.Parent[m.Project], info: strawberry.Info) -> list[TaskTypeProgress]:
    """One statement per project: right for a project's page, not for a list
    of many projects."""
    return project_progress(session_of(info), root.id, principal(info))


@lp.type(m.Milestone, description="A dated event of a project's schedule.")
class Milestone:
    id: auto
    date: auto
    name: auto
    task_type: auto
    created_at: dt.datetime


@strawberry.type(description="One person's estimated work per week.")
class PersonWorkload:
    person_id: strawberry.ID
    full_name: str
    minutes: list[int] = strawberry.field(description="Per week, in week order.")
    unscheduled: int = strawberry.field(description="Minutes of open tasks without dates.")


@strawberry.type(description="Estimates of the open tasks assigned to each person, per week.")
class Workload:
    weeks: list[dt.date] = strawberry.field(description="The Monday of each week.")
    people: list[PersonWorkload]


def _workload(
    root: strawberry.Parent[m.Project],
    info: strawberry.Info,
    start: dt.date,
    weeks: int = 8,
) -> Workload:
    """One grouped statement per project (see :mod:`shotline.services.schedule`)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise BadInput(f"weeks must be between 1 and {MAX_WEEKS}")
    table = schedule.workload(session_of(info), principal(info), root.id, start, weeks)
    return Workload(
        weeks=table.weeks,
        people=[
            PersonWorkload(
                person_id=strawberry.ID(str(person.id)),
                full_name=f"{person.first_name} {person.last_name}",
                minutes=[round(minutes) for minutes in person.weeks],
                unscheduled=round(person.unscheduled),
            )
            for person in table.people
        ],
    )


@lp.type(m.Event, description="One change (docs/events.md lists the kinds and their payloads).")
class Event:
    id: auto
    created_at: dt.datetime
    kind: auto
    actor_id: strawberry.ID | None = lp.field(description="Who made the change.")
    project_id: strawberry.ID | None = lp.field(description="null: studio-wide data.")
    entity_id: strawberry.ID | None = lp.field()
    task_id: strawberry.ID | None = lp.field()
    comment_id: strawberry.ID | None = lp.field()
    person_id: strawberry.ID | None = lp.field(description="The person it is about, if any.")
    payload: JSON
    number: int = lp.field(
        field_name="id",
        description="The id as a number, which orders events: a feed filtered by number "
        "lt the last one read pages without shifting as new events arrive.",
    )


@lp.type(m.ProjectMember, description="A person on a project's team.")
class ProjectMember:
    person: auto
    # Dotted fields: they also make the team filterable and sortable by name.
    person_first_name: auto = lp.field(field_name="person.first_name")
    person_last_name: auto = lp.field(field_name="person.last_name")
    role: auto = lp.field(description="The role the membership sets; null: their own.")
    project_role: m.Role = lp.field(
        annotate=PROJECT_ROLE, description="The role they act with on this project."
    )


@lp.type(m.Project, description="A production: a film or a series.")
class Project:
    id: auto
    name: auto
    code: auto
    status: auto
    fps: auto
    start_date: auto
    end_date: auto
    created_at: dt.datetime
    members: list[ProjectMember] = lp.field(description="The project's team.")
    task_types: auto
    task_type_connection: lp.Connection[TaskType] = lp.connection(field_name="task_types")
    task_statuses: auto
    task_status_connection: lp.Connection[TaskStatus] = lp.connection(field_name="task_statuses")
    episodes: auto
    episode_connection: lp.Connection[Episode] = lp.connection(field_name="episodes")
    sequences: auto
    sequence_connection: lp.Connection[Sequence] = lp.connection(field_name="sequences")
    shots: auto
    shot_connection: lp.Connection[Shot] = lp.connection(field_name="shots")
    assets: auto
    asset_connection: lp.Connection[Asset] = lp.connection(field_name="assets")
    entity_connection: lp.Connection[Entity] = lp.connection(field_name="entities")
    # The session's soft-delete filter does not reach computed fields (loadplan
    # loads them with ``with_expression``, which loader criteria skip).
    asset_count: int = lp.field(annotate=loadplan.count("assets", m.Entity.deleted_at.is_(None)))
    shot_count: int = lp.field(annotate=loadplan.count("shots", m.Entity.deleted_at.is_(None)))
    progress: list[TaskTypeProgress] = lp.field(
        _progress,
        only=["id"],
        description="Per task type: task counts by status and the done ratio.",
    )
    milestones: auto
    event_connection: lp.Connection[Event] = lp.connection(
        field_name="events",
        description="The activity feed: the project's events the principal may read (the "
        "rules of the event stream), newest first. Filter by kind (eq, or startswith for a "
        "subject's kinds), actorId/personId, entityId, taskId and createdAt; for pages that "
        "stay put while events arrive, filter number lt the last one read.",
    )
    workload: Workload = lp.field(
        _workload,
        only=["id"],
        description="Per person and week from the Monday of start's week: estimated minutes "
        "of their open tasks.",
    )


ENTITY_TYPES = [Asset, Episode, Sequence, Shot]
"""The implementations of ``Entity``: the schema must be told about them,
since fields return the interface."""
