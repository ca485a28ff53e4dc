"""Creating many entities of one kind in one request: all of them, or none.

Every row is checked before anything is written, and every refused row is
named with its index in the request and the reason: a reference to a row
that does not exist (an asset type, a sequence) or that is in another
project, frames out of order, or a name another live entity holds or
another row of the request repeats (names are unique per project, kind and
parent, whatever their case: see :mod:`shotline.services.entities`). The
checks cost one statement per kind of reference and one for the names,
whatever the number of rows; the rows are then inserted together. Two
requests creating one name at once meet the database's unique index: the
loser's rows are checked again, and refused naming the holder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shotline.events.log import Change, record
from shotline.models import AssetType, Entity, Episode, Shot
from shotline.models import Sequence as SequenceModel
from shotline.models.entities import name_key
from shotline.services.entities import is_name_clash, name_scope
from shotline.sqltypes import utcnow

__all__ = ["BulkRefused", "RowRefused", "create_many"]


@dataclass(frozen=True)
class RowRefused:
    index: int
    field: str
    message: str


class BulkRefused(HTTPException):
    """A 400 naming every refused row; nothing was created."""

    def __init__(self, refused: Sequence[RowRefused], total: int) -> None:
        super().__init__(
            status_code=400,
            detail={
                "field": "body",
                "message": f"{len(refused)} of {total} rows refused: nothing was created",
                "rows": [asdict(row) for row in refused],
            },
        )


@dataclass(frozen=True)
class Reference:
    """A field of a row naming another row, which must exist (and, for an
    entity, be in the same project)."""

    field: str
    model: type[Any]
    what: str
    in_project: bool


REFERENCES: dict[str, list[Reference]] = {
    "asset": [Reference("asset_type_id", AssetType, "asset type", in_project=False)],
    "episode": [],
    "sequence": [Reference("episode_id", Episode, "episode", in_project=True)],
    "shot": [Reference("sequence_id", SequenceModel, "sequence", in_project=True)],
}


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _reference_errors(
    session: Session, project_id: int, reference: Reference, rows: Sequence[dict[str, Any]]
) -> list[RowRefused]:
    wanted = {row[reference.field] for row in rows if row.get(reference.field) is not None}
    if not wanted:
        return []
    model = reference.model
    columns = [model.id, model.project_id] if reference.in_project else [model.id, model.id]
    found: dict[int, int] = dict(
        session.execute(select(*columns).where(model.id.in_(wanted))).all()
    )
    refused = []
    for index, row in enumerate(rows):
        ident = row.get(reference.field)
        if ident is None:
            continue
        if ident not in found:
            refused.append(
                RowRefused(index, reference.field, f"{reference.what} {ident} not found")
            )
        elif reference.in_project and found[ident] != project_id:
            message = f"{reference.what} {ident} is not in project {project_id}"
            refused.append(RowRefused(index, reference.field, message))
    return refused


def _name_errors(
    session: Session, model: type[Entity], project_id: int, rows: Sequence[dict[str, Any]]
) -> list[RowRefused]:
    kind = str(model.__mapper__.polymorphic_identity)
    parent = model.name_parent
    keys = [name_key(kind, row.get(parent) if parent else None, row["name"]) for row in rows]
    holders = {
        key: (ident, name)
        for ident, name, key in session.execute(
            select(Entity.id, Entity.name, Entity.name_key).where(
                Entity.project_id == project_id, Entity.name_key.in_(set(keys))
            )
        )
    }
    refused = []
    first: dict[str, int] = {}
    for index, (row, key) in enumerate(zip(rows, keys, strict=True)):
        scope = name_scope(project_id, parent, row.get(parent) if parent else None)
        if key in holders:
            ident, name = holders[key]
            message = f"{scope} already has {_a(kind)} named {name!r}: {kind} {ident}"
            refused.append(RowRefused(index, "name", message))
        elif key in first:
            message = f"row {first[key]} has the same name in {scope}"
            refused.append(RowRefused(index, "name", message))
        else:
            first[key] = index
    return refused


def _refused(
    session: Session, model: type[Entity], project_id: int, rows: Sequence[dict[str, Any]]
) -> list[RowRefused]:
    kind = str(model.__mapper__.polymorphic_identity)
    refused = [
        error
        for reference in REFERENCES[kind]
        for error in _reference_errors(session, project_id, reference, rows)
    ]
    if model is Shot:
        refused += [
            RowRefused(index, "frame_out", "must not be before frame_in")
            for index, row in enumerate(rows)
            if row["frame_out"] < row["frame_in"]
        ]
    refused += _name_errors(session, model, project_id, rows)
    return sorted(refused, key=lambda error: error.index)


def create_many(
    session: Session, model: type[Entity], project_id: int, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Add the entities (not committed), or refuse them all with a 400
    naming each refused row; answers their ids, in the rows' order. The
    caller has checked that the principal may add entities to the project.

    Four statements whatever the number of rows: the ``entity`` rows in one
    multi-row insert, their ids read back by their name keys (unique among
    the project's live entities), the kind's own rows in one insert, and
    their ``entity.created`` events in one more. (The
    ORM inserts joined-inheritance rows one at a time where the database
    cannot return a batch's ids in order.)
    """
    refused = _refused(session, model, project_id, rows)
    if refused:
        raise BulkRefused(refused, len(rows))
    kind = str(model.__mapper__.polymorphic_identity)
    parent = model.name_parent
    base, own = Entity.__table__, model.__table__
    assert isinstance(base, Table)
    assert isinstance(own, Table)
    now = utcnow()
    keys = [name_key(kind, row.get(parent) if parent else None, row["name"]) for row in rows]
    common = {"kind": kind, "project_id": project_id, "created_at": now, "updated_at": now}
    try:
        session.execute(
            insert(base),
            [
                {**common, "name_key": key, **{c: v for c, v in row.items() if c in base.c}}
                for row, key in zip(rows, keys, strict=True)
            ],
        )
    except IntegrityError as error:
        if not is_name_clash(error):
            raise
        session.rollback()
        raise BulkRefused(_refused(session, model, project_id, rows), len(rows)) from None
    ids = dict(
        session.execute(
            select(Entity.name_key, Entity.id).where(
                Entity.project_id == project_id, Entity.name_key.in_(keys)
            )
        ).all()
    )
    created = [ids[key] for key in keys]
    session.execute(
        insert(own),
        [
            {"id": ident, **{c: v for c, v in row.items() if c in own.c and c != "id"}}
            for ident, row in zip(created, rows, strict=True)
        ],
    )
    record(
        session,
        [
            Change(
                "entity.created",
                project_id=project_id,
                entity_id=ident,
                payload={"kind": kind, "name": row["name"]},
            )
            for ident, row in zip(created, rows, strict=True)
        ],
    )
    return created
