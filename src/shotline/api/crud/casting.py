"""The breakdown: which assets are cast into which shots, sequences and
episodes, with how many occurrences.

Reads are planned by loadplan (a fixed number of statements whatever their
size): an entity's casting, an asset's "used in", and the breakdown of a
sequence (every shot with its casting: the shots, then every cell with its
asset and asset type joined in; 2 statements for a whole sequence). Writes
are a manager's: the whole casting of one entity, many links of a project
at once, or a CSV file (see :mod:`shotline.services.casting`). A casting
link shows only while its asset and entity are live and the principal sees
both (:func:`shotline.access.casting_rule`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

import loadplan
from loadplan.fastapi import PlannedRequest
from loadplan.pydantic import selection_from_model
from shotline.access import RULES, Principal
from shotline.api.crud.common import IdPath, crud_router, errors, listing
from shotline.api.crud.csv_io import EXPORT, IMPORT, Bom, DryRun, csv_response, run_import
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import Asset, Casting, Entity, Sequence, Shot
from shotline.schemas.casting import (
    BreakdownRow,
    CastingChanges,
    CastingImport,
    CastingIn,
    CastingLinkOut,
    CastingOut,
    CastInOut,
)
from shotline.services import casting as service
from shotline.services.checks import seen, verify

router = crud_router("casting")

casting_list = listing(Casting, CastingOut)
cast_in_list = listing(Casting, CastInOut)
breakdown_list = listing(Shot, BreakdownRow, default_order="name")


def _read(
    session: Session, me: Principal, schema: type[BaseModel], *criteria: ColumnElement[bool]
) -> list[Any]:
    """Casting links as ``schema``, through its plan, in key order: the answer of a write."""
    plan = loadplan.plan(Casting, selection_from_model(Casting, schema), context=me, rules=RULES)
    stmt = select(Casting).where(*criteria).order_by(Casting.entity_id, Casting.asset_id)
    rows = session.scalars(plan.apply(stmt).execution_options(populate_existing=True)).all()
    return [schema.model_validate(row) for row in rows]


@router.get(
    "/entities/{entity_id}/casting", response_model=casting_list.page_model, responses=errors(404)
)
def get_casting(
    entity_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(casting_list)],
) -> Response:
    """The assets cast into the shot, sequence or episode (by asset id), with
    their occurrences: 1 statement (2 when empty: is the entity unknown?)."""
    stmt = select(Casting).where(Casting.entity_id == entity_id)
    return planned.page(db, stmt, lambda: verify(db, seen(me, Entity, entity_id, "entity")))


@router.put("/entities/{entity_id}/casting", responses=errors(400, 403, 404))
def replace_casting(entity_id: IdPath, body: CastingIn, db: DB, me: Me) -> list[CastingOut]:
    """Make these assets the entity's whole casting (an empty list clears it)."""
    service.replace_casting(
        db, me, entity_id, [(item.asset_id, item.occurrences) for item in body.assets]
    )
    answer = _read(db, me, CastingOut, Casting.entity_id == entity_id)
    db.commit()
    return answer


@router.get(
    "/assets/{asset_id}/cast-in", response_model=cast_in_list.page_model, responses=errors(404)
)
def get_cast_in(
    asset_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(cast_in_list)],
) -> Response:
    """Where the asset is used: the shots, sequences and episodes it is cast into."""
    stmt = select(Casting).where(Casting.asset_id == asset_id)
    return planned.page(db, stmt, lambda: verify(db, seen(me, Asset, asset_id, "asset")))


@router.get(
    "/sequences/{sequence_id}/breakdown",
    response_model=breakdown_list.page_model,
    responses=errors(404),
)
def get_breakdown(
    sequence_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(breakdown_list)],
) -> Response:
    """The casting grid of a sequence: its shots (by name) by the assets cast
    into each. 2 statements for the whole sequence."""
    stmt = select(Shot).where(Shot.sequence_id == sequence_id)
    return planned.page(db, stmt, lambda: verify(db, seen(me, Sequence, sequence_id, "sequence")))


@router.post("/projects/{project_id}/casting", responses=errors(400, 403, 404))
def change_casting(
    project_id: IdPath, body: CastingChanges, db: DB, me: Me
) -> list[CastingLinkOut]:
    """Set the occurrences of many links at once (0 takes an asset out): all
    or none. Answers the whole casting of every entity named, by entity then
    asset."""
    links = [service.Link(i.entity_id, i.asset_id, i.occurrences) for i in body.links]
    service.set_links(db, me, project_id, links)
    entities = sorted({link.entity_id for link in links})
    answer = _read(db, me, CastingLinkOut, Casting.entity_id.in_(entities))
    db.commit()
    return answer


@router.get("/projects/{project_id}/casting.csv", **EXPORT)
def export_casting(project_id: IdPath, db: DB, me: Me, bom: Bom = False) -> Response:
    """The project's casting as CSV: ``episode, sequence, shot, asset_type,
    asset, occurrences``, as the import reads it."""
    return csv_response(iter([service.export_csv(db, me, project_id)]), "casting.csv", bom=bom)


@router.post("/projects/{project_id}/casting.csv", **IMPORT)
async def import_casting(
    project_id: IdPath, request: Request, db: DB, me: Me, dry_run: DryRun = False
) -> CastingImport:
    """Read a casting CSV (the columns of the export; ``asset`` is required,
    ``occurrences`` defaults to 1, 0 takes the asset out): every row is
    checked first, and a file with any refused row changes nothing (a 400
    naming each row's line, column and problem)."""

    def apply(text: str) -> CastingImport:
        return service.import_csv(db, me, project_id, text, dry_run=dry_run)

    return await run_import(request, db, apply, dry_run=dry_run)
