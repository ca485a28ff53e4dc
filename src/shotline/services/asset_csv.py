"""The asset grid as a CSV file, and assets (with their tasks' statuses)
imported from one: an export imports into another project as it is.

Columns: ``name``, ``asset_type`` (by id or name, see
:mod:`shotline.vocabulary`), ``description``, then one column per asset task
type of the project, named after it, in the project's order, holding the
status short name of the asset's task of that type (empty: no task). An
import creates every asset of the file and, for each status given, its task
of that type, or nothing at all: each refused row is named by its line and
column (an asset type or status the project does not know, a name a live
asset holds or another line repeats). A dry run says what would be created.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, insert, select
from sqlalchemy.orm import Session

from shotline.access import Principal, can_manage, visible
from shotline.csvfiles import CsvFile, CsvRefused, RowError, read_csv, write_csv
from shotline.events.log import Change, record
from shotline.models import (
    Asset,
    AssetType,
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
from shotline.services import bulk
from shotline.services.checks import may, seen, verify
from shotline.sqltypes import utcnow
from shotline.vocabulary import is_id

__all__ = ["COLUMNS", "AssetImport", "export_csv", "import_csv"]

COLUMNS = ("name", "asset_type", "description")
"""The columns before the task types'."""


@dataclass(frozen=True)
class AssetImport:
    dry_run: bool
    rows: int
    assets: int
    tasks: int


def _task_types(session: Session, project_id: int) -> list[tuple[int, str]]:
    """The project's asset task types, in its order: (id, name)."""
    return [
        (ident, name)
        for ident, name in session.execute(
            select(TaskType.id, TaskType.name)
            .join(ProjectTaskType, ProjectTaskType.task_type_id == TaskType.id)
            .where(ProjectTaskType.project_id == project_id, TaskType.for_entity == ForEntity.ASSET)
            .order_by(ProjectTaskType.position)
        )
    ]


def export_csv(
    session: Session, me: Principal, project_id: int, conditions: Iterable[ColumnElement[bool]]
) -> str:
    """The assets matching ``conditions`` that ``me`` sees, by name then id,
    with their statuses: 4 statements (the project, its task types, the
    assets, their tasks)."""
    verify(session, seen(me, Project, project_id, "project"))
    types = _task_types(session, project_id)
    assets = session.execute(
        select(Asset.id, Asset.name, AssetType.name, Asset.description)
        .join(AssetType, AssetType.id == Asset.asset_type_id)
        .where(Asset.project_id == project_id, visible(me, Entity), *conditions)
        .order_by(Asset.name, Asset.id)
    ).all()
    statuses: dict[tuple[int, int], str] = {
        (entity, task_type): status
        for entity, task_type, status in session.execute(
            select(Task.entity_id, Task.task_type_id, TaskStatus.short_name)
            .join(TaskStatus, TaskStatus.id == Task.task_status_id)
            .where(Task.project_id == project_id, visible(me, Task))
        )
    }
    header = [*COLUMNS, *(name for _, name in types)]
    rows = (
        [name, asset_type, description, *(statuses.get((ident, t)) for t, _ in types)]
        for ident, name, asset_type, description in assets
    )
    return write_csv(header, rows)


@dataclass(frozen=True)
class _Planned:
    assets: list[dict[str, Any]]
    statuses: list[dict[int, int]]
    """Per asset: task type id → status id."""


def _plan(
    session: Session, project_id: int, file: CsvFile, types: Sequence[tuple[int, str]]
) -> _Planned:
    asset_types: dict[str, int] = {}
    for ident, name in session.execute(select(AssetType.id, AssetType.name)):
        asset_types[name] = asset_types[str(ident)] = ident
    statuses = dict(
        session.execute(
            select(TaskStatus.short_name, TaskStatus.id)
            .join(ProjectTaskStatus, ProjectTaskStatus.task_status_id == TaskStatus.id)
            .where(ProjectTaskStatus.project_id == project_id)
        ).all()
    )
    keys = [name_key("asset", None, row["name"]) for row in file.rows]
    held = dict(
        session.execute(
            select(Entity.name_key, Entity.id).where(
                Entity.project_id == project_id, Entity.name_key.in_(keys)
            )
        ).all()
    )
    errors = list(file.errors)
    planned = _Planned([], [])
    first: dict[str, int] = {}
    for row, key in zip(file.rows, keys, strict=True):
        if not row["name"]:
            errors.append(RowError(row.line, "name", "a name is required"))
        elif key in held:
            message = f"project {project_id} already has an asset named {row['name']!r}: asset {held[key]}"
            errors.append(RowError(row.line, "name", message))
        elif key in first:
            errors.append(RowError(row.line, "name", f"line {first[key]} has the same name"))
        else:
            first[key] = row.line
        value = row["asset_type"]
        asset_type = (
            asset_types.get(value) if value and (is_id(value) or value in asset_types) else None
        )
        if asset_type is None:
            errors.append(RowError(row.line, "asset_type", f"unknown asset type {value!r}"))
        cells = {}
        for task_type, name in types:
            status = row[name.lower()]
            if not status:
                continue
            if status not in statuses:
                message = f"unknown status {status!r}; this project has {', '.join(statuses)}"
                errors.append(RowError(row.line, name.lower(), message))
            else:
                cells[task_type] = statuses[status]
        planned.assets.append(
            {
                "name": row["name"],
                "asset_type_id": asset_type,
                "description": row["description"] or None,
                "data": {},
            }
        )
        planned.statuses.append(cells)
    if errors:
        raise CsvRefused(sorted(errors, key=lambda error: error.line))
    return planned


def import_csv(
    session: Session, me: Principal, project_id: int, text: str, *, dry_run: bool
) -> AssetImport:
    """Read an asset CSV into the project: every row or none (flushed, not
    committed). 5 statements for a dry run (the checks, the task types, the
    asset types, the statuses, the names), 5 more to apply."""
    verify(
        session,
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not add assets to project {project_id}"),
    )
    types = _task_types(session, project_id)
    file = read_csv(
        text, [*COLUMNS, *(name.lower() for _, name in types)], required=("name", "asset_type")
    )
    planned = _plan(session, project_id, file, types)
    report = AssetImport(
        dry_run=dry_run,
        rows=len(file.rows),
        assets=len(planned.assets),
        tasks=sum(len(cells) for cells in planned.statuses),
    )
    if dry_run or not planned.assets:
        return report
    created = bulk.create_many(session, Asset, project_id, planned.assets)
    now = utcnow()
    tasks = [
        {
            "project_id": project_id,
            "entity_id": entity,
            "task_type_id": task_type,
            "task_status_id": status,
            "created_at": now,
            "updated_at": now,
        }
        for entity, cells in zip(created, planned.statuses, strict=True)
        for task_type, status in cells.items()
    ]
    if tasks:
        table = Task.__table__
        assert isinstance(table, Table)
        session.execute(insert(table), tasks)
        made = session.execute(
            select(Task.id, Task.entity_id, Task.task_type_id, Task.task_status_id)
            .where(Task.entity_id.in_(created))
            .order_by(Task.id)
        ).all()
        record(
            session,
            [
                Change(
                    "task.created",
                    project_id=project_id,
                    entity_id=entity,
                    task_id=task,
                    payload={"task_type_id": task_type, "task_status_id": status},
                )
                for task, entity, task_type, status in made
            ],
        )
    return report
