"""The views written by hand on SQLAlchemy: once with lazy loading (naive, the
N+1 "before") and once with eager loading chains (hand-written).

Both build the workload's payload from ORM objects with plain dicts and
``orjson``; they differ only in how the objects are loaded.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload, with_polymorphic

from bench.workloads import PROJECT_ID, W4_SHOTS, W4_TASKS, W5_TASKS
from shotline.models import (
    Asset,
    Entity,
    Project,
    ProjectTaskType,
    Sequence,
    Shot,
    Task,
)


class NotFound(LookupError):
    pass


def _iso(moment: Any) -> str:
    return moment.isoformat()


# -- W1 / W2: the asset grid ----------------------------------------------------


def _status_map(tasks: list[Task], positions: dict[int, int]) -> dict[str, str]:
    """Task type name → status, in the project's task type order (unlisted last, by name)."""
    unlisted = len(positions)
    ordered = sorted(
        tasks, key=lambda t: (positions.get(t.task_type_id, unlisted), t.task_type.name)
    )
    return {t.task_type.name: t.task_status.short_name for t in ordered}


def _grid_row(asset: Asset, positions: dict[int, int]) -> dict[str, Any]:
    tasks = asset.tasks
    return {
        "id": asset.id,
        "name": asset.name,
        "description": asset.description,
        "asset_type": asset.asset_type.name,
        "created_at": asset.created_at,
        "updated_at": asset.updated_at,
        "task_status": _status_map(tasks, positions),
        "task_details": [
            {
                "id": task.id,
                "task_type": task.task_type.name,
                "task_status": task.task_status.short_name,
                "assignees": [
                    {"id": p.id, "full_name": f"{p.first_name} {p.last_name}"}
                    for p in task.assignees
                ],
                "updated_at": task.updated_at,
                "thumbnail_id": task.thumbnail_id,
            }
            for task in tasks
        ],
    }


def _assets(limit: int | None, project_id: int = PROJECT_ID) -> Select[Any]:
    stmt = select(Asset).where(Asset.project_id == project_id).order_by(Asset.name, Asset.id)
    return stmt if limit is None else stmt.limit(limit)


def _project(session: Session, project_id: int = PROJECT_ID) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(project_id)
    return project


def grid_naive(session: Session, limit: int | None, project_id: int = PROJECT_ID) -> bytes:
    project = _project(session, project_id)
    assets = session.scalars(_assets(limit, project_id)).all()
    positions = {link.task_type_id: link.position for link in project.task_type_links}
    return orjson.dumps({"items": [_grid_row(a, positions) for a in assets]})


def grid_hand(session: Session, limit: int | None, project_id: int = PROJECT_ID) -> bytes:
    _project(session, project_id)
    stmt = _assets(limit, project_id).options(
        joinedload(Asset.asset_type),
        selectinload(Asset.tasks).options(
            joinedload(Task.task_type),
            joinedload(Task.task_status),
            selectinload(Task.assignees),
        ),
    )
    assets = session.scalars(stmt).unique().all()
    positions = dict(
        session.execute(
            select(ProjectTaskType.task_type_id, ProjectTaskType.position).where(
                ProjectTaskType.project_id == project_id
            )
        ).all()
    )
    return orjson.dumps({"items": [_grid_row(a, positions) for a in assets]})


# -- W3: project → assets → type, tasks → type, status, assignees ------------------


def _w3(project: Project, assets: Any) -> bytes:
    return orjson.dumps(
        {
            "data": {
                "project": {
                    "id": str(project.id),
                    "name": project.name,
                    "assets": [
                        {
                            "id": str(a.id),
                            "name": a.name,
                            "assetType": {"id": str(a.asset_type.id), "name": a.asset_type.name},
                            "tasks": [
                                {
                                    "id": str(t.id),
                                    "taskType": {
                                        "id": str(t.task_type.id),
                                        "name": t.task_type.name,
                                    },
                                    "taskStatus": {
                                        "id": str(t.task_status.id),
                                        "shortName": t.task_status.short_name,
                                    },
                                    "assignees": [
                                        {
                                            "id": str(p.id),
                                            "firstName": p.first_name,
                                            "lastName": p.last_name,
                                        }
                                        for p in t.assignees
                                    ],
                                }
                                for t in a.tasks
                            ],
                        }
                        for a in assets
                    ],
                }
            }
        }
    )


def w3_naive(session: Session, limit: int, project_id: int = PROJECT_ID) -> bytes:
    project = _project(session, project_id)
    return _w3(project, session.scalars(_assets(limit, project_id)).all())


def w3_hand(session: Session, limit: int, project_id: int = PROJECT_ID) -> bytes:
    project = _project(session, project_id)
    stmt = _assets(limit, project_id).options(
        joinedload(Asset.asset_type),
        selectinload(Asset.tasks).options(
            joinedload(Task.task_type),
            joinedload(Task.task_status),
            selectinload(Task.assignees),
        ),
    )
    return _w3(project, session.scalars(stmt).unique().all())


# -- W4: sequences → shots (first 5) → tasks (first 3, latest first), with totals -----


