"""The asset grid as CSV (``GET /api/projects/{id}/assets.csv``, with the
grid's filters) and assets imported from CSV (``POST``, the export's
columns; ``?dry_run=true`` first): see :mod:`shotline.services.asset_csv`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from shotline.api.crud.common import IdPath, crud_router
from shotline.api.crud.csv_io import EXPORT, IMPORT, Bom, DryRun, csv_response, run_import
from shotline.api.grid import (
    AssigneeFilter,
    SearchFilter,
    TaskStatusFilter,
    asset_type_id,
    grid_statement,
)
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import Asset
from shotline.schemas.crud import QueryText
from shotline.services import asset_csv as service

router = crud_router("csv")


class AssetImportOut(BaseModel):
    """What an asset CSV creates (or would create, in a dry run)."""

    dry_run: bool
    rows: int = Field(description="Rows read, the header left out.")
    assets: int = Field(description="Assets created.")
    tasks: int = Field(description="Tasks created, one per status given.")


@router.get("/projects/{project_id}/assets.csv", **EXPORT)
def export_assets(
    project_id: IdPath,
    db: DB,
    me: Me,
    asset_type: Annotated[QueryText | None, Query(description="Asset type id or name.")] = None,
    task_status: TaskStatusFilter = None,
    assignee: AssigneeFilter = None,
    search: SearchFilter = None,
    bom: Bom = False,
) -> Response:
    """The asset grid as CSV, filtered as the grid is: ``name, asset_type,
    description`` and a status column per asset task type, as the import
    reads it. UTF-8."""
    stmt = grid_statement(db, me, Asset, project_id, task_status, assignee, search)
    if asset_type:
        stmt = stmt.where(Asset.asset_type_id == asset_type_id(db, asset_type))
    conditions = [] if stmt.whereclause is None else [stmt.whereclause]
    text = service.export_csv(db, me, project_id, conditions)
    return csv_response(text, "assets.csv", bom=bom)


@router.post("/projects/{project_id}/assets.csv", **IMPORT)
async def import_assets(
    project_id: IdPath, request: Request, db: DB, me: Me, dry_run: DryRun = False
) -> AssetImportOut:
    """Create the file's assets and their tasks' statuses: every row is
    checked first, and a file with any refused row creates nothing (a 400
    naming each row's line, column and problem)."""

    def apply(text: str) -> AssetImportOut:
        report = service.import_csv(db, me, project_id, text, dry_run=dry_run)
        return AssetImportOut(
            dry_run=report.dry_run, rows=report.rows, assets=report.assets, tasks=report.tasks
        )

    return await run_import(request, db, apply, dry_run=dry_run)
