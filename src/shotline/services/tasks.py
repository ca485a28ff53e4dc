"""Tasks: creation for many entities at once, status changes (with a comment or
in bulk), assignments, deletion and restoration.

Each operation checks its preconditions in a fixed number of statements, then
writes with set-based statements (one UPDATE, or one executemany INSERT), so
its cost does not grow with the number of tasks it touches (up to
:data:`shotline.inputs.MAX_IDS`).

Who may do what is part of those preconditions (:mod:`shotline.access`): a
task the principal does not see is a 404, as if it did not exist; creating,
deleting and restoring tasks is for managers, editing and assigning for them
and for supervisors of the task's department, and status changes, comments
and time for those and for the task's artists and vendors (a 403 otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, aliased

from shotline.access import (
    Principal,
    can_edit_task,
    can_manage,
    can_set_status,
    can_work_on_task,
    is_client_on,
    visible,
)
from shotline.errors import BadRequest, Conflict, Forbidden, NotFound
from shotline.events.changes import comment_change, task_change
from shotline.events.log import Change, record
from shotline.models import (
    Comment,
    Entity,
    ForEntity,
    Person,
    Project,
    ProjectMember,
    ProjectTaskStatus,
    ProjectTaskType,
    Role,
    Task,
    TaskStatus,
    TaskType,
    task_assignee,
)
from shotline.services import NO_SYNC
from shotline.services.checks import (
    Check,
    fetch,
    may,
    missing,
    naming,
    not_found,
    present,
    row_exists,
    seen,
    sees,
    verify,
)
from shotline.services.notifications import mentioned
from shotline.softdelete import INCLUDE_DELETED
from shotline.sqltypes import utcnow

Ref = int | SQLColumnExpression[int]
"""A value, or a column of the row a check is correlated to."""

ENTITY_IS_LIVE = Task.entity.has(Entity.deleted_at.is_(None))
"""Whether a task's entity is live: tasks are hidden with their soft-deleted entity."""


def type_enabled(project_id: Ref, task_type_id: Ref) -> ColumnElement[bool]:
    """The project uses the task type (its settings list it)."""
    return row_exists(
        ProjectTaskType,
        ProjectTaskType.project_id == project_id,
        ProjectTaskType.task_type_id == task_type_id,
    )


def status_enabled(project_id: Ref, task_status_id: Ref) -> ColumnElement[bool]:
    """The project uses the task status (its settings list it)."""
    return row_exists(
        ProjectTaskStatus,
        ProjectTaskStatus.project_id == project_id,
        ProjectTaskStatus.task_status_id == task_status_id,
    )


def _status_checks(project_id: int, task_status_id: int) -> list[Check]:
    return [
        present(TaskStatus, task_status_id, "task status"),
        Check(
            status_enabled(project_id, task_status_id),
            BadRequest(
                "task_status_id",
                f"task status {task_status_id} is not enabled for project {project_id}",
            ),
        ),
    ]


