"""The shot grid as a CSV file, and shots (with their tasks' statuses)
imported from one: an export imports into another project as it is.

Columns: ``episode``, ``sequence`` and ``name`` (by name: an export reads
back into a project whose ids differ), ``frame_in``, ``frame_out``,
``description``, then one column per shot task type of the project, named
after it, in the project's order, holding the status short name of the
shot's task of that type (empty: no task).

An import creates every shot of the file and, for each status given, its
task of that type, or nothing at all. A sequence or episode the project does
not have yet is created with its first shot, as a breakdown sent by
production names them: refusing them would make every new episode two
imports. Names match as the database's uniqueness does (case-insensitive,
under the parent: ``SQ010`` of episode ``E01`` is not ``SQ010`` of ``E02``,
nor of no episode); a new name is created as its first line spells it. Each
refused cell is named by its line and column: a missing name, sequence or
frame, frames out of order, a status the project does not have, a name a
live shot of the sequence holds or another line repeats.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal, visible
from shotline.csvfiles import CsvFile, read_csv
from shotline.models import Entity, Episode, ForEntity, Project, Sequence, Shot
from shotline.models.entities import name_key
from shotline.services import bulk
from shotline.services.checks import seen, verify
from shotline.services.csv_export import grid_chunks
from shotline.services.csv_import import (
    MAX_NAME,
    Check,
    EntityNames,
    TaskColumns,
    create_status_tasks,
    managed_project,
    project_statuses,
    task_columns,
    written_alone,
)

__all__ = ["COLUMNS", "ShotImport", "export_csv", "import_csv"]

COLUMNS = ("episode", "sequence", "name", "frame_in", "frame_out", "description")
"""The columns before the task types'."""


@dataclass(frozen=True)
class ShotImport:
    dry_run: bool
    rows: int
    episodes: int
    sequences: int
    shots: int
    tasks: int


def export_csv(
    session: Session, me: Principal, project_id: int, conditions: Iterable[ColumnElement[bool]]
) -> Iterator[str]:
    """The shots matching ``conditions`` that ``me`` sees, by episode,
    sequence, name then id, with their statuses, a page at a time: 4
    statements (the project, its task types, the shots with their sequence
    and episode, their tasks) and 2 per further page (see
    :mod:`shotline.services.csv_export`). The project is checked at once."""
    verify(session, seen(me, Project, project_id, "project"))
    types = task_columns(session, project_id, ForEntity.SHOT)
    sequence = aliased(Sequence, flat=True)
    episode = aliased(Episode, flat=True)
    episode_name = func.coalesce(episode.name, "")
    shots = (
        select(
            Shot.id,
            episode.name,
            sequence.name,
            Shot.name,
            Shot.frame_in,
            Shot.frame_out,
            Shot.description,
        )
        .join(sequence, sequence.id == Shot.sequence_id)
        .outerjoin(episode, episode.id == sequence.episode_id)
        .where(Shot.project_id == project_id, visible(me, Entity), *conditions)
    )
    keys = (episode_name, sequence.name, Shot.name, Shot.id)
    return grid_chunks(session, me, [*COLUMNS, *types.names], types, shots, keys)


@dataclass
class _Planned:
    """What a file creates, parents first; a parent not yet created is
    named by its key in ``episodes`` or ``sequences``."""

    episodes: dict[str, str] = field(default_factory=dict)
    """New episode's key → name."""
    sequences: dict[str, tuple[str, int | str | None]] = field(default_factory=dict)
    """New sequence's key → (name, episode id or new episode's key)."""
    shots: list[tuple[dict[str, Any], int | str]] = field(default_factory=list)
    """Each shot's row and its sequence id (or new sequence's key)."""
    statuses: list[dict[int, int]] = field(default_factory=list)


