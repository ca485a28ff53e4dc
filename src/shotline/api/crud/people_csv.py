"""People imported from CSV by an admin (``POST /api/people.csv``;
``?dry_run=true`` first): see :mod:`shotline.services.people_csv`."""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel, Field

from shotline.api.crud.common import crud_router
from shotline.api.crud.csv_io import IMPORT, DryRun, run_import
from shotline.auth import Me
from shotline.deps import DB
from shotline.services import people_csv as service

router = crud_router("csv")


class PeopleImportOut(BaseModel):
    """What a people CSV creates (or would create, in a dry run)."""

    dry_run: bool
    rows: int = Field(description="Rows read, the header left out.")
    people: int = Field(description="People created (without a password).")


@router.post("/people.csv", **IMPORT)
async def import_people(
    request: Request, db: DB, me: Me, dry_run: DryRun = False
) -> PeopleImportOut:
    """Create the file's people (``first_name, last_name, email, role,
    department``; admins only): every row is checked first, and a file with
    any refused row creates nobody (a 400 naming each row's line, column and
    problem)."""

    def apply(text: str) -> PeopleImportOut:
        report = service.import_csv(db, me, text, dry_run=dry_run)
        return PeopleImportOut(dry_run=report.dry_run, rows=report.rows, people=report.people)

    return await run_import(request, db, apply, dry_run=dry_run)
