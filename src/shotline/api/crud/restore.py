"""Restoring soft-deleted assets, episodes, sequences and shots:
``POST /api/<kind>s/{id}/restore``, answering the entity's record.

The entity comes back with the tasks deleted with it (see
:mod:`shotline.services.restore`, which says what is refused and why); the
events ``entity.restored`` and ``task.restored`` (one per task) are recorded
in the same transaction.
"""

from __future__ import annotations

from shotline.api.crud.common import IdPath, crud_router, errors
from shotline.api.crud.entities import assets, episodes, sequences, shots
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import Asset, Episode, Sequence, Shot
from shotline.schemas.crud import AssetRecord, EpisodeRecord, SequenceRecord, ShotRecord
from shotline.services.restore import restore_entity

router = crud_router()

REFUSALS = errors(403, 404, 409)


@router.post("/assets/{asset_id}/restore", tags=["assets"], responses=REFUSALS)
def restore_asset(asset_id: IdPath, db: DB, me: Me) -> AssetRecord:
    """Bring a soft-deleted asset back, with the tasks deleted with it."""
    restore_entity(db, me, Asset, asset_id, "asset")
    return assets.committed(db, me, asset_id)


@router.post("/episodes/{episode_id}/restore", tags=["episodes"], responses=REFUSALS)
def restore_episode(episode_id: IdPath, db: DB, me: Me) -> EpisodeRecord:
    """Bring a soft-deleted episode back (its sequences each have their own restore)."""
    restore_entity(db, me, Episode, episode_id, "episode")
    return episodes.committed(db, me, episode_id)


@router.post("/sequences/{sequence_id}/restore", tags=["sequences"], responses=REFUSALS)
def restore_sequence(sequence_id: IdPath, db: DB, me: Me) -> SequenceRecord:
    """Bring a soft-deleted sequence back (its episode must be live)."""
    restore_entity(db, me, Sequence, sequence_id, "sequence")
    return sequences.committed(db, me, sequence_id)


@router.post("/shots/{shot_id}/restore", tags=["shots"], responses=REFUSALS)
def restore_shot(shot_id: IdPath, db: DB, me: Me) -> ShotRecord:
    """Bring a soft-deleted shot back, with its tasks (its sequence must be live)."""
    restore_entity(db, me, Shot, shot_id, "shot")
    return shots.committed(db, me, shot_id)