def _plan(
    session: Session, project_id: int, file: CsvFile, types: TaskColumns, check: Check
) -> _Planned:
    statuses = project_statuses(session, project_id)
    names = EntityNames(session, project_id, file.rows, name="name", kind=lambda _: "shot")
    planned = _Planned()
    for row in file.rows:
        episode = names.episode(row) if check.text(row, "episode", MAX_NAME) else None
        if isinstance(episode, str):
            planned.episodes.setdefault(episode, row["episode"])
        sequence_name = check.name(row, "sequence", "a sequence")
        name = check.name(row, "name", "a name")
        sequence = names.sequence(row)
        if isinstance(sequence, str) and sequence_name is not None:
            planned.sequences.setdefault(sequence, (sequence_name, episode))
        shot_key = names.key(row)
        if name is not None and shot_key in names.held:
            message = f"sequence {row['sequence']!r} already has a shot named {name!r}"
            check.refuse(row, "name", f"{message}: shot {names.held[shot_key]}")
        elif name is not None and sequence_name is not None:
            check.once(row, "name", (sequence, name_key("shot", None, name)), "shot")
        frame_in, frame_out = check.number(row, "frame_in"), check.number(row, "frame_out")
        for column, frame in (("frame_in", frame_in), ("frame_out", frame_out)):
            if frame is None and not row[column]:
                check.refuse(row, column, f"{column} is required")
        if frame_in is not None and frame_out is not None and frame_out < frame_in:
            check.refuse(row, "frame_out", "must not be before frame_in")
        shot = {
            "name": name,
            "frame_in": frame_in,
            "frame_out": frame_out,
            "description": check.text(row, "description"),
            "data": {},
        }
        planned.shots.append((shot, sequence))
        planned.statuses.append(types.read(check, row, statuses))
    return planned


def _create(session: Session, project_id: int, planned: _Planned) -> list[int]:
    """Create the planned episodes, sequences and shots; the shots' ids."""
    created: dict[str, int] = {}
    episodes = [{"name": name, "data": {}} for name in planned.episodes.values()]
    if episodes:
        ids = bulk.create_many(session, Episode, project_id, episodes)
        created.update(zip(planned.episodes, ids, strict=True))
    sequences = [
        {"name": name, "episode_id": created[e] if isinstance(e, str) else e, "data": {}}
        for name, e in planned.sequences.values()
    ]
    if sequences:
        ids = bulk.create_many(session, Sequence, project_id, sequences)
        created.update(zip(planned.sequences, ids, strict=True))
    shots = [
        {**shot, "sequence_id": created[s] if isinstance(s, str) else s}
        for shot, s in planned.shots
    ]
    return bulk.create_many(session, Shot, project_id, shots)


def _recheck(session: Session, project_id: int, file: CsvFile, types: TaskColumns) -> None:
    check = Check(list(file.errors))
    _plan(session, project_id, file, types, check)
    check.refuse_any()


def import_csv(
    session: Session, me: Principal, project_id: int, text: str, *, dry_run: bool
) -> ShotImport:
    """Read a shot CSV into the project: every row or none (flushed, not
    committed). 5 statements for a dry run (the checks, the task types, the
    statuses, the episodes and sequences, the shots' names); to apply, 5 per
    kind of entity created (6 for sequences and shots, which check their
    parents) and 3 for the tasks."""
    managed_project(session, me, project_id, "shots")
    types = task_columns(session, project_id, ForEntity.SHOT)
    file = read_csv(
        text,
        [*COLUMNS, *types.columns],
        required=("sequence", "name", "frame_in", "frame_out"),
    )
    check = Check(list(file.errors))
    planned = _plan(session, project_id, file, types, check)
    check.refuse_any()
    report = ShotImport(
        dry_run=dry_run,
        rows=len(file.rows),
        episodes=len(planned.episodes),
        sequences=len(planned.sequences),
        shots=len(planned.shots),
        tasks=sum(len(cells) for cells in planned.statuses),
    )
    if dry_run or not planned.shots:
        return report
    # A name another change took meanwhile is refused by its line, or the file
    # is refused whole (a 409) if it would now import differently.
    with written_alone(session, lambda: _recheck(session, project_id, file, types)):
        created = _create(session, project_id, planned)
    create_status_tasks(session, project_id, created, planned.statuses)
    return report