def create_tasks(
    session: Session,
    me: Principal,
    project_id: int,
    task_type_id: int,
    entity_ids: Sequence[int],
    task_status_id: int | None,
) -> list[int]:
    """Give every entity of ``entity_ids`` a task of ``task_type_id``; returns
    the entities that did not have one (in the order given), i.e. those whose
    task was created. Entities that already have a live task keep it.

    A soft-deleted task still holds its entity and task type (the unique
    constraint spans deleted rows, which keep their history): the request is
    refused (409) until it is restored, rather than silently reviving it.
    """
    first_status = (
        select(ProjectTaskStatus.task_status_id)
        .where(ProjectTaskStatus.project_id == project_id)
        .order_by(ProjectTaskStatus.position)
        .limit(1)
        .scalar_subquery()
    )
    verify(
        session,
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not add tasks to project {project_id}"),
        present(TaskType, task_type_id, "task type"),
        Check(
            type_enabled(project_id, task_type_id),
            BadRequest(
                "task_type_id", f"task type {task_type_id} is not enabled for project {project_id}"
            ),
        ),
        *(_status_checks(project_id, task_status_id) if task_status_id is not None else []),
    )
    for_entity, default_status = session.execute(
        select(TaskType.for_entity, first_status).where(TaskType.id == task_type_id)
    ).one()
    status_id = task_status_id if task_status_id is not None else default_status
    if status_id is None:
        raise BadRequest(
            "task_status_id", f"project {project_id} has no task statuses: enable some first"
        )

    entities = session.execute(
        select(Entity.id, Entity.project_id, Entity.kind).where(
            Entity.id.in_(entity_ids), visible(me, Entity)
        )
    ).all()
    _check_entities(project_id, task_type_id, for_entity, entity_ids, entities)

    existing = session.execute(
        select(Task.entity_id, Task.id, Task.deleted_at)
        .where(Task.task_type_id == task_type_id, Task.entity_id.in_(entity_ids))
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    deleted = {entity_id: task_id for entity_id, task_id, deleted_at in existing if deleted_at}
    if deleted:
        held = ", ".join(
            f"task {deleted[entity_id]} (entity {entity_id})"
            for entity_id in entity_ids
            if entity_id in deleted
        )
        raise Conflict(f"deleted tasks of task type {task_type_id} exist: restore them: {held}")

    new = missing(entity_ids, (entity_id for entity_id, _, _ in existing))
    if new:
        now = utcnow()
        rows = [
            {
                "project_id": project_id,
                "entity_id": entity_id,
                "task_type_id": task_type_id,
                "task_status_id": status_id,
                "created_at": now,
                "updated_at": now,
            }
            for entity_id in new
        ]
        # An ORM bulk INSERT: one executemany without RETURNING on every
        # dialect (unit-of-work inserts go row by row on SQLite).
        session.execute(insert(Task), rows)
        created = session.execute(
            select(Task.id, Task.entity_id).where(
                Task.task_type_id == task_type_id, Task.entity_id.in_(new)
            )
        ).all()
        payload = {"task_type_id": task_type_id, "task_status_id": status_id}
        record(
            session,
            [
                Change(
                    "task.created",
                    project_id=project_id,
                    entity_id=entity_id,
                    task_id=task_id,
                    payload=payload,
                )
                for task_id, entity_id in sorted(created)
            ],
        )
    return new


def _check_entities(
    project_id: int,
    task_type_id: int,
    for_entity: ForEntity,
    wanted: Sequence[int],
    found: Sequence[Row[int, int, str]],
) -> None:
    # Rows come in the database's order: report them in the request's.
    by_id = {entity_id: (project, kind) for entity_id, project, kind in found}
    absent = missing(wanted, by_id)
    if absent:
        raise not_found("entity", "entities", absent)
    elsewhere = [entity_id for entity_id in wanted if by_id[entity_id][0] != project_id]
    if elsewhere:
        raise BadRequest(
            "entity_ids", f"not in project {project_id}: {naming('entity', 'entities', elsewhere)}"
        )
    wrong = [
        f"entity {entity_id} is {_a(kind)}"
        for entity_id in wanted
        if (kind := by_id[entity_id][1]) != for_entity
    ]
    if wrong:
        raise BadRequest(
            "entity_ids", f"task type {task_type_id} is for {for_entity}s: {', '.join(wrong)}"
        )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def task_access(me: Principal, task_id: int, condition: ColumnElement[bool]) -> list[Check]:
    """For :func:`fetch` of a task: the principal sees it (else 404) and
    ``condition`` holds (else 403)."""
    return [sees(me, Task, task_id, "task"), may(condition, f"you may not change task {task_id}")]


def restore_task(session: Session, me: Principal, task_id: int) -> None:
    """Bring back a soft-deleted task with its history (idempotent).

    Its entity must be live, and its task type and status still enabled for
    the project, or the restored task would break what live tasks guarantee.
    Its entity is locked first, as deleting or restoring the entity locks it:
    a deletion of the entity that has not committed yet would otherwise let
    the check pass and, stamping only the tasks live when it ran, leave this
    one live under a deleted entity. The restore waits for it, then sees the
    entity deleted. A join rather than a subquery: MariaDB reads a subquery
    of a locking read from the transaction's snapshot, which would then
    predate the deletion; the join locks the task there too (no ``OF``).
    """
    session.execute(
        select(Entity.id)
        .join(Task, Task.entity_id == Entity.id)
        .where(Task.id == task_id)
        .with_for_update(of=Entity)
        .execution_options(**{INCLUDE_DELETED: True})
    )
    task = fetch(
        session,
        Task,
        task_id,
        "task",
        *task_access(me, task_id, can_manage(me, Task.project_id)),
        Check(
            row_exists(Entity, Entity.id == Task.entity_id, Entity.deleted_at.is_(None)),
            Conflict(f"the entity of task {task_id} is deleted"),
        ),
        Check(
            type_enabled(Task.project_id, Task.task_type_id),
            Conflict(f"the task type of task {task_id} is no longer enabled for its project"),
        ),
        Check(
            status_enabled(Task.project_id, Task.task_status_id),
            Conflict(f"the status of task {task_id} is no longer enabled for its project"),
        ),
        include_deleted=True,
    )
    if task.deleted_at is not None:
        task.deleted_at = None
        session.flush()
        record(session, [task_change("task.restored", task)])


def soft_delete_task(session: Session, me: Principal, task_id: int) -> None:
    """Hide the task; its comments, time logs and assignees stay with it."""
    task = fetch(
        session, Task, task_id, "task", *task_access(me, task_id, can_manage(me, Task.project_id))
    )
    task.soft_delete()
    session.flush()
    record(session, [task_change("task.deleted", task)])


def status_refused(session: Session, task_status_id: int, task_ids: Sequence[int]) -> Forbidden:
    """The 403 of a workflow rule: the principal may work on the tasks, not
    set them to this status (named by its short name)."""
    name = session.scalar(select(TaskStatus.short_name).where(TaskStatus.id == task_status_id))
    return Forbidden(
        f"you may not set task status {name!r} on {naming('task', 'tasks', sorted(task_ids))}"
    )


def _may_change_status(me: Principal) -> ColumnElement[bool]:
    """Whether the principal may change the status of ``Task`` at all: whoever
    may work on it, and a client of its project (to the statuses clients may
    set, a separate check)."""
    return or_(can_work_on_task(me), is_client_on(me, Task.project_id))


def set_status(
    session: Session, me: Principal, project_id: int, task_ids: Sequence[int], task_status_id: int
) -> None:
    """Set the status of many tasks of a project at once: all of them or none."""
    verify(
        session,
        seen(me, Project, project_id, "project"),
        *_status_checks(project_id, task_status_id),
    )
    # Locked in the order of their ids: two bulk changes of overlapping
    # tasks locked them in whatever order each UPDATE met them, and
    # deadlocked (8 of 60 concurrent requests on PostgreSQL).
    found = session.execute(
        select(
            Task.id,
            Task.project_id,
            Task.entity_id,
            Task.task_status_id,
            _may_change_status(me).label("allowed"),
            can_set_status(me, task_status_id).label("permitted"),
        )
        .where(Task.id.in_(task_ids), visible(me, Task), Task.entity.has())
        .order_by(Task.id)
        .with_for_update(of=Task)
    ).all()
    projects = {task_id: project for task_id, project, _, _, _, _ in found}
    absent = missing(task_ids, projects)
    if absent:
        raise not_found("task", "tasks", absent)
    elsewhere = [task_id for task_id in task_ids if projects[task_id] != project_id]
    if elsewhere:
        raise BadRequest(
            "task_ids", f"not in project {project_id}: {naming('task', 'tasks', elsewhere)}"
        )
    refused = sorted(task_id for task_id, _, _, _, allowed, _ in found if not allowed)
    if refused:
        raise Forbidden(f"you may not change the status of {naming('task', 'tasks', refused)}")
    ruled_out = [task_id for task_id, _, _, _, _, permitted in found if not permitted]
    if ruled_out:
        raise status_refused(session, task_status_id, ruled_out)
    session.execute(
        update(Task)
        .where(Task.id.in_(task_ids), Task.deleted_at.is_(None))
        .values(task_status_id=task_status_id, updated_at=utcnow()),
        execution_options=NO_SYNC,
    )
    record(
        session,
        [
            Change(
                "task.status_changed",
                project_id=project_id,
                entity_id=entity_id,
                task_id=task_id,
                payload={"before": before, "after": task_status_id},
            )
            for task_id, _, entity_id, before, _, _ in found
            if before != task_status_id
        ],
    )


def on_behalf(me: Principal, person_id: int | None, action: str) -> tuple[int, list[Check]]:
    """The person a comment or a time log is by: the principal, unless
    another is named, which a manager of the task's project may do (checks
    correlated to the fetched task)."""
    if person_id is None or person_id == me.person_id:
        return me.person_id, []
    return person_id, [
        present(Person, person_id, "person"),
        may(can_manage(me, Task.project_id), f"you may not {action} for someone else"),
    ]


def _new_status(
    session: Session, me: Principal, task_id: int, task_status_id: int | None
) -> list[Check]:
    """For :func:`fetch` of a task set to ``task_status_id`` (when given): the
    status exists, the task's project uses it, and the principal may set it."""
    if task_status_id is None:
        return []
    return [
        present(TaskStatus, task_status_id, "task status"),
        Check(
            status_enabled(Task.project_id, task_status_id),
            BadRequest(
                "task_status_id",
                f"task status {task_status_id} is not enabled for the task's project",
            ),
        ),
        Check(
            can_set_status(me, task_status_id),
            lambda: status_refused(session, task_status_id, [task_id]),
        ),
    ]


def _live_task(me: Principal, task_id: int, condition: ColumnElement[bool]) -> list[Check]:
    """:func:`task_access`, for a task whose entity is live too: a task is
    deleted with its entity, and one left behind by a deletion that did not
    reach it stays out of reach (as it stays out of every list)."""
    return [
        Check(and_(visible(me, Task), ENTITY_IS_LIVE), NotFound("task", task_id)),
        may(condition, f"you may not change task {task_id}"),
    ]


def change_status(session: Session, me: Principal, task_id: int, task_status_id: int) -> Task:
    """Set one task's status, without a comment (GraphQL's ``setTaskStatus``
    without one); the workflow rules of :func:`shotline.access.can_set_status`."""
    task = fetch(
        session,
        Task,
        task_id,
        "task",
        *_live_task(me, task_id, _may_change_status(me)),
        *_new_status(session, me, task_id, task_status_id),
        lock=True,
    )
    before = task.task_status_id
    task.task_status_id = task_status_id
    task.updated_at = utcnow()
    session.flush()
    if before != task_status_id:
        record(session, [_status_changed(task, before)])
    return task


def _status_changed(task: Task, before: int, comment_id: int | None = None) -> Change:
    payload = {"before": before, "after": task.task_status_id}
    if comment_id is not None:
        payload["comment_id"] = comment_id
    return task_change("task.status_changed", task, payload, comment_id=comment_id)


def add_comment(
    session: Session,
    me: Principal,
    task_id: int,
    person_id: int | None,
    text: str,
    task_status_id: int | None,
    internal: bool = False,
) -> tuple[Task, Comment]:
    """Add a comment to a task; with a status, also set the task to it.
    Answers the task and the comment (flushed, not committed).

    The comment records the change, so a task's status history is its
    comments; the comment and the task share one timestamp, taken once the
    task is locked. Its author is the principal unless ``person_id`` names someone else. A client comments
    only to set a status clients may set, and never internally (they could
    not read their own comment).
    """
    author, checks = on_behalf(me, person_id, "comment")
    allowed = can_work_on_task(me) if task_status_id is None else _may_change_status(me)
    checks = [*_live_task(me, task_id, allowed), *checks]
    if internal:
        checks.append(
            may(~is_client_on(me, Task.project_id), "clients cannot write internal comments")
        )
    checks += _new_status(session, me, task_id, task_status_id)
    # With a status, the task is locked before the time is taken: two
    # status changes at once then get their times in the order they change
    # the status, and the latest comment agrees with the task.
    task = fetch(session, Task, task_id, "task", *checks, lock=task_status_id is not None)
    now = utcnow()
    note = Comment(
        task_id=task.id,
        person_id=author,
        text=text,
        task_status_id=task_status_id,
        internal=internal,
        created_at=now,
    )
    session.add(note)
    before = task.task_status_id
    if task_status_id is not None:
        task.task_status_id = task_status_id
        task.updated_at = now
    session.flush()
    changes = [
        comment_change(
            "comment.created",
            note,
            task.project_id,
            task.entity_id,
            recipients=mentioned(session, task.project_id, text, internal),
        )
    ]
    if task_status_id is not None and task_status_id != before:
        changes.append(_status_changed(task, before, note.id))
    record(session, changes)
    return task, note


def _assignable(session: Session, project_id: int, person_ids: Sequence[int]) -> None:
    """Who may be assigned a task of the project: an active person, not a
    client there (by their role on the project), and a vendor only if on its
    team (a vendor sees only their project's tasks assigned to them)."""
    if not person_ids:
        return
    member = aliased(ProjectMember)
    rows = session.execute(
        select(Person.id, Person.active, Person.role, member.person_id, member.role)
        .outerjoin(member, and_(member.person_id == Person.id, member.project_id == project_id))
        .where(Person.id.in_(person_ids))
    ).all()
    found = {row[0]: row for row in rows}
    absent = missing(person_ids, found)
    if absent:
        raise not_found("person", "people", absent)
    inactive: list[int] = []
    clients: list[int] = []
    outsiders: list[int] = []
    for person_id in person_ids:
        _, active, role, on_team, project_role = found[person_id]
        acts = Role.ADMIN if role is Role.ADMIN else (project_role or role)
        if not active:
            inactive.append(person_id)
        elif acts is Role.CLIENT:
            clients.append(person_id)
        elif acts is Role.VENDOR and on_team is None:
            outsiders.append(person_id)
    if inactive:
        raise BadRequest(
            "person_ids", f"cannot assign inactive {naming('person', 'people', inactive)}"
        )
    if clients:
        raise BadRequest(
            "person_ids", f"cannot assign clients: {naming('person', 'people', clients)}"
        )
    if outsiders:
        raise BadRequest(
            "person_ids",
            f"cannot assign vendors outside the team of project {project_id}: "
            f"{naming('person', 'people', outsiders)}",
        )


def assign(
    session: Session,
    me: Principal,
    task_id: int,
    person_ids: Sequence[int],
    *,
    replace: bool = False,
    remove: Sequence[int] = (),
) -> Task:
    """Assign people to a task; ``replace``: they become its only assignees;
    ``remove``: unassign these (those not assigned are ignored). Answers the
    task (its assignees are not loaded).

    Already assigned people stay as they are. Only assignable people may be
    added (see :func:`_assignable`), since an assignment is work someone is
    expected to do (and to see).
    """
    # Locked: concurrent changes of one task's assignees take turns, so
    # each reads the assignees the other committed (two adds of one person
    # at once answered 409).
    task = fetch(
        session, Task, task_id, "task", *_live_task(me, task_id, can_edit_task(me)), lock=True
    )
    both = sorted(set(person_ids) & set(remove))
    if both:
        raise BadRequest(
            "person_ids", f"both added and removed: {naming('person', 'people', both)}"
        )
    current = set(
        session.scalars(select(task_assignee.c.person_id).where(task_assignee.c.task_id == task_id))
    )
    _assignable(session, task.project_id, [p for p in person_ids if p not in current])
    leaving = current - set(person_ids) if replace else current & set(remove)
    if leaving:
        session.execute(
            delete(task_assignee).where(
                task_assignee.c.task_id == task_id, task_assignee.c.person_id.in_(sorted(leaving))
            )
        )
    added = [{"task_id": task_id, "person_id": p} for p in person_ids if p not in current]
    if added:
        session.execute(insert(task_assignee), added)
    record(
        session,
        [
            *(_assignment("task.unassigned", task, p) for p in sorted(leaving)),
            *(_assignment("task.assigned", task, row["person_id"]) for row in added),
        ],
    )
    return task


def _assignment(kind: str, task: Task, person_id: int) -> Change:
    """An assignment or its end, addressed to the person (a vendor who is no
    longer assigned still learns of it)."""
    return Change(
        kind,
        project_id=task.project_id,
        entity_id=task.entity_id,
        task_id=task.id,
        person_id=person_id,
        recipients=(person_id,),
    )


def unassign(session: Session, me: Principal, task_id: int, person_id: int) -> None:
    """Remove one assignee (a 404 when that person is not assigned)."""
    task = fetch(
        session,
        Task,
        task_id,
        "task",
        *task_access(me, task_id, can_edit_task(me)),
        Check(
            row_exists(
                task_assignee,
                task_assignee.c.task_id == task_id,
                task_assignee.c.person_id == person_id,
            ),
            NotFound("assignee", person_id),
        ),
    )
    session.execute(
        delete(task_assignee).where(
            task_assignee.c.task_id == task_id, task_assignee.c.person_id == person_id
        )
    )
    record(session, [_assignment("task.unassigned", task, person_id)])
