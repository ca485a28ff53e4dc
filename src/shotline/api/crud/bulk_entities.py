"""Creating many assets, episodes, sequences or shots of a project in one
request: ``POST /api/projects/{id}/<kind>/bulk`` with a JSON array of what
the single creation takes, up to :data:`MAX_ROWS` rows.

All of them are created, or none: each refused row is named with its index
and reason (see :mod:`shotline.services.bulk`). The answer lists the
entities created, by id, read like a single creation's answer: a fixed
number of statements, whatever the number of rows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import BaseModel

from shotline.api.crud.common import IdPath, Reader, crud_router, errors
from shotline.api.crud.entities import adding_to, assets, episodes, sequences, shots
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import Asset, Entity, Episode, Sequence, Shot
from shotline.schemas.crud import (
    AssetCreate,
    AssetRecord,
    EpisodeCreate,
    EpisodeRecord,
    SequenceCreate,
    SequenceRecord,
    ShotCreate,
    ShotRecord,
)
from shotline.services import bulk
from shotline.services.checks import verify

router = crud_router()

MAX_ROWS = 1000
"""The most entities one request creates (a series' shots are a few thousand:
a few requests)."""


def _rows(description: str) -> Any:
    return Body(min_length=1, max_length=MAX_ROWS, description=description)


def _create(
    db: DB,
    me: Me,
    project_id: int,
    model: type[Entity],
    what: str,
    rows: list[BaseModel],
    reader: Reader[Any],
) -> list[Any]:
    verify(db, *adding_to(me, project_id, what))
    created = bulk.create_many(db, model, project_id, [row.model_dump() for row in rows])
    return reader.committed_all(db, me, model.id.in_(created))


_REFUSALS = errors(400, 403, 404)


@router.post(
    "/projects/{project_id}/assets/bulk", status_code=201, tags=["assets"], responses=_REFUSALS
)
def create_assets(
    project_id: IdPath,
    body: Annotated[list[AssetCreate], _rows("The assets, as POST .../assets takes one.")],
    db: DB,
    me: Me,
) -> list[AssetRecord]:
    """Create every asset, or none."""
    return _create(db, me, project_id, Asset, "assets", list(body), assets)


@router.post(
    "/projects/{project_id}/episodes/bulk",
    status_code=201,
    tags=["episodes"],
    responses=_REFUSALS,
)
def create_episodes(
    project_id: IdPath,
    body: Annotated[list[EpisodeCreate], _rows("The episodes, as POST .../episodes takes one.")],
    db: DB,
    me: Me,
) -> list[EpisodeRecord]:
    """Create every episode, or none."""
    return _create(db, me, project_id, Episode, "episodes", list(body), episodes)


@router.post(
    "/projects/{project_id}/sequences/bulk",
    status_code=201,
    tags=["sequences"],
    responses=_REFUSALS,
)
def create_sequences(
    project_id: IdPath,
    body: Annotated[list[SequenceCreate], _rows("The sequences, as POST .../sequences takes one.")],
    db: DB,
    me: Me,
) -> list[SequenceRecord]:
    """Create every sequence, or none."""
    return _create(db, me, project_id, Sequence, "sequences", list(body), sequences)


@router.post(
    "/projects/{project_id}/shots/bulk", status_code=201, tags=["shots"], responses=_REFUSALS
)
def create_shots(
    project_id: IdPath,
    body: Annotated[list[ShotCreate], _rows("The shots, as POST .../shots takes one.")],
    db: DB,
    me: Me,
) -> list[ShotRecord]:
    """Create every shot, or none."""
    return _create(db, me, project_id, Shot, "shots", list(body), shots)