def _w4(
    sequences: Any,
    shots: dict[int, tuple[list[Shot], int]],
    tasks: dict[int, tuple[list[Task], int]],
) -> bytes:
    def task_node(t: Task) -> dict[str, Any]:
        return {
            "id": str(t.id),
            "typeShortName": t.task_type.short_name,
            "statusShortName": t.task_status.short_name,
            "updatedAt": _iso(t.updated_at),
        }

    def shot_node(s: Shot) -> dict[str, Any]:
        page, total = tasks.get(s.id, ([], 0))
        return {
            "id": str(s.id),
            "name": s.name,
            "taskConnection": {
                "totalCount": total,
                "edges": [{"node": task_node(t)} for t in page],
            },
        }

    data = {
        "project": {
            "sequences": [
                {
                    "id": str(q.id),
                    "name": q.name,
                    "shotConnection": {
                        "totalCount": shots.get(q.id, ([], 0))[1],
                        "edges": [{"node": shot_node(s)} for s in shots.get(q.id, ([], 0))[0]],
                    },
                }
                for q in sequences
            ]
        }
    }
    return orjson.dumps({"data": data})


def _sequences() -> Select[Any]:
    return select(Sequence).where(Sequence.project_id == PROJECT_ID).order_by(Sequence.id)


def w4_naive(session: Session) -> bytes:
    _project(session)
    sequences = session.scalars(_sequences()).all()
    shots: dict[int, tuple[list[Shot], int]] = {}
    tasks: dict[int, tuple[list[Task], int]] = {}
    for sequence in sequences:
        every = sorted(sequence.shots, key=lambda s: (s.name, s.id))
        shots[sequence.id] = (every[:W4_SHOTS], len(every))
        for shot in every[:W4_SHOTS]:
            latest = sorted(shot.tasks, key=lambda t: (t.updated_at, t.id), reverse=True)
            tasks[shot.id] = (latest[:W4_TASKS], len(latest))
    return _w4(sequences, shots, tasks)


def w4_hand(session: Session) -> bytes:
    _project(session)
    sequences = session.scalars(_sequences()).all()
    ranked_shots = (
        select(
            Shot.id.label("id"),
            func.row_number()
            .over(partition_by=Shot.sequence_id, order_by=(Shot.name, Shot.id))
            .label("rn"),
            func.count().over(partition_by=Shot.sequence_id).label("total"),
        )
        .where(Shot.sequence_id.in_([q.id for q in sequences]))
        .subquery()
    )
    shots: dict[int, tuple[list[Shot], int]] = {}
    rows = session.execute(
        select(Shot, ranked_shots.c.total)
        .join(ranked_shots, ranked_shots.c.id == Shot.id)
        .where(ranked_shots.c.rn <= W4_SHOTS)
        .order_by(Shot.sequence_id, ranked_shots.c.rn)
    ).all()
    for shot, total in rows:
        shots.setdefault(shot.sequence_id, ([], total))[0].append(shot)
    ranked_tasks = (
        select(
            Task.id.label("id"),
            func.row_number()
            .over(partition_by=Task.entity_id, order_by=(Task.updated_at.desc(), Task.id.desc()))
            .label("rn"),
            func.count().over(partition_by=Task.entity_id).label("total"),
        )
        .where(Task.entity_id.in_([shot.id for shot, _ in rows]))
        .subquery()
    )
    tasks: dict[int, tuple[list[Task], int]] = {}
    for task, total in session.execute(
        select(Task, ranked_tasks.c.total)
        .join(ranked_tasks, ranked_tasks.c.id == Task.id)
        .where(ranked_tasks.c.rn <= W4_TASKS)
        .order_by(Task.entity_id, ranked_tasks.c.rn)
        .options(joinedload(Task.task_type), joinedload(Task.task_status))
    ):
        tasks.setdefault(task.entity_id, ([], total))[0].append(task)
    return _w4(sequences, shots, tasks)


# -- W5: tasks with their entity, by subtype ------------------------------------------


def _w5(tasks: Any) -> bytes:
    def entity(e: Entity) -> dict[str, Any]:
        node: dict[str, Any] = {"__typename": type(e).__name__, "id": str(e.id), "name": e.name}
        if isinstance(e, Asset):
            node["assetType"] = {"name": e.asset_type.name}
        elif isinstance(e, Shot):
            node["frameIn"] = e.frame_in
            node["frameOut"] = e.frame_out
            node["sequence"] = {"name": e.sequence.name}
        return node

    edges = [
        {
            "node": {
                "id": str(t.id),
                "updatedAt": _iso(t.updated_at),
                "taskType": {"name": t.task_type.name},
                "taskStatus": {"shortName": t.task_status.short_name},
                "entity": entity(t.entity),
            }
        }
        for t in tasks
    ]
    return orjson.dumps({"data": {"taskConnection": {"edges": edges}}})


def _latest_tasks() -> Select[Any]:
    return select(Task).order_by(Task.updated_at.desc(), Task.id.desc()).limit(W5_TASKS)


def w5_naive(session: Session) -> bytes:
    return _w5(session.scalars(_latest_tasks()).all())


def w5_hand(session: Session) -> bytes:
    entity = with_polymorphic(Entity, [Asset, Shot], flat=True)
    stmt = _latest_tasks().options(
        joinedload(Task.task_type),
        joinedload(Task.task_status),
        joinedload(Task.entity.of_type(entity)).options(
            joinedload(entity.Asset.asset_type),
            joinedload(entity.Shot.sequence),
        ),
    )
    return _w5(session.scalars(stmt).unique().all())
