"""The OpenAPI document describes the CSV exports and imports as they are:
``text/csv`` answers and request bodies, the ``bom`` and ``dry_run``
parameters, the refusals each can answer with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine

from shotline.app import create_app

EXPORTS = [
    "/api/projects/{project_id}/" + name for name in ("assets.csv", "shots.csv", "tasks.csv")
]
IMPORTS = [*EXPORTS, "/api/people.csv"]
CSV = {"text/csv": {"schema": {"type": "string"}}}


def _parameters(operation: dict[str, Any]) -> set[str]:
    return {
        parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"
    }


def test_csv_operations_are_documented() -> None:
    paths = create_app(create_engine("sqlite://")).openapi()["paths"]
    for path in EXPORTS:
        export = paths[path]["get"]
        assert export["responses"]["200"]["content"] == CSV
        assert "bom" in _parameters(export)
        assert {"400", "404"} <= set(export["responses"])
    for path in IMPORTS:
        load = paths[path]["post"]
        assert load["requestBody"]["required"] is True
        assert load["requestBody"]["content"] == CSV
        assert _parameters(load) == {"dry_run"}
        assert {"400", "403", "413"} <= set(load["responses"])
        assert "application/json" in load["responses"]["200"]["content"]
