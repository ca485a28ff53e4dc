"""Tasks created or updated from a CSV file: the task list's export, read
back (see :mod:`shotline.services.task_csv`).

Columns: ``entity_kind`` (``asset`` or ``shot``), ``entity`` (its name; a
shot's with its ``sequence`` and, if the sequence has one, ``episode``),
``task_type`` (by id or name, see :mod:`shotline.vocabulary`),
``task_status`` (by id or short name), ``assignees`` (emails, separated by
``;``), ``start_date`` and ``due_date`` (``YYYY-MM-DD``), ``estimate``
(minutes) and ``priority``. A line whose entity has no live task of its task
type creates one (the project's first status unless it gives one); a line
whose entity has one updates it. An empty cell leaves the task's value as it
is (a new task's default): a file sets values, it never clears them. Given
assignees replace the task's.

The rules are the API's: only a manager of the project imports (and so may
set any status the project uses, whatever the status's artist or client
flags); task types and statuses must be enabled for the project, a task type
must be for the entity's kind; assignees must be active, not clients of the
project, and a vendor must be on its team. A task of the line's entity and
type that was deleted is not revived: its line is refused until it is
restored. Every refused cell is named by its line and column, and nothing is
written unless no line is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, insert, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal
from shotline.csvfiles import CsvFile, CsvRow, read_csv
from shotline.events.log import Change, record
from shotline.models import (
    Person,
    ProjectMember,
    ProjectTaskType,
    Role,
    Task,
    TaskType,
    task_assignee,
)
from shotline.services.csv_import import (
    Check,
    EntityNames,
    insert_tasks,
    managed_project,
    project_statuses,
    written_alone,
)
from shotline.services.task_csv import COLUMNS
from shotline.softdelete import INCLUDE_DELETED
from shotline.sqltypes import utcnow

__all__ = ["COLUMNS", "TaskImport", "import_csv"]

SET = ("task_status_id", "start_date", "due_date", "estimate", "priority")
"""What a line sets on its task."""
CURRENT = (Task.task_status_id, Task.start_date, Task.due_date, Task.estimate, Task.priority)
KINDS = ("asset", "shot")
NEW_TASK = {"start_date": None, "due_date": None, "estimate": None, "priority": 0}
"""A new task's planning where its line gives none (its status: the project's first)."""


@dataclass(frozen=True)
class TaskImport:
    dry_run: bool
    rows: int
    created: int
    updated: int


@dataclass
class _Line:
    """A checked line: its task (``None``: to create) and what it sets."""

    entity_id: int
    task_type_id: int
    task_id: int | None
    values: dict[str, Any]
    """Every column of :data:`SET`: the task's own, then the line's."""
    assignees: list[int] | None
    before: dict[str, Any] = field(default_factory=dict)
    """An existing task's columns before the import."""


@dataclass
class _Vocabulary:
    """What the file's lines name, looked up in one statement each."""

    types: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Enabled task type by name and id → (id, kind it is for)."""
    statuses: dict[str, int] = field(default_factory=dict)
    first_status: int | None = None
    """A new task's status when its line gives none."""
    tasks: dict[tuple[int, int], tuple[int, bool, dict[str, Any]]] = field(default_factory=dict)
    """(entity, task type) → (task id, deleted, its status and planning)."""
    assigned: dict[int, set[int]] = field(default_factory=dict)
    people: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    """Email → (person id, why they cannot be assigned, or ``None``)."""


def _types(session: Session, project_id: int) -> dict[str, tuple[int, str]]:
    rows = session.execute(
        select(TaskType.id, TaskType.name, TaskType.for_entity)
        .join(ProjectTaskType, ProjectTaskType.task_type_id == TaskType.id)
        .where(ProjectTaskType.project_id == project_id)
        .order_by(ProjectTaskType.position)
    ).all()
    named = {name: (ident, str(kind)) for ident, name, kind in rows}
    return named | {str(ident): (ident, str(kind)) for ident, _, kind in rows}


def _people(
    session: Session, project_id: int, emails: set[str]
) -> dict[str, tuple[int, str | None]]:
    """The people the file assigns, and why each cannot be (the API's rule:
    see :func:`shotline.services.tasks.assign`)."""
    member = aliased(ProjectMember)
    rows = session.execute(
        select(Person.id, Person.email, Person.active, Person.role, member.person_id, member.role)
        .outerjoin(member, and_(member.person_id == Person.id, member.project_id == project_id))
        .where(Person.email.in_(emails))
    ).all()
    found = {}
    for ident, email, active, role, on_team, project_role in rows:
        acts = Role.ADMIN if role is Role.ADMIN else (project_role or role)
        problem = (
            "is inactive"
            if not active
            else "is a client"
            if acts is Role.CLIENT
            else f"is a vendor outside the team of project {project_id}"
            if acts is Role.VENDOR and on_team is None
            else None
        )
        found[email] = (ident, problem)
    return found


