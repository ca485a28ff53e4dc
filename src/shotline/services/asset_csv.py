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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from shotline.access import Principal, visible
from shotline.csvfiles import CsvFile, read_csv
from shotline.models import Asset, AssetType, Entity, ForEntity, Project
from shotline.models.entities import name_key
from shotline.services import bulk
from shotline.services.checks import seen, verify
from shotline.services.csv_export import grid_chunks
from shotline.services.csv_import import (
    Check,
    TaskColumns,
    create_status_tasks,
    managed_project,
    project_statuses,
    task_columns,
    written_alone,
)

__all__ = ["COLUMNS", "AssetImport", "export_csv", "import_csv"]

COLUMNS = ("name", "asset_type", "description")
"""The columns before the task types'."""


@dataclass(frozen=True)
class AssetImport:
    dry_run: bool
    rows: int
    assets: int
    tasks: int


def export_csv(
    session: Session, me: Principal, project_id: int, conditions: Iterable[ColumnElement[bool]]
) -> Iterator[str]:
    """The assets matching ``conditions`` that ``me`` sees, by name then id,
    with their statuses, a page at a time: 4 statements (the project, its
    task types, the assets, their tasks) and 2 per further page (see
    :mod:`shotline.services.csv_export`). The project is checked at once."""
    verify(session, seen(me, Project, project_id, "project"))
    types = task_columns(session, project_id, ForEntity.ASSET)
    assets = (
        select(Asset.id, Asset.name, AssetType.name, Asset.description)
        .join(AssetType, AssetType.id == Asset.asset_type_id)
        .where(Asset.project_id == project_id, visible(me, Entity), *conditions)
    )
    return grid_chunks(session, me, [*COLUMNS, *types.names], types, assets, (Asset.name, Asset.id))


@dataclass(frozen=True)
class _Planned:
    assets: list[dict[str, Any]]
    statuses: list[dict[int, int]]
    """Per asset: task type id → status id."""


def _plan(session: Session, project_id: int, file: CsvFile, types: TaskColumns) -> _Planned:
    asset_types: dict[str, int] = {}
    for ident, name in session.execute(select(AssetType.id, AssetType.name)):
        asset_types[name] = asset_types[str(ident)] = ident
    statuses = project_statuses(session, project_id)
    keys = [name_key("asset", None, row["name"]) for row in file.rows]
    held = dict(
        session.execute(
            select(Entity.name_key, Entity.id).where(
                Entity.project_id == project_id, Entity.name_key.in_(keys)
            )
        ).all()
    )
    check = Check(list(file.errors))
    planned = _Planned([], [])
    for row, key in zip(file.rows, keys, strict=True):
        name = check.name(row, "name", "a name")
        if name is not None and key in held:
            message = f"project {project_id} already has an asset named {name!r}: asset {held[key]}"
            check.refuse(row, "name", message)
        elif name is not None:
            check.once(row, "name", key, "name")
        asset_type = asset_types.get(row["asset_type"])
        if asset_type is None:
            check.refuse(row, "asset_type", f"unknown asset type {row['asset_type']!r}")
        planned.assets.append(
            {
                "name": name,
                "asset_type_id": asset_type,
                "description": check.text(row, "description"),
                "data": {},
            }
        )
        planned.statuses.append(types.read(check, row, statuses))
    check.refuse_any()
    return planned


def import_csv(
    session: Session, me: Principal, project_id: int, text: str, *, dry_run: bool
) -> AssetImport:
    """Read an asset CSV into the project: every row or none (flushed, not
    committed). 5 statements for a dry run (the checks, the task types, the
    asset types, the statuses, the names), 5 more to apply."""
    managed_project(session, me, project_id, "assets")
    types = task_columns(session, project_id, ForEntity.ASSET)
    file = read_csv(text, [*COLUMNS, *types.columns], required=("name", "asset_type"))
    planned = _plan(session, project_id, file, types)
    report = AssetImport(
        dry_run=dry_run,
        rows=len(file.rows),
        assets=len(planned.assets),
        tasks=sum(len(cells) for cells in planned.statuses),
    )
    if dry_run or not planned.assets:
        return report
    # A name another change took meanwhile is refused by its line.
    with written_alone(session, lambda: _plan(session, project_id, file, types)):
        created = bulk.create_many(session, Asset, project_id, planned.assets)
    create_status_tasks(session, project_id, created, planned.statuses)
    return report
