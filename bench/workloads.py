"""The five workloads, each defined once: what is asked and the payload's shape.

Every implementation answers a workload with JSON bytes; the correctness guard
parses them and brings them to the workload's canonical shape (below) before
comparing them as data. Timestamps are compared as instants (an ISO text in
any offset or precision), since each stack prints them its own way.

Canonical shapes (``ID`` strings as GraphQL sends them in W3-W5):

- W1 and W2 (the REST asset grid, ``GET /api/projects/1/assets``): the rows
  of the main project by name then id, W1 the first ``limit`` of them, W2
  all: ``[{id, name, description, asset_type, created_at, updated_at,
  task_status: [[task type name, status short name], ...] (in the project's
  task type order), task_details: [{id, task_type, task_status, assignees:
  [{id, full_name}], updated_at}] (by task id)}]``.
- W3, W4, W5: the ``data`` of the GraphQL queries below as Shotline's API
  answers them; W3 asks for the first ``size`` assets (100, and 1,000 in its
  point W3/1000).

W1 and W3 also run on a second data shape, ``dense`` (see :mod:`bench.dense`):
a project of its own with 12 tasks per asset and one or two assignees per
task, where the demo's main production has 5 tasks per asset and mostly one
assignee; their labels end in `` dense``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

PROJECT_ID = 1
"""The main production of the demo (the large one)."""

DENSE_PROJECT_ID = 100
"""The dense shape's project (:data:`bench.dense.DENSE_PROJECT_ID`)."""

SHAPES = ("demo", "dense")

W1_SIZES = (10, 30, 100, 300, 1000)
"""Page sizes of the W1 latency chart; the table uses 100."""


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    size: int | None = None
    """W1's page size, W3's number of assets; ``None`` elsewhere."""
    shape: str = "demo"
    """The data it runs on: the demo's main production, or the dense project."""

    @property
    def label(self) -> str:
        sized = self.key if self.size is None or self.size == 100 else f"{self.key}/{self.size}"
        return sized if self.shape == "demo" else f"{sized} {self.shape}"

    @property
    def project_id(self) -> int:
        """The project whose assets it reads."""
        return PROJECT_ID if self.shape == "demo" else DENSE_PROJECT_ID


W1 = Workload("W1", "asset page: 100 assets, task_status map, task_details, assignees", 100)
W2 = Workload("W2", "whole-project asset grid (every asset of the main project with its tasks)")
W3 = Workload(
    "W3",
    "GraphQL nested: project → assets (first 100) → type, tasks → type, status, assignees",
    100,
)
W4 = Workload(
    "W4",
    "per-parent pagination: sequences → shots (first 5) → tasks (first 3, latest first), with totals",
)
W5 = Workload(
    "W5", "polymorphic: 500 latest tasks with their entity, asset or shot fields by subtype"
)
WORKLOADS = (W1, W2, W3, W4, W5)


def w1(size: int, shape: str = "demo") -> Workload:
    return Workload("W1", W1.title, size, shape)


def w3(size: int, shape: str = "demo") -> Workload:
    return Workload("W3", W3.title, size, shape)


TABLE = (
    W1,
    w1(1000),
    W2,
    W3,
    w3(1000),
    W4,
    W5,
    w1(100, "dense"),
    w1(1000, "dense"),
    w3(100, "dense"),
    w3(1000, "dense"),
)
"""The rows of the results table: the workloads, W1 and W3 again at 1,000
assets (where what each object costs outweighs what the request costs), and
both again on the dense shape."""


def grid_limit(workload: Workload) -> int | None:
    """The page size of a grid workload (W1), ``None`` for the whole grid (W2)."""
    return workload.size if workload.key == "W1" else None


def w3_limit(workload: Workload) -> int:
    """The number of assets W3 asks for: every implementation writes it into
    its own query, so that each point of W3 asks all of them the same."""
    if workload.key != "W3" or workload.size is None:
        raise ValueError(f"{workload.label} is not a point of W3")
    return workload.size


# -- The GraphQL queries of W3-W5, as Shotline's schema takes them -----------------

W3_QUERY = """
query W3 {
  project(id: "$project") {
    id name
    assets(limit: $limit, order: [{name: ASC}, {id: ASC}]) {
      id name
      assetType { id name }
      tasks {
        id
        taskType { id name }
        taskStatus { id shortName }
        assignees { id firstName lastName }
      }
    }
  }
}
"""


def grid_query(template: str, workload: Workload) -> str:
    """A GraphQL grid query (W1/W2) from ``template``: ``$project`` filled in,
    ``$limit`` as ``, limit: N`` for W1's page or dropped for the whole grid."""
    limit = grid_limit(workload)
    return template.replace("$project", str(workload.project_id)).replace(
        "$limit", "" if limit is None else f", limit: {limit}"
    )


def assets_query(template: str, workload: Workload) -> str:
    """A W3 query from ``template``, its ``$limit`` set to the workload's asset
    count and its ``$project`` to the workload's project."""
    return template.replace("$limit", str(w3_limit(workload))).replace(
        "$project", str(workload.project_id)
    )


W4_QUERY = """
query W4 {
  project(id: "1") {
    sequences(order: [{id: ASC}]) {
      id name
      shotConnection(first: 5, order: [{name: ASC}, {id: ASC}]) {
        totalCount
        edges { node {
          id name
          taskConnection(first: 3, order: [{updatedAt: DESC}, {id: DESC}]) {
            totalCount
            edges { node { id typeShortName statusShortName updatedAt } }
          }
        } }
      }
    }
  }
}
"""

W5_QUERY = """
query W5 {
  taskConnection(first: 500, order: [{updatedAt: DESC}, {id: DESC}]) {
    edges { node {
      id updatedAt
      taskType { name }
      taskStatus { shortName }
      entity {
        __typename id name
        ... on Asset { assetType { name } }
        ... on Shot { frameIn frameOut sequence { name } }
      }
    } }
  }
}
"""

W4_SHOTS = 5
W4_TASKS = 3
W5_TASKS = 500


# -- Normalisation ----------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def instant(value: str) -> str:
    """An ISO timestamp (any offset, precision, ``T`` or space) as UTC ISO text;
    a naive one is taken as UTC (SQLite stores UTC without an offset)."""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


def canonical(value: Any) -> Any:
    """``value`` with every timestamp text in one form."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return instant(value)
    return value


def grid_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """REST grid rows in canonical form: the status map as ordered pairs, so
    that its order (the project's task type order) is compared too. A REST
    cell's ``thumbnail_id`` (every REST implementation reads it) is left out:
    the GraphQL grids, compared with the same rows, do not ask for it."""
    rows = []
    for item in items:
        row = dict(item)
        row["task_status"] = [list(pair) for pair in row["task_status"].items()]
        row["task_details"] = [
            {key: value for key, value in task.items() if key != "thumbnail_id"}
            for task in row["task_details"]
        ]
        rows.append(row)
    return canonical(rows)


def first_difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """Where two canonical payloads first differ, or ``None``."""
    if type(expected) is not type(actual):
        return f"{path}: {type(expected).__name__} {_short(expected)} != {type(actual).__name__} {_short(actual)}"
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            if missing or extra:
                return f"{path}: keys missing {missing}, extra {extra}"
        for key in expected:
            found = first_difference(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        for index, (a, b) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items != {len(actual)} items"
        return None
    if expected != actual:
        return f"{path}: {_short(expected)} != {_short(actual)}"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."
