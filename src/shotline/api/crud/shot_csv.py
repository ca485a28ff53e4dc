"""The shot grid as CSV (``GET /api/projects/{id}/shots.csv``, with the
grid's filters) and shots imported from CSV (``POST``, the export's columns;
``?dry_run=true`` first): see :mod:`shotline.services.shot_csv`."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from shotline.api.crud.common import IdPath, crud_router
from shotline.api.crud.csv_io import EXPORT, IMPORT, Bom, DryRun, csv_response, run_import
from shotline.api.grid import (
    AssigneeFilter,
    EpisodeFilter,
    SearchFilter,
    SequenceFilter,
    TaskStatusFilter,
    shot_grid_statement,
)
from shotline.auth import Me
from shotline.deps import DB
from shotline.services import shot_csv as service

router = crud_router("csv")


class ShotImportOut(BaseModel):
    """What a shot CSV creates (or would create, in a dry run)."""

    dry_run: bool
    rows: int = Field(description="Rows read, the header left out.")
    episodes: int = Field(description="Episodes created: those the project did not have.")
    sequences: int = Field(description="Sequences created: those the project did not have.")
    shots: int = Field(description="Shots created.")
    tasks: int = Field(description="Tasks created, one per status given.")


@router.get("/projects/{project_id}/shots.csv", **EXPORT)
def export_shots(
    project_id: IdPath,
    db: DB,
    me: Me,
    sequence: SequenceFilter = None,
    episode: EpisodeFilter = None,
    task_status: TaskStatusFilter = None,
    assignee: AssigneeFilter = None,
    search: SearchFilter = None,
    bom: Bom = False,
) -> Response:
    """The shot grid as CSV, filtered as the grid is: ``episode, sequence,
    name, frame_in, frame_out, description`` and a status column per shot
    task type, as the import reads it. UTF-8."""
    stmt = shot_grid_statement(db, me, project_id, sequence, episode, task_status, assignee, search)
    conditions = [] if stmt.whereclause is None else [stmt.whereclause]
    text = service.export_csv(db, me, project_id, conditions)
    return csv_response(text, "shots.csv", bom=bom)


@router.post("/projects/{project_id}/shots.csv", **IMPORT)
async def import_shots(
    project_id: IdPath, request: Request, db: DB, me: Me, dry_run: DryRun = False
) -> ShotImportOut:
    """Create the file's shots, the episodes and sequences they name that the
    project does not have yet, and their tasks' statuses: every row is
    checked first, and a file with any refused row creates nothing (a 400
    naming each row's line, column and problem)."""

    def apply(text: str) -> ShotImportOut:
        report = service.import_csv(db, me, project_id, text, dry_run=dry_run)
        return ShotImportOut(
            dry_run=report.dry_run,
            rows=report.rows,
            episodes=report.episodes,
            sequences=report.sequences,
            shots=report.shots,
            tasks=report.tasks,
        )

    return await run_import(request, db, apply, dry_run=dry_run)
