"""The breakdown: casting assets into shots, sequences and episodes.

Casting is a manager's change. Every write checks its references in a fixed
number of statements (the project and the principal's right in one, every
entity named in one more), then deletes and inserts the links it touches
with one statement each, so its cost does not grow with the number of links.
A link joins an asset to a shot, sequence or episode of the same project;
a link written with 0 occurrences is taken out.

The CSV import (see :mod:`shotline.csvfiles` for the conventions) names
entities as production staff do: ``episode``, ``sequence``, ``shot``,
``asset_type``, ``asset`` and ``occurrences`` columns. A shot is found by
its name within its sequence (and episode, when given), a sequence within
its episode; an asset by name and type. Only the cells that locate the
entity are needed: a row with a sequence and no shot casts the asset into
the sequence itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal, can_manage, visible
from shotline.csvfiles import CsvFile, CsvRefused, CsvRow, RowError, read_csv, write_csv
from shotline.errors import BadRequest
from shotline.events.log import Change, record
from shotline.models import (
    Asset,
    AssetType,
    Casting,
    Entity,
    Project,
    Shot,
)
from shotline.models import (
    Sequence as SequenceModel,
)
from shotline.schemas.casting import MAX_OCCURRENCES, CastingImport
from shotline.services.checks import (
    Check,
    fetch,
    may,
    missing,
    naming,
    not_found,
    seen,
    sees,
    verify,
)

CAST_INTO = frozenset({"shot", "sequence", "episode"})
"""The kinds of entity assets are cast into."""

COLUMNS = ("episode", "sequence", "shot", "asset_type", "asset", "occurrences")


@dataclass(frozen=True)
class Link:
    entity_id: int
    asset_id: int
    occurrences: int


def _manages(me: Principal, project_id: int) -> list[Check]:
    return [
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not change the casting of project {project_id}"),
    ]


def _kinds(
    session: Session, me: Principal, project_id: int, ids: Iterable[int], field: str
) -> dict[int, str]:
    """The kind of each entity named (a 404 for one the principal does not
    see, a 400 naming ``field`` for one of another project): one statement."""
    wanted = list(dict.fromkeys(ids))
    found = {
        ident: (project, kind)
        for ident, project, kind in session.execute(
            select(Entity.id, Entity.project_id, Entity.kind).where(
                Entity.id.in_(wanted), visible(me, Entity)
            )
        )
    }
    absent = missing(wanted, found)
    if absent:
        raise not_found("entity", "entities", absent)
    elsewhere = [ident for ident in wanted if found[ident][0] != project_id]
    if elsewhere:
        raise BadRequest(
            field, f"not in project {project_id}: {naming('entity', 'entities', elsewhere)}"
        )
    return {ident: kind for ident, (_, kind) in found.items()}


def _check_kinds(kinds: dict[int, str], targets: Iterable[int], assets: Iterable[int]) -> None:
    wrong = [t for t in dict.fromkeys(targets) if kinds[t] not in CAST_INTO]
    if wrong:
        raise BadRequest(
            "entity_id",
            f"assets are cast into shots, sequences and episodes, not into "
            f"{naming('asset', 'assets', wrong)}",
        )
    not_assets = [a for a in dict.fromkeys(assets) if kinds[a] != "asset"]
    if not_assets:
        raise BadRequest("asset_id", f"not an asset: {naming('entity', 'entities', not_assets)}")


def _write(session: Session, project_id: int, links: Sequence[Link]) -> None:
    """Replace the links of these (entity, asset) pairs: one DELETE, one INSERT."""
    pairs = [(link.entity_id, link.asset_id) for link in links]
    session.execute(delete(Casting).where(tuple_(Casting.entity_id, Casting.asset_id).in_(pairs)))
    kept = [
        {
            "project_id": project_id,
            "entity_id": link.entity_id,
            "asset_id": link.asset_id,
            "occurrences": link.occurrences,
        }
        for link in links
        if link.occurrences
    ]
    if kept:
        session.execute(insert(Casting), kept)
    by_entity: dict[int, list[dict[str, int]]] = {}
    for link in links:
        by_entity.setdefault(link.entity_id, []).append(
            {"asset_id": link.asset_id, "occurrences": link.occurrences}
        )
    record(
        session,
        [
            _casting_changed(project_id, entity_id, assets)
            for entity_id, assets in sorted(by_entity.items())
        ],
    )


def _casting_changed(
    project_id: int, entity_id: int, assets: list[dict[str, int]], *, replaced: bool = False
) -> Change:
    """The casting of an entity changed: ``assets`` with their new occurrences
    (0: no longer cast); ``replaced``: they are its whole casting now."""
    return Change(
        "casting.changed",
        project_id=project_id,
        entity_id=entity_id,
        payload={"assets": assets, "replaced": replaced},
    )


def set_links(session: Session, me: Principal, project_id: int, links: Sequence[Link]) -> None:
    """Write many links of a project at once (bulk edit of a breakdown):
    all of them, or none. 4 statements."""
    verify(session, *_manages(me, project_id))
    kinds = _kinds(
        session,
        me,
        project_id,
        [i for link in links for i in (link.entity_id, link.asset_id)],
        "links",
    )
    _check_kinds(kinds, (link.entity_id for link in links), (link.asset_id for link in links))
    _write(session, project_id, links)


def replace_casting(
    session: Session, me: Principal, entity_id: int, assets: Sequence[tuple[int, int]]
) -> None:
    """Make ``assets`` (``(asset_id, occurrences)``) the entity's whole casting."""
    entity = fetch(
        session,
        Entity,
        entity_id,
        "entity",
        sees(me, Entity, entity_id, "entity"),
        may(can_manage(me, Entity.project_id), f"you may not change entity {entity_id}"),
    )
    if entity.kind not in CAST_INTO:
        raise BadRequest(
            "entity_id",
            f"assets are cast into shots, sequences and episodes, not into {entity.kind}s",
        )
    if assets:
        kinds = _kinds(session, me, entity.project_id, (a for a, _ in assets), "assets")
        _check_kinds(kinds, (), (a for a, _ in assets))
    session.execute(delete(Casting).where(Casting.entity_id == entity_id))
    if assets:
        session.execute(
            insert(Casting),
            [
                {
                    "project_id": entity.project_id,
                    "entity_id": entity_id,
                    "asset_id": asset_id,
                    "occurrences": occurrences,
                }
                for asset_id, occurrences in assets
            ],
        )
    listed = [{"asset_id": a, "occurrences": n} for a, n in assets]
    record(session, [_casting_changed(entity.project_id, entity_id, listed, replaced=True)])


