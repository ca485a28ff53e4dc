"""What every CSV import shares, so that assets, shots, tasks and people are
read, checked and refused the same way (the file conventions themselves are
:mod:`shotline.csvfiles`'s).

An import reads the file, looks up everything its rows name in a fixed
number of statements, then walks the rows with a :class:`Check`, which
collects each refused cell by line and column; :meth:`Check.refuse_any`
refuses them all at once, before anything is written. The grids' imports
(assets, shots) also share the task columns: one per task type of the
project, holding the status short name of the entity's task of that type,
created with the entity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shotline.access import Principal, can_manage
from shotline.csvfiles import CsvRefused, CsvRow, RowError
from shotline.errors import Conflict
from shotline.events.log import Change, record
from shotline.inputs import MAX_TEXT, text_problem
from shotline.models import (
    Entity,
    ForEntity,
    Project,
    ProjectTaskStatus,
    ProjectTaskType,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.models.entities import name_key
from shotline.schemas.crud import MAX_INT
from shotline.services.bulk import BulkRefused
from shotline.services.checks import may, seen, verify
from shotline.sqltypes import utcnow

__all__ = [
    "MAX_NAME",
    "Check",
    "EntityNames",
    "TaskColumns",
    "create_status_tasks",
    "insert_tasks",
    "managed_project",
    "project_statuses",
    "task_columns",
    "written_alone",
]

MAX_NAME = 80
"""The longest entity name, as the API's (``shotline.schemas.crud.Name``)."""


@dataclass
class Check:
    """The refused cells of a file, collected while its rows are checked
    (starting with those :func:`shotline.csvfiles.read_csv` could not read)."""

    errors: list[RowError] = field(default_factory=list)
    _first: dict[tuple[str, object], int] = field(default_factory=dict)

    def refuse(self, row: CsvRow, column: str | None, message: str) -> None:
        self.errors.append(RowError(row.line, column, message))

    def required(self, row: CsvRow, column: str, what: str) -> str | None:
        """The row's value in ``column``, or ``None`` (refused) when empty."""
        value = row[column]
        if not value:
            self.refuse(row, column, f"{what} is required")
            return None
        return value

    def name(self, row: CsvRow, column: str, what: str) -> str | None:
        """The row's name in ``column`` (required, at most :data:`MAX_NAME`
        characters, as the API's), or ``None`` (refused)."""
        value = self.required(row, column, what)
        return None if value is None else self.text(row, column, MAX_NAME)

    def text(self, row: CsvRow, column: str, max_length: int = MAX_TEXT) -> str | None:
        """The row's text in ``column``, ``None`` when empty or refused (see
        :func:`shotline.inputs.text_problem`)."""
        value = row[column]
        problem = text_problem(value, max_length)
        if problem is not None:
            self.refuse(row, column, problem)
            return None
        return value or None

    def number(self, row: CsvRow, column: str) -> int | None:
        """The row's whole number in ``column`` (from 0 to the largest
        INTEGER), ``None`` when empty or refused."""
        value = row[column]
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and int(value) <= MAX_INT):
            self.refuse(row, column, f"must be a whole number from 0 to {MAX_INT}, not {value!r}")
            return None
        return int(value)

    def lookup(
        self, row: CsvRow, column: str, known: Mapping[str, int], what: str, *, listed: bool = False
    ) -> int | None:
        """The id the row's ``column`` names in ``known``, or ``None`` (refused
        unless the cell is empty); ``listed`` names the known values in the
        refusal (a project's short vocabulary, not a studio's people)."""
        value = row[column]
        if not value:
            return None
        if value not in known:
            valid = f"; this project has {', '.join(known)}" if listed else ""
            self.refuse(row, column, f"unknown {what} {value!r}{valid}")
            return None
        return known[value]

    def once(self, row: CsvRow, column: str, key: object, what: str) -> bool:
        """Whether ``key`` is the first of the file (another line holding it
        is refused, naming the first)."""
        first = self._first.setdefault((column, key), row.line)
        if first != row.line:
            self.refuse(row, column, f"line {first} has the same {what}")
            return False
        return True

    def refuse_any(self) -> None:
        """A 400 naming every refused cell, by line, if there is any."""
        if self.errors:
            raise CsvRefused(sorted(self.errors, key=lambda error: error.line))


class EntityNames:
    """The project's live episodes and sequences, and the assets and shots a
    file names, by name key (two statements): names match as the database's
    uniqueness does, case-insensitively under their parent. A row names its
    shot by ``episode`` (optional), ``sequence`` and the ``name`` column, its
    asset by the ``name`` column; ``kind`` says which a row names."""

    def __init__(
        self,
        session: Session,
        project_id: int,
        rows: Sequence[CsvRow],
        *,
        name: str,
        kind: Callable[[CsvRow], str],
    ) -> None:
        self.project_id = project_id
        self.name = name
        self.kind = kind
        self.held = self._held(session, Entity.kind.in_(("episode", "sequence")))
        keys = [key for row in rows if (key := self.key(row)) is not None]
        self.held |= self._held(session, Entity.name_key.in_(keys))

    def _held(self, session: Session, condition: ColumnElement[bool]) -> dict[str, int]:
        stmt = select(Entity.name_key, Entity.id).where(
            Entity.project_id == self.project_id, Entity.name_key.is_not(None), condition
        )
        return {str(key): ident for key, ident in session.execute(stmt)}

    def episode(self, row: CsvRow) -> int | str | None:
        """The row's episode: its id, the key of a new one, or ``None``."""
        if not row["episode"]:
            return None
        key = name_key("episode", None, row["episode"])
        return self.held.get(key, key)

    def sequence(self, row: CsvRow) -> int | str:
        """The row's sequence: its id, or the key of a new one (under its
        episode's key when the episode is new too)."""
        episode = self.episode(row)
        key = (
            f"{episode}/{name_key('sequence', None, row['sequence'])}"
            if isinstance(episode, str)
            else name_key("sequence", episode, row["sequence"])
        )
        return self.held.get(key, key)

    def key(self, row: CsvRow) -> str | None:
        """The name key of the row's entity, if its parents exist."""
        kind = self.kind(row)
        if kind == "asset":
            return name_key("asset", None, row[self.name])
        sequence = self.sequence(row) if kind == "shot" else ""
        return None if isinstance(sequence, str) else name_key("shot", sequence, row[self.name])

    def find(self, row: CsvRow) -> int | None:
        """The id of the row's live entity, if it has one."""
        key = self.key(row)
        return None if key is None else self.held.get(key)