def _emails(row: CsvRow) -> list[str]:
    return [email.strip().lower() for email in row["assignees"].split(";") if email.strip()]


def _vocabulary(
    session: Session, project_id: int, file: CsvFile, names: EntityNames
) -> _Vocabulary:
    found = _Vocabulary(types=_types(session, project_id))
    statuses = project_statuses(session, project_id)
    found.statuses = statuses | {str(ident): ident for ident in statuses.values()}
    found.first_status = next(iter(statuses.values()), None)
    entities = {ident for row in file.rows if (ident := names.find(row)) is not None}
    tasks = session.execute(
        select(Task.entity_id, Task.task_type_id, Task.id, Task.deleted_at, *CURRENT)
        .where(Task.entity_id.in_(entities))
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    found.tasks = {
        (entity, task_type): (task, deleted is not None, dict(zip(SET, now, strict=True)))
        for entity, task_type, task, deleted, *now in tasks
    }
    live = [task for task, deleted, _ in found.tasks.values() if not deleted]
    for task, person in session.execute(
        select(task_assignee.c.task_id, task_assignee.c.person_id).where(
            task_assignee.c.task_id.in_(live)
        )
    ):
        found.assigned.setdefault(task, set()).add(person)
    emails = {email for row in file.rows for email in _emails(row)}
    found.people = _people(session, project_id, emails)
    return found


def _date(check: Check, row: CsvRow, column: str) -> dt.date | None:
    value = row[column]
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        check.refuse(row, column, f"must be a date (YYYY-MM-DD), not {value!r}")
        return None


def _entity(check: Check, row: CsvRow, names: EntityNames) -> int | None:
    """The row's live entity, or ``None`` (refused)."""
    kind = check.required(row, "entity_kind", "an entity kind")
    name = check.required(row, "entity", "an entity")
    if kind is None or name is None:
        return None
    if kind not in KINDS:
        check.refuse(row, "entity_kind", f"must be asset or shot, not {kind!r}")
        return None
    if kind == "shot" and check.required(row, "sequence", "a shot's sequence") is None:
        return None
    if kind == "shot" and isinstance(names.episode(row), str):
        check.refuse(row, "episode", f"unknown episode {row['episode']!r}")
    elif kind == "shot" and isinstance(names.sequence(row), str):
        of = f"episode {row['episode']!r}" if row["episode"] else "no episode"
        check.refuse(row, "sequence", f"unknown sequence {row['sequence']!r} of {of}")
    elif (entity := names.find(row)) is None:
        check.refuse(row, "entity", f"unknown {kind} {name!r}")
    else:
        return entity
    return None


def _assignees(
    check: Check, row: CsvRow, people: dict[str, tuple[int, str | None]]
) -> list[int] | None:
    emails = _emails(row)
    if not emails:
        return None
    ids = []
    for email in emails:
        if email not in people:
            check.refuse(row, "assignees", f"unknown person {email!r}")
        elif (problem := people[email][1]) is not None:
            check.refuse(row, "assignees", f"cannot assign {email}: {problem}")
        elif people[email][0] not in ids:
            ids.append(people[email][0])
    return ids


def _line(check: Check, row: CsvRow, names: EntityNames, found: _Vocabulary) -> _Line | None:
    entity = _entity(check, row, names)
    task_type = check.lookup(
        row, "task_type", {k: v[0] for k, v in found.types.items()}, "task type"
    )
    if not row["task_type"]:
        check.refuse(row, "task_type", "a task type is required")
    status = check.lookup(row, "task_status", found.statuses, "task status")
    values: dict[str, Any] = {
        "start_date": _date(check, row, "start_date"),
        "due_date": _date(check, row, "due_date"),
        "estimate": check.number(row, "estimate"),
        "priority": check.number(row, "priority"),
        "task_status_id": status,
    }
    assignees = _assignees(check, row, found.people)
    if entity is None or task_type is None:
        return None
    kind = found.types[row["task_type"]][1]
    if kind != row["entity_kind"]:
        check.refuse(row, "task_type", f"task type {row['task_type']!r} is for {kind}s")
        return None
    if not check.once(row, "task_type", (entity, task_type), "entity and task type"):
        return None
    task = found.tasks.get((entity, task_type))
    if task is not None and task[1]:
        message = f"task {task[0]} of this entity and task type is deleted: restore it first"
        check.refuse(row, "task_type", message)
        return None
    if task is None and status is None and found.first_status is None:
        check.refuse(row, "task_status", "the project has no task statuses: enable some first")
        return None
    given = {key: value for key, value in values.items() if value is not None}
    if task is None:
        new = {"task_status_id": found.first_status, **NEW_TASK, **given}
        return _Line(entity, task_type, None, new, assignees)
    return _Line(entity, task_type, task[0], {**task[2], **given}, assignees, before=task[2])


def import_csv(
    session: Session, me: Principal, project_id: int, text: str, *, dry_run: bool
) -> TaskImport:
    """Read a task CSV into the project: every line or none (flushed, not
    committed). 8 statements for a dry run (the checks, the task types, the
    statuses, the episodes and sequences, the entities, their tasks, those
    tasks' assignees, the people); see :func:`_apply` for the rest."""
    managed_project(session, me, project_id, "tasks")
    file = read_csv(text, COLUMNS, required=("entity_kind", "entity", "task_type"))
    names = EntityNames(
        session, project_id, file.rows, name="entity", kind=lambda row: row["entity_kind"]
    )
    found = _vocabulary(session, project_id, file, names)
    check = Check(list(file.errors))
    lines = [line for row in file.rows if (line := _line(check, row, names, found)) is not None]
    check.refuse_any()
    new = [line for line in lines if line.task_id is None]
    report = TaskImport(dry_run, len(file.rows), created=len(new), updated=len(lines) - len(new))
    if dry_run:
        return report
    # A task another change created meanwhile (the same entity and type).
    with written_alone(session):
        _apply(session, project_id, lines, found)
    return report


def _apply(session: Session, project_id: int, lines: Sequence[_Line], found: _Vocabulary) -> None:
    """Write the lines: the new tasks (3 statements), the changed ones (one
    executemany), the assignees (a delete and an insert) and the events of
    the changes (status changes, assignments: one insert), each only when
    there is any."""
    new = [line for line in lines if line.task_id is None]
    rows = [{"entity_id": n.entity_id, "task_type_id": n.task_type_id, **n.values} for n in new]
    for line, task in zip(new, insert_tasks(session, project_id, rows), strict=True):
        line.task_id = task
    changed = [line for line in lines if line.before and line.values != line.before]
    if changed:
        now = utcnow()
        session.execute(
            update(Task),
            [{"id": line.task_id, **line.values, "updated_at": now} for line in changed],
        )
    events = [
        Change(
            "task.status_changed",
            project_id=project_id,
            entity_id=line.entity_id,
            task_id=line.task_id,
            payload={"before": before, "after": line.values["task_status_id"]},
        )
        for line in changed
        if (before := line.before["task_status_id"]) != line.values["task_status_id"]
    ]
    events += _assign(session, project_id, lines, found)
    record(session, events)


def _assign(
    session: Session, project_id: int, lines: Sequence[_Line], found: _Vocabulary
) -> list[Change]:
    """Give the lines' tasks the assignees they name; the events."""
    leaving: list[tuple[int, int, int]] = []
    coming: list[tuple[int, int, int]] = []
    for line in lines:
        if line.assignees is None or line.task_id is None:
            continue
        current = found.assigned.get(line.task_id, set())
        leaving += [
            (line.task_id, p, line.entity_id) for p in sorted(current - set(line.assignees))
        ]
        coming += [(line.task_id, p, line.entity_id) for p in line.assignees if p not in current]
    if leaving:
        pairs = [(task, person) for task, person, _ in leaving]
        session.execute(
            delete(task_assignee).where(
                tuple_(task_assignee.c.task_id, task_assignee.c.person_id).in_(pairs)
            )
        )
    if coming:
        session.execute(
            insert(task_assignee), [{"task_id": t, "person_id": p} for t, p, _ in coming]
        )
    return [
        Change(
            kind,
            project_id=project_id,
            entity_id=entity,
            task_id=task,
            person_id=person,
            recipients=(person,),
        )
        for kind, changes in (("task.unassigned", leaving), ("task.assigned", coming))
        for task, person, entity in changes
    ]