# -- CSV ----------------------------------------------------------------------------


@dataclass
class _Directory:
    """The project's live entities by the names a CSV gives them."""

    episodes: dict[str, list[int]]
    sequences: dict[tuple[int | None, str], list[int]]
    shots: dict[tuple[int, str], list[int]]
    assets: dict[tuple[str, str], list[int]]
    asset_names: dict[str, list[int]]


def _directory(session: Session, project_id: int) -> _Directory:
    """One statement: every live entity of the project with what names it."""
    sequence = SequenceModel.__table__
    shot = Shot.__table__
    asset = Asset.__table__
    entity = Entity.__table__
    stmt = (
        select(
            entity.c.id,
            entity.c.kind,
            entity.c.name,
            sequence.c.episode_id,
            shot.c.sequence_id,
            AssetType.name,
        )
        .select_from(entity)
        .outerjoin(sequence, sequence.c.id == entity.c.id)
        .outerjoin(shot, shot.c.id == entity.c.id)
        .outerjoin(asset, asset.c.id == entity.c.id)
        .outerjoin(AssetType, AssetType.id == asset.c.asset_type_id)
        .where(entity.c.project_id == project_id, entity.c.deleted_at.is_(None))
    )
    found = _Directory(*(defaultdict(list) for _ in range(5)))  # type: ignore[arg-type]
    for ident, kind, name, episode_id, sequence_id, asset_type in session.execute(stmt):
        if kind == "episode":
            found.episodes[name].append(ident)
        elif kind == "sequence":
            found.sequences[(episode_id, name)].append(ident)
        elif kind == "shot":
            found.shots[(sequence_id, name)].append(ident)
        elif kind == "asset":
            found.assets[(asset_type, name)].append(ident)
            found.asset_names[name].append(ident)
    return found