@contextmanager
def written_alone(session: Session, recheck: Callable[[], object] = lambda: None) -> Iterator[None]:
    """Write a checked file, refusing it whole when a concurrent change took
    what it writes first (the database's unique constraints decide): the
    transaction is rolled back, then ``recheck`` (the import's checks) names
    the refused lines if it can (a 400), or the file is a 409 to import
    again."""
    try:
        yield
    except (IntegrityError, BulkRefused):
        session.rollback()
        recheck()
        raise Conflict(
            "another change wrote the same rows meanwhile: nothing was imported"
        ) from None


def managed_project(session: Session, me: Principal, project_id: int, what: str) -> None:
    """Refuse an import into a project ``me`` does not see (404) or may not
    manage (403: "you may not add ``what`` to project ...")."""
    verify(
        session,
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not add {what} to project {project_id}"),
    )


def project_statuses(session: Session, project_id: int) -> dict[str, int]:
    """The project's task statuses by short name, in its order."""
    return dict(
        session.execute(
            select(TaskStatus.short_name, TaskStatus.id)
            .join(ProjectTaskStatus, ProjectTaskStatus.task_status_id == TaskStatus.id)
            .where(ProjectTaskStatus.project_id == project_id)
            .order_by(ProjectTaskStatus.position)
        ).all()
    )


@dataclass(frozen=True)
class TaskColumns:
    """A grid's task columns: the project's task types for one kind of
    entity, in its order, by id and name (the column's header)."""

    types: list[tuple[int, str]]

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.types]

    @property
    def columns(self) -> list[str]:
        """The columns as :func:`shotline.csvfiles.read_csv` names them."""
        return [name.lower() for _, name in self.types]

    def cells(
        self, row: Sequence[object], statuses: Mapping[tuple[int, int], str], entity: int
    ) -> list[object]:
        """An exported line: ``row`` then the entity's status per task type."""
        return [*row, *(statuses.get((entity, ident)) for ident, _ in self.types)]

    def read(self, check: Check, row: CsvRow, statuses: Mapping[str, int]) -> dict[int, int]:
        """The statuses a row gives: task type id → status id."""
        cells = {}
        for ident, name in self.types:
            status = check.lookup(row, name.lower(), statuses, "status", listed=True)
            if status is not None:
                cells[ident] = status
        return cells


def task_columns(session: Session, project_id: int, for_entity: ForEntity) -> TaskColumns:
    """The project's task types for ``for_entity``, in its order."""
    return TaskColumns(
        [
            (ident, name)
            for ident, name in session.execute(
                select(TaskType.id, TaskType.name)
                .join(ProjectTaskType, ProjectTaskType.task_type_id == TaskType.id)
                .where(ProjectTaskType.project_id == project_id, TaskType.for_entity == for_entity)
                .order_by(ProjectTaskType.position)
            )
        ]
    )


def create_status_tasks(
    session: Session, project_id: int, entities: Sequence[int], cells: Sequence[dict[int, int]]
) -> None:
    """Create each entity's tasks with the statuses its line gave (``cells``,
    in the entities' order): see :func:`insert_tasks`."""
    insert_tasks(
        session,
        project_id,
        [
            {"entity_id": entity, "task_type_id": task_type, "task_status_id": status}
            for entity, given in zip(entities, cells, strict=True)
            for task_type, status in given.items()
        ],
    )


def insert_tasks(session: Session, project_id: int, tasks: Sequence[dict[str, Any]]) -> list[int]:
    """Create the tasks (``entity_id``, ``task_type_id``, ``task_status_id``
    and any other column; each its own entity and task type) and record their
    ``task.created`` events; their ids, in order. Three statements when there
    is any (the tasks, read back, the events)."""
    if not tasks:
        return []
    now = utcnow()
    table = Task.__table__
    assert isinstance(table, Table)
    session.execute(
        insert(table),
        [{"project_id": project_id, "created_at": now, "updated_at": now, **t} for t in tasks],
    )
    made = {
        (entity, task_type): task
        for task, entity, task_type in session.execute(
            select(Task.id, Task.entity_id, Task.task_type_id).where(
                Task.entity_id.in_({t["entity_id"] for t in tasks})
            )
        )
    }
    ids = [made[t["entity_id"], t["task_type_id"]] for t in tasks]
    record(
        session,
        [
            Change(
                "task.created",
                project_id=project_id,
                entity_id=t["entity_id"],
                task_id=task,
                payload={"task_type_id": t["task_type_id"], "task_status_id": t["task_status_id"]},
            )
            for task, t in sorted(zip(ids, tasks, strict=True), key=lambda pair: pair[0])
        ],
    )
    return ids
