"""Project stats, on every dialect: counted in SQL, deleted rows left out.

Data: see ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.refusals import refusal
from tests.shotline.api.conftest import Answer
from tests.shotline.signin import AUTH

Get = Callable[[str], Answer]


def stats(task_type: str, counts: dict[str, int], done: int, done_ratio: float) -> dict[str, Any]:
    return {
        "task_type": task_type,
        "counts": counts,
        "total": sum(counts.values()),
        "done": done,
        "done_ratio": done_ratio,
    }


def statuses(todo: int = 0, wip: int = 0, wfa: int = 0, done: int = 0) -> dict[str, int]:
    return {"todo": todo, "wip": wip, "wfa": wfa, "done": done}


def test_stats_per_task_type_in_project_order(get: Get) -> None:
    answer = get("/api/projects/1/stats")
    # project, its task types, its statuses, one GROUP BY
    assert (answer.status, answer.statements) == (200, AUTH + 4)
    assert answer.body == {
        "project_id": 1,
        "task_types": [
            # Dock's live Modeling task does not count: Dock is deleted.
            stats("Modeling", statuses(wip=1, done=2), 2, 0.6667),
            # "hold" is not enabled on the project, yet a task uses it.
            stats("Shading", {**statuses(wip=1), "hold": 1}, 0, 0.0),
            # Bell's deleted Rigging task does not count.
            stats("Rigging", statuses(todo=1, wfa=1), 0, 0.0),
            # Neither does the Layout task of the deleted shot.
            stats("Layout", statuses(wip=1, done=1), 1, 0.5),
            stats("Animation", statuses(wip=1), 0, 0.0),
            # Not enabled on the project, but still a task of it: after the others.
            stats("Concept", statuses(wip=1), 0, 0.0),
        ],
        "total": 11,
        "done": 3,
        "done_ratio": 0.2727,
    }
    assert [row["task_type"] for row in answer.body["task_types"]] == [
        "Modeling",
        "Shading",
        "Rigging",
        "Layout",
        "Animation",
        "Concept",
    ]
    assert list(answer.body["task_types"][1]["counts"]) == ["todo", "wip", "wfa", "done", "hold"]


def test_stats_are_counted_by_the_database(get: Get) -> None:
    answer = get("/api/projects/2/stats")
    assert answer.body == {
        "project_id": 2,
        "task_types": [
            stats("Modeling", {"todo": 14, "wip": 13, "done": 13}, 13, 0.325),
            stats("Rigging", {"todo": 40, "wip": 0, "done": 0}, 0, 0.0),
            stats("Layout", {"todo": 0, "wip": 30, "done": 0}, 0, 0.0),
        ],
        "total": 110,
        "done": 13,
        "done_ratio": 0.1182,
    }
    # 110 tasks or 11, the same statements: tasks are grouped, never loaded.
    assert answer.statements == AUTH + 4
    grouped = answer.sql[-1]
    assert "GROUP BY" in grouped
    assert "count(task.id)" in grouped
    assert "task.deleted_at IS NULL" in grouped
    assert "entity.deleted_at IS NULL" in grouped


def test_stats_of_an_unknown_project_are_404(get: Get) -> None:
    answer = get("/api/projects/999/stats")
    assert (answer.status, answer.body, answer.statements) == (
        404,
        refusal("not_found", "project 999 not found"),
        AUTH + 1,
    )


def test_stats_of_an_impossible_project_id_are_422(get: Get) -> None:
    answer = get("/api/projects/3000000000/stats")
    assert (answer.status, answer.body, answer.statements) == (
        422,
        {
            "detail": [
                {
                    "type": "less_than_equal",
                    "loc": ["path", "project_id"],
                    "msg": "Input should be less than or equal to 2147483647",
                    "input": "3000000000",
                    "ctx": {"le": 2147483647},
                }
            ]
        },
        AUTH,
    )