class _Unresolved(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message


def _one(ids: list[int], column: str, what: str) -> int:
    if not ids:
        raise _Unresolved(column, f"no {what}")
    if len(ids) > 1:
        raise _Unresolved(column, f"{len(ids)} entities are {what}: name it more precisely")
    return ids[0]


def _sequences(directory: _Directory, row: CsvRow) -> list[int]:
    name = row["sequence"]
    if row["episode"]:
        episode = _one(directory.episodes[row["episode"]], "episode", f"episode {row['episode']!r}")
        return directory.sequences[(episode, name)]
    return [i for (_, n), ids in directory.sequences.items() if n == name for i in ids]


def _target(directory: _Directory, row: CsvRow) -> int:
    if row["shot"]:
        if not row["sequence"]:
            raise _Unresolved("sequence", "a shot is named within its sequence: give it")
        sequence = _one(_sequences(directory, row), "sequence", f"sequence {row['sequence']!r}")
        return _one(
            directory.shots[(sequence, row["shot"])],
            "shot",
            f"shot {row['shot']!r} in sequence {row['sequence']!r}",
        )
    if row["sequence"]:
        return _one(_sequences(directory, row), "sequence", f"sequence {row['sequence']!r}")
    if row["episode"]:
        return _one(directory.episodes[row["episode"]], "episode", f"episode {row['episode']!r}")
    raise _Unresolved("shot", "name the shot, sequence or episode the asset is cast into")


def _asset(directory: _Directory, row: CsvRow) -> int:
    name = row["asset"]
    if not name:
        raise _Unresolved("asset", "the asset is missing")
    if row["asset_type"]:
        return _one(
            directory.assets[(row["asset_type"], name)],
            "asset",
            f"asset {name!r} of type {row['asset_type']!r}",
        )
    return _one(directory.asset_names[name], "asset", f"asset {name!r}")


def _occurrences(row: CsvRow) -> int:
    value = row["occurrences"]
    if not value:
        return 1
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_OCCURRENCES:
        raise _Unresolved(
            "occurrences", f"expected a whole number from 0 to {MAX_OCCURRENCES}, got {value!r}"
        )
    return int(value)


def _links(directory: _Directory, file: CsvFile) -> list[Link]:
    """The link of each row, or a 400 naming every row that has none."""
    links: list[Link] = []
    errors = list(file.errors)
    lines: dict[tuple[int, int], int] = {}
    for row in file.rows:
        try:
            link = Link(_target(directory, row), _asset(directory, row), _occurrences(row))
        except _Unresolved as problem:
            errors.append(RowError(row.line, problem.column, problem.message))
            continue
        pair = (link.entity_id, link.asset_id)
        if pair in lines:
            errors.append(RowError(row.line, None, f"casts the same asset as line {lines[pair]}"))
            continue
        lines[pair] = row.line
        links.append(link)
    if errors:
        raise CsvRefused(sorted(errors, key=lambda error: error.line))
    return links


def import_csv(
    session: Session, me: Principal, project_id: int, text: str, *, dry_run: bool
) -> CastingImport:
    """Read a casting CSV into the project: every row or none. 3 statements
    for a dry run (the checks, the names, the links as they are), 5 to apply."""
    verify(session, *_manages(me, project_id))
    file = read_csv(text, COLUMNS, required=("asset",))
    links = _links(_directory(session, project_id), file)
    current: dict[tuple[int, int], int] = {}
    if links:
        pairs = [(link.entity_id, link.asset_id) for link in links]
        current = {
            (entity_id, asset_id): occurrences
            for entity_id, asset_id, occurrences in session.execute(
                select(Casting.entity_id, Casting.asset_id, Casting.occurrences).where(
                    tuple_(Casting.entity_id, Casting.asset_id).in_(pairs)
                )
            )
        }
    report = CastingImport(
        dry_run=dry_run, rows=len(file.rows), created=0, updated=0, removed=0, unchanged=0
    )
    for link in links:
        before = current.get((link.entity_id, link.asset_id))
        if before is None:
            outcome = "created" if link.occurrences else "unchanged"
        elif link.occurrences == 0:
            outcome = "removed"
        else:
            outcome = "updated" if link.occurrences != before else "unchanged"
        setattr(report, outcome, getattr(report, outcome) + 1)
    if links and not dry_run:
        _write(session, project_id, links)
    if not dry_run:
        counts = {
            key: getattr(report, key)
            for key in ("rows", "created", "updated", "removed", "unchanged")
        }
        record(session, [Change("casting.imported", project_id=project_id, payload=counts)])
    return report


def export_csv(session: Session, me: Principal, project_id: int) -> str:
    """The project's casting as the import reads it: 2 statements."""
    verify(session, seen(me, Project, project_id, "project"))
    target = Entity.__table__.alias("target")
    shot = Shot.__table__.alias("shot")
    sequence = Entity.__table__.alias("in_sequence")
    sequence_row = SequenceModel.__table__.alias("sequence_row")
    episode = Entity.__table__.alias("in_episode")
    asset = aliased(Asset)
    sequence_id = shot.c.sequence_id
    stmt = (
        select(
            target.c.kind,
            target.c.name,
            sequence.c.name,
            episode.c.name,
            AssetType.name,
            asset.name,
            Casting.occurrences,
        )
        .select_from(Casting)
        .join(target, target.c.id == Casting.entity_id)
        .outerjoin(shot, shot.c.id == target.c.id)
        .outerjoin(sequence, sequence.c.id == sequence_id)
        .outerjoin(
            sequence_row,
            sequence_row.c.id.in_([sequence_id, target.c.id]),
        )
        .outerjoin(
            episode,
            episode.c.id.in_([sequence_row.c.episode_id, target.c.id])
            & (episode.c.kind == "episode"),
        )
        .join(asset, asset.id == Casting.asset_id)
        .join(AssetType, AssetType.id == asset.asset_type_id)
        .where(Casting.project_id == project_id, visible(me, Casting))
    )
    lines = []
    for kind, name, in_sequence, in_episode, asset_type, asset_name, occurrences in session.execute(
        stmt
    ):
        shot_name = name if kind == "shot" else ""
        sequence_name = in_sequence if kind == "shot" else name if kind == "sequence" else ""
        episode_name = in_episode if kind != "episode" else name
        lines.append(
            (
                episode_name or "",
                sequence_name or "",
                shot_name,
                asset_type,
                asset_name,
                occurrences,
            )
        )
    lines.sort()
    return write_csv(COLUMNS, lines)
