"""Writing assets, episodes, sequences and shots; reading episodes and sequences.

The grid API (``shotline.api.grid``) owns the reads of assets and shots (the
project grids and the entity pages); this module creates, updates and
deletes them, answering the record it wrote.

A reference to another entity (a sequence's episode, a shot's sequence) must
stay within the project: an unknown or deleted one is a 404, one of another
project a 400 naming the field. A name is unique per project, kind and
parent among live entities, whatever its case: another one is a 409 naming
the entity that has it. Deleting an entity soft-deletes it with its live
tasks (see :mod:`shotline.services.entities`).

Entities are changed by the managers of their project (and admins): anyone
else who sees the entity gets a 403, anyone who does not a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import select

from loadplan.fastapi import PlannedRequest
from shotline.access import Principal, can_manage
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import BadRequest
from shotline.models import Asset, AssetType, Entity, Episode, Project, Sequence, Shot
from shotline.schemas.crud import (
    AssetCreate,
    AssetRecord,
    AssetUpdate,
    EpisodeCreate,
    EpisodeRecord,
    EpisodeUpdate,
    SequenceCreate,
    SequenceRecord,
    SequenceUpdate,
    ShotCreate,
    ShotRecord,
    ShotUpdate,
)
from shotline.services import entities
from shotline.services.checks import (
    Check,
    fetch,
    may,
    present,
    project_seen_if_empty,
    reference,
    row_exists,
    seen,
    sees,
    verify,
)

router = crud_router()

assets = Reader(Asset, AssetRecord, "asset")
episodes = Reader(Episode, EpisodeRecord, "episode")
episode_list = listing(Episode, EpisodeRecord)
sequences = Reader(Sequence, SequenceRecord, "sequence")
sequence_list = listing(Sequence, SequenceRecord)
shots = Reader(Shot, ShotRecord, "shot")


def _within(
    me: Principal, model: type[Entity], ident: int | None, what: str, field: str, project_id: int
) -> list[Check]:
    """``ident`` (when given) is a live ``model`` of project ``project_id``
    that the principal sees."""
    if ident is None:
        return []
    return [
        seen(me, model, ident, what),
        Check(
            row_exists(model, model.id == ident, model.project_id == project_id),
            BadRequest(field, f"{what} {ident} is not in project {project_id}"),
        ),
    ]


def adding_to(me: Principal, project_id: int, what: str) -> list[Check]:
    """The project is one the principal sees, and may add ``what`` to."""
    return [
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not add {what} to project {project_id}"),
    ]


def _editable(me: Principal, model: type[Entity], ident: int, what: str) -> list[Check]:
    """For :func:`fetch`: the principal sees the entity and may change it."""
    return [
        sees(me, model, ident, what),
        may(can_manage(me, model.project_id), f"you may not change {what} {ident}"),
    ]


def _check_frames(frame_in: int, frame_out: int) -> None:
    if frame_out < frame_in:
        raise BadRequest("frame_out", "must not be before frame_in")


# -- Assets -------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/assets", status_code=201, tags=["assets"], responses=errors(403, 404)
)
def create_asset(project_id: IdPath, body: AssetCreate, db: DB, me: Me) -> AssetRecord:
    verify(
        db,
        *adding_to(me, project_id, "assets"),
        present(AssetType, body.asset_type_id, "asset type"),
    )
    return assets.committed(db, me, entities.create(db, Asset, project_id, body.model_dump()))


@router.patch("/assets/{asset_id}", tags=["assets"], responses=errors(403, 404))
def update_asset(asset_id: IdPath, body: AssetUpdate, db: DB, me: Me) -> AssetRecord:
    values = body.model_dump()
    asset = fetch(
        db,
        Asset,
        asset_id,
        "asset",
        *_editable(me, Asset, asset_id, "asset"),
        *reference(AssetType, values.get("asset_type_id"), "asset type"),
    )
    entities.change(db, asset, values)
    return assets.committed(db, me, asset_id)


@router.delete("/assets/{asset_id}", status_code=204, tags=["assets"], responses=errors(403, 404))
def delete_asset(asset_id: IdPath, db: DB, me: Me) -> None:
    """Soft-delete the asset and its live tasks."""
    entities.soft_delete(db, me, Asset, asset_id, "asset")
    db.commit()


# -- Episodes -----------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/episodes",
    response_model=episode_list.page_model,
    tags=["episodes"],
    responses=errors(404),
)
def list_episodes(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(episode_list)],
) -> Response:
    stmt = select(Episode).where(Episode.project_id == project_id)
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.post(
    "/projects/{project_id}/episodes",
    status_code=201,
    tags=["episodes"],
    responses=errors(403, 404),
)
def create_episode(project_id: IdPath, body: EpisodeCreate, db: DB, me: Me) -> EpisodeRecord:
    verify(db, *adding_to(me, project_id, "episodes"))
    return episodes.committed(db, me, entities.create(db, Episode, project_id, body.model_dump()))


@router.get("/episodes/{episode_id}", tags=["episodes"], responses=errors(404))
def get_episode(episode_id: IdPath, db: DB, me: Me) -> EpisodeRecord:
    return episodes.one(db, me, episode_id)


@router.patch("/episodes/{episode_id}", tags=["episodes"], responses=errors(403, 404))
def update_episode(episode_id: IdPath, body: EpisodeUpdate, db: DB, me: Me) -> EpisodeRecord:
    episode = fetch(
        db, Episode, episode_id, "episode", *_editable(me, Episode, episode_id, "episode")
    )
    entities.change(db, episode, body.model_dump())
    return episodes.committed(db, me, episode_id)


@router.delete(
    "/episodes/{episode_id}", status_code=204, tags=["episodes"], responses=errors(403, 404, 409)
)
def delete_episode(episode_id: IdPath, db: DB, me: Me) -> None:
    """Soft-delete the episode (refused while it has live sequences)."""
    entities.soft_delete(db, me, Episode, episode_id, "episode")
    db.commit()


# -- Sequences ----------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/sequences",
    response_model=sequence_list.page_model,
    tags=["sequences"],
    responses=errors(404),
)
def list_sequences(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(sequence_list)],
) -> Response:
    stmt = select(Sequence).where(Sequence.project_id == project_id)
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.post(
    "/projects/{project_id}/sequences",
    status_code=201,
    tags=["sequences"],
    responses=errors(400, 403, 404),
)
def create_sequence(project_id: IdPath, body: SequenceCreate, db: DB, me: Me) -> SequenceRecord:
    verify(
        db,
        *adding_to(me, project_id, "sequences"),
        *_within(me, Episode, body.episode_id, "episode", "episode_id", project_id),
    )
    return sequences.committed(db, me, entities.create(db, Sequence, project_id, body.model_dump()))


@router.get("/sequences/{sequence_id}", tags=["sequences"], responses=errors(404))
def get_sequence(sequence_id: IdPath, db: DB, me: Me) -> SequenceRecord:
    return sequences.one(db, me, sequence_id)


@router.patch("/sequences/{sequence_id}", tags=["sequences"], responses=errors(400, 403, 404))
def update_sequence(sequence_id: IdPath, body: SequenceUpdate, db: DB, me: Me) -> SequenceRecord:
    values = body.model_dump()
    sequence = fetch(
        db, Sequence, sequence_id, "sequence", *_editable(me, Sequence, sequence_id, "sequence")
    )
    verify(
        db,
        *_within(
            me, Episode, values.get("episode_id"), "episode", "episode_id", sequence.project_id
        ),
    )
    entities.change(db, sequence, values)
    return sequences.committed(db, me, sequence_id)


@router.delete(
    "/sequences/{sequence_id}",
    status_code=204,
    tags=["sequences"],
    responses=errors(403, 404, 409),
)
def delete_sequence(sequence_id: IdPath, db: DB, me: Me) -> None:
    """Soft-delete the sequence and its live tasks (refused while it has live shots)."""
    entities.soft_delete(db, me, Sequence, sequence_id, "sequence")
    db.commit()


# -- Shots --------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/shots",
    status_code=201,
    tags=["shots"],
    responses=errors(400, 403, 404),
)
def create_shot(project_id: IdPath, body: ShotCreate, db: DB, me: Me) -> ShotRecord:
    _check_frames(body.frame_in, body.frame_out)
    verify(
        db,
        *adding_to(me, project_id, "shots"),
        *_within(me, Sequence, body.sequence_id, "sequence", "sequence_id", project_id),
    )
    return shots.committed(db, me, entities.create(db, Shot, project_id, body.model_dump()))


@router.patch("/shots/{shot_id}", tags=["shots"], responses=errors(400, 403, 404))
def update_shot(shot_id: IdPath, body: ShotUpdate, db: DB, me: Me) -> ShotRecord:
    values = body.model_dump()
    shot = fetch(db, Shot, shot_id, "shot", *_editable(me, Shot, shot_id, "shot"))
    _check_frames(values.get("frame_in", shot.frame_in), values.get("frame_out", shot.frame_out))
    verify(
        db,
        *_within(
            me, Sequence, values.get("sequence_id"), "sequence", "sequence_id", shot.project_id
        ),
    )
    entities.change(db, shot, values)
    return shots.committed(db, me, shot_id)


@router.delete("/shots/{shot_id}", status_code=204, tags=["shots"], responses=errors(403, 404))
def delete_shot(shot_id: IdPath, db: DB, me: Me) -> None:
    """Soft-delete the shot and its live tasks."""
    entities.soft_delete(db, me, Shot, shot_id, "shot")
    db.commit()
