"""A project's task list as CSV (``GET /api/projects/{id}/tasks.csv``, with
the task lists' filters: see :mod:`shotline.services.task_csv`) and tasks
created or updated from CSV (``POST``, the export's columns; ``?dry_run=true``
first: see :mod:`shotline.services.task_csv_import`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from shotline.api.crud.common import IdPath, crud_router
from shotline.api.crud.csv_io import EXPORT, IMPORT, Bom, DryRun, csv_response, run_import
from shotline.api.crud.task_filters import TaskFilters
from shotline.auth import Me
from shotline.deps import DB
from shotline.services import task_csv, task_csv_import

router = crud_router("csv")


class TaskImportOut(BaseModel):
    """What a task CSV changes (or would change, in a dry run)."""

    dry_run: bool
    rows: int = Field(description="Rows read, the header left out.")
    created: int = Field(description="Tasks created: lines whose entity had none of the type.")
    updated: int = Field(description="Lines naming an existing task (changed or not).")


@router.get("/projects/{project_id}/tasks.csv", **EXPORT)
def export_tasks(
    project_id: IdPath,
    db: DB,
    me: Me,
    filters: Annotated[TaskFilters, Depends()],
    bom: Bom = False,
) -> Response:
    """The project's tasks as CSV, filtered as its task list is: ``entity_kind,
    episode, sequence, entity, task_type, task_status, assignees, start_date,
    due_date, estimate, priority``, as the import reads it. UTF-8."""
    text = task_csv.export_csv(db, me, project_id, filters.conditions(db))
    return csv_response(text, "tasks.csv", bom=bom)


@router.post("/projects/{project_id}/tasks.csv", **IMPORT)
async def import_tasks(
    project_id: IdPath, request: Request, db: DB, me: Me, dry_run: DryRun = False
) -> TaskImportOut:
    """Create or update the file's tasks (an entity's task of the line's
    type is updated, created if it has none): every line is checked first
    against the rules of the task endpoints, and a file with any refused line
    changes nothing (a 400 naming each line, column and problem)."""

    def apply(text: str) -> TaskImportOut:
        report = task_csv_import.import_csv(db, me, project_id, text, dry_run=dry_run)
        return TaskImportOut(
            dry_run=report.dry_run,
            rows=report.rows,
            created=report.created,
            updated=report.updated,
        )

    return await run_import(request, db, apply, dry_run=dry_run)
