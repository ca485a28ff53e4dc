"""docs/start/graphql.md runs as written with loadplan[strawberry] alone."""

from __future__ import annotations

from tests.docs_runner import run_blocks


def test_the_graphql_quick_start_runs() -> None:
    run_blocks("start/graphql.md")
