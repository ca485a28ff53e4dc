"""The benchmark's second data shape: a dense production beside the demo's.

The demo gives each asset one task per asset step (5) and most tasks one
assignee; a studio's asset grid is often denser. This adds a project of
its own (``DENSE_PROJECT_ID``) to the benchmark database: ``ASSETS`` assets,
each with a task for each of ``len(STEPS)`` task types (the demo's five
asset steps and seven more) and one or two assignees per task (half each),
task types ordered by the project in an order that is not their names',
so that the grid's status map has an order of its own to follow.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from shotline.models import (
    Asset,
    AssetType,
    Entity,
    Person,
    Project,
    ProjectTaskStatus,
    ProjectTaskType,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.models.pipeline import ForEntity
from shotline.models.tasks import task_assignee

DENSE_PROJECT_ID = 100
"""Far above the demo's two projects, so that workloads can name it."""

ASSETS = 2_000
STEPS = (
    "Concept",
    "Modeling",
    "Texturing",
    "Rigging",
    "Shading",
    "Sculpt",
    "Groom",
    "Cloth",
    "Look Dev",
    "Turntable",
    "Set Dressing",
    "Asset Review",
)
"""The demo's asset steps first (they exist), then seven more (added here)."""

START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _next_id(connection: Connection, model: Any) -> int:
    return int(connection.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _task_types(connection: Connection) -> list[int]:
    """The ids of :data:`STEPS`, creating the types the demo lacks."""
    found = dict(
        connection.execute(select(TaskType.name, TaskType.id).where(TaskType.name.in_(STEPS))).all()
    )
    next_id = _next_id(connection, TaskType)
    for name in STEPS:
        if name not in found:
            connection.execute(
                insert(_table(TaskType)),
                {
                    "id": next_id,
                    "name": name,
                    "short_name": name[:4].lower(),
                    "for_entity": ForEntity.ASSET.value,
                },
            )
            found[name] = next_id
            next_id += 1
    return [found[name] for name in STEPS]


def add_dense_project(engine: Engine, seed: int, assets: int = ASSETS) -> dict[str, int]:
    """Write the dense project, with ``assets`` assets, into the benchmark
    database (built by the demo); returns the number of rows per kind."""
    rng = random.Random(seed)
    with engine.begin() as connection:
        type_ids = _task_types(connection)
        status_ids = list(
            connection.execute(select(TaskStatus.id).order_by(TaskStatus.id)).scalars()
        )
        asset_types = list(
            connection.execute(select(AssetType.id).order_by(AssetType.id)).scalars()
        )
        people = list(connection.execute(select(Person.id).order_by(Person.id)).scalars())
        connection.execute(
            insert(_table(Project)),
            {
                "id": DENSE_PROJECT_ID,
                "name": "Dense Grid",
                "code": "DENSE",
                "created_at": START,
            },
        )
        # The project's column order: not the types' names, nor their ids.
        positions = rng.sample(range(len(type_ids)), len(type_ids))
        connection.execute(
            insert(_table(ProjectTaskType)),
            [
                {"project_id": DENSE_PROJECT_ID, "task_type_id": type_id, "position": position}
                for type_id, position in zip(type_ids, positions, strict=True)
            ],
        )
        connection.execute(
            insert(_table(ProjectTaskStatus)),
            [
                {"project_id": DENSE_PROJECT_ID, "task_status_id": status_id, "position": index}
                for index, status_id in enumerate(status_ids)
            ],
        )
        entity_id = _next_id(connection, Entity)
        task_id = _next_id(connection, Task)
        entities: list[dict[str, Any]] = []
        asset_rows: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        assignees: list[dict[str, Any]] = []
        for index in range(assets):
            created = START + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 90))
            entities.append(
                {
                    "id": entity_id,
                    "kind": "asset",
                    "project_id": DENSE_PROJECT_ID,
                    "name": f"Asset {rng.randint(0, 9999):04d}-{index:04d}",
                    "description": rng.choice([None, "Hero asset", "Background", "Crowd"]),
                    "data": {},
                    "created_at": created,
                    "updated_at": created,
                }
            )
            asset_rows.append({"id": entity_id, "asset_type_id": rng.choice(asset_types)})
            for type_id in type_ids:
                updated = created + dt.timedelta(minutes=rng.randint(1, 60 * 24 * 30))
                tasks.append(
                    {
                        "id": task_id,
                        "project_id": DENSE_PROJECT_ID,
                        "entity_id": entity_id,
                        "task_type_id": type_id,
                        "task_status_id": rng.choice(status_ids),
                        "priority": rng.choice([0, 0, 0, 1, 2]),
                        "created_at": created,
                        "updated_at": updated,
                    }
                )
                for person_id in rng.sample(people, rng.choice([1, 2])):
                    assignees.append({"task_id": task_id, "person_id": person_id})
                task_id += 1
            entity_id += 1
        connection.execute(insert(_table(Entity)), entities)
        connection.execute(insert(_table(Asset)), asset_rows)
        for start in range(0, len(tasks), 10_000):
            connection.execute(insert(_table(Task)), tasks[start : start + 10_000])
        for start in range(0, len(assignees), 10_000):
            connection.execute(insert(task_assignee), assignees[start : start + 10_000])
    return {"asset": len(asset_rows), "task": len(tasks), "task_assignee": len(assignees)}
